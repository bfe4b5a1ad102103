using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pitlane.Modules.Accounts;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>
/// Access tokens that were not issued by this installation as they are (issue 11 item 14): every one is a 401 problem,
/// and a control token built the same way with the real key and claims is accepted, so the harness itself is sound.
/// </summary>
public sealed class ForgedTokenTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly JsonWebTokenHandler Handler = new();

    private sealed record Forgery(string? Issuer = "pitlane", string? Audience = "pitlane", TimeSpan? ExpiresIn = null, TimeSpan? IssuedAgo = null,
        SecurityKey? Key = null, string Algorithm = SecurityAlgorithms.HmacSha256);

    private async Task<(IReadOnlyList<Claim> Claims, SecurityKey Key)> RealAsync()
    {
        var tokens = await app.TokensAsync("owner@demo.pitlane.test");
        var real = Handler.ReadJsonWebToken(tokens.AccessToken);
        var claims = real.Claims.Where(c => c.Type is "sub" or "porg" or "sid" or "name" or "email").ToList();
        return (claims, app.Service<SigningKeyProvider>().Key);
    }

    private static string Sign(IReadOnlyList<Claim> claims, SecurityKey key, Forgery f)
    {
        var now = DateTime.UtcNow - (f.IssuedAgo ?? TimeSpan.Zero);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = f.Issuer,
            Audience = f.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (f.ExpiresIn ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = new SigningCredentials(f.Key ?? key, f.Algorithm),
            Subject = new ClaimsIdentity(claims),
        });
    }

    private async Task<HttpStatusCode> MeAsync(string token)
    {
        using var client = app.BearerClient(token);
        var response = await client.GetAsync("/api/v1/me", Ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return response.StatusCode;
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Control_token_signed_with_the_real_key_and_claims_is_accepted()
    {
        var (claims, key) = await RealAsync();
        Assert.Equal(HttpStatusCode.OK, await MeAsync(Sign(claims, key, new Forgery())));
    }

    [Fact]
    public async Task Wrong_key_expired_wrong_issuer_wrong_audience_or_another_algorithm_are_401()
    {
        var (claims, key) = await RealAsync();
        var otherKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-different-key-of-at-least-thirty-two-bytes!"));
        var cases = new (string Name, Forgery Forgery)[]
        {
            ("wrong key", new Forgery(Key: otherKey)),
            ("expired", new Forgery(IssuedAgo: TimeSpan.FromMinutes(30), ExpiresIn: TimeSpan.FromMinutes(15))),
            ("wrong issuer", new Forgery(Issuer: "evil")),
            ("no issuer", new Forgery(Issuer: null)),
            ("wrong audience", new Forgery(Audience: "someone-else")),
            ("HS512 with the real key", new Forgery(Algorithm: SecurityAlgorithms.HmacSha512)),
        };
        foreach (var (name, forgery) in cases)
        {
            Assert.True(await MeAsync(Sign(claims, key, forgery)) == HttpStatusCode.Unauthorized, name);
        }
    }

    [Fact]
    public async Task Alg_none_tampered_payload_and_garbage_are_401()
    {
        var (claims, key) = await RealAsync();
        var payload = JsonSerializer.Serialize(claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => g.First().Value)
            .Concat(new Dictionary<string, string> { ["iss"] = "pitlane", ["aud"] = "pitlane" })
            .ToDictionary(p => p.Key, object (p) => p.Value)
            .Append(new KeyValuePair<string, object>("exp", DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()))
            .ToDictionary());
        var none = $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64(payload)}.";
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(none));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync($"{B64("{\"alg\":\"None\"}")}.{B64(payload)}."));

        // A real signature over a different payload: another user's id swapped in.
        var genuine = Sign(claims, key, new Forgery()).Split('.');
        var swapped = payload.Replace(claims.First(c => c.Type == "sub").Value, Guid.NewGuid().ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync($"{genuine[0]}.{B64(swapped)}.{genuine[2]}"));

        foreach (var garbage in new[] { "abc", "a.b.c", "..", new string('A', 8000), $"{genuine[0]}.{genuine[1]}" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(garbage));
        }
    }
}
