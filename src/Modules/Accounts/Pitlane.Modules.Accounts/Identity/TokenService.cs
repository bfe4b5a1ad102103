using System.Security.Claims;
using System.Security.Cryptography;
using System.Buffers.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

/// <summary>The HMAC key that signs access tokens: from configuration, or generated once and kept in the data directory.</summary>
public sealed class SigningKeyProvider : IServerSecret
{
    public SigningKeyProvider(IOptions<AuthOptions> options, IOptions<PitlaneOptions> platform)
    {
        var configured = options.Value.SigningKey;
        byte[] key;
        if (!string.IsNullOrEmpty(configured))
        {
            key = System.Text.Encoding.UTF8.GetBytes(configured);
        }
        else
        {
            var folder = Path.Combine(platform.Value.DataDirectory, "keys");
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, "jwt-signing.key");
            if (File.Exists(file))
            {
                key = Convert.FromBase64String(File.ReadAllText(file).Trim());
            }
            else
            {
                key = RandomNumberGenerator.GetBytes(64);
                File.WriteAllText(file, Convert.ToBase64String(key));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }
        Key = new SymmetricSecurityKey(key) { KeyId = Convert.ToHexString(SHA256.HashData(key))[..16] };
    }

    public SymmetricSecurityKey Key { get; }

    public byte[] DeriveKey(string purpose, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Key.Key, length, salt: [], info: System.Text.Encoding.ASCII.GetBytes(purpose));
}

/// <summary>
/// Short-lived JWT access tokens plus rotating refresh tokens (RFC 9700 §4.14.2: rotation with reuse detection).
/// </summary>
public sealed class TokenService(
    AccountsDbContext db,
    SigningKeyProvider keys,
    IOptions<AuthOptions> options,
    TimeProvider time,
    SessionRevocations revocations)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<TokenPair> IssueAsync(PitlaneUser user, Guid? familyId, CancellationToken ct)
    {
        var auth = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var family = familyId ?? Guid.CreateVersion7();
        var (refresh, hash) = NewRefreshToken();
        db.RefreshTokens.Add(RefreshToken.Issue(user.Id, family, hash, now, TimeSpan.FromDays(auth.RefreshTokenDays)));
        await db.SaveChangesAsync(ct);

        var lifetime = TimeSpan.FromMinutes(auth.AccessTokenMinutes);
        var access = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(PitlaneClaims.Subject, user.Id.ToString()),
                new Claim(PitlaneClaims.PersonalOrganization, user.PersonalOrganizationId.ToString()),
                new Claim(PitlaneClaims.Session, family.ToString()),
                new Claim("name", user.DisplayName),
                new Claim("email", user.Email ?? ""),
            ]),
        });
        return new TokenPair(access, refresh, (int)lifetime.TotalSeconds);
    }

    public enum RefreshOutcome
    {
        Rotated,
        Unknown,
        Reused,
        Expired,
    }

    /// <summary>Consumes a refresh token and issues its successor; a consumed token presented again revokes its family.</summary>
    public async Task<(RefreshOutcome Outcome, Guid UserId, Guid FamilyId)> RotateAsync(string presented, CancellationToken ct)
    {
        if (HashOf(presented) is not { } hash)
        {
            return (RefreshOutcome.Unknown, default, default);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var token = await db.RefreshTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null)
        {
            return (RefreshOutcome.Unknown, default, default);
        }
        if (token.ConsumedAt is not null || token.RevokedAt is not null)
        {
            await RevokeFamilyAsync(token.FamilyId, ct);
            return (RefreshOutcome.Reused, token.UserId, token.FamilyId);
        }
        if (!token.IsUsable(now))
        {
            return (RefreshOutcome.Expired, token.UserId, token.FamilyId);
        }
        // Conditional update: of two concurrent rotations of one token only one wins; the loser is treated as reuse.
        var rows = await db.RefreshTokens
            .Where(t => t.Id == token.Id && t.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), ct);
        if (rows == 0)
        {
            await RevokeFamilyAsync(token.FamilyId, ct);
            return (RefreshOutcome.Reused, token.UserId, token.FamilyId);
        }
        return (RefreshOutcome.Rotated, token.UserId, token.FamilyId);
    }

    public async Task RevokeFamilyAsync(Guid familyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var userId = await db.RefreshTokens.Where(t => t.FamilyId == familyId).Select(t => (Guid?)t.UserId).FirstOrDefaultAsync(ct);
        // The revocation and its event in one transaction: every instance then closes the session's live connections.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var revoked = await db.RefreshTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now.UtcDateTime), ct);
        if (revoked > 0 && userId is { } user)
        {
            db.AddOutboxEvent(new SessionRevoked(user, familyId) { OccurredAt = now });
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        revocations.Forget(familyId);
    }

    public async Task<Guid?> FamilyOfAsync(string presented, CancellationToken ct)
    {
        if (HashOf(presented) is not { } hash)
        {
            return null;
        }
        return await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.FamilyId).FirstOrDefaultAsync(ct);
    }

    private static (string Token, byte[] Hash) NewRefreshToken()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var token = Base64Url.EncodeToString(bytes);
        return (token, SHA256.HashData(bytes));
    }

    private static byte[]? HashOf(string presented)
    {
        if (presented.Length is 0 or > 64)
        {
            return null;
        }
        Span<byte> raw = stackalloc byte[48];
        if (!Base64Url.IsValid(presented) || !Base64Url.TryDecodeFromChars(presented, raw, out var written) || written != 32)
        {
            return null;
        }
        return SHA256.HashData(raw[..written]);
    }
}

/// <summary>
/// Whether an access token's session (refresh-token family) has been revoked. Checked on every bearer request, so
/// answers are cached briefly: revocation is immediate on this instance and within <see cref="Lifetime"/> elsewhere.
/// </summary>
public sealed class SessionRevocations(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public async ValueTask<bool> IsRevokedAsync(IServiceProvider services, Guid familyId, CancellationToken ct)
    {
        var key = ("session", familyId);
        if (cache.TryGetValue(key, out bool revoked))
        {
            return revoked;
        }
        // The context is resolved only on a cache miss: the hot path of a bearer request touches no database.
        var db = services.GetRequiredService<AccountsDbContext>();
        revoked = await db.RefreshTokens.AsNoTracking()
            .Where(t => t.FamilyId == familyId)
            .AnyAsync(t => t.RevokedAt != null, ct);
        cache.Set(key, revoked, Entry);
        return revoked;
    }

    public void Forget(Guid familyId) => cache.Set(("session", familyId), true, Entry);

    private static MemoryCacheEntryOptions Entry => new() { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 };
}
