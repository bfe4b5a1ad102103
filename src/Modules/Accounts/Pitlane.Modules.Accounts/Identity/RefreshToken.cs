namespace Pitlane.Modules.Accounts;

/// <summary>
/// One refresh token of a rotation family (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): each use consumes it and
/// issues its successor in the same family; presenting a consumed token again revokes the whole family.
/// Only the SHA-256 of the token is stored.
/// </summary>
public sealed class RefreshToken
{
    private RefreshToken() { }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public Guid FamilyId { get; private set; }
    public byte[] TokenHash { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? ConsumedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public static RefreshToken Issue(Guid userId, Guid familyId, byte[] tokenHash, DateTime now, TimeSpan lifetime) => new()
    {
        Id = Guid.CreateVersion7(),
        UserId = userId,
        FamilyId = familyId,
        TokenHash = tokenHash,
        CreatedAt = now,
        ExpiresAt = now + lifetime,
    };

    public bool IsUsable(DateTime now) => ConsumedAt is null && RevokedAt is null && ExpiresAt > now;

    public void Consume(DateTime now) => ConsumedAt ??= now;

    public void Revoke(DateTime now) => RevokedAt ??= now;
}
