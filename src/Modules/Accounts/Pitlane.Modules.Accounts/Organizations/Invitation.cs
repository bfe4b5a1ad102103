using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>
/// An invitation to join an organisation in a role, by a link only its holder has: the link carries the invitation's
/// id, a random secret and an HMAC over both (<see cref="InvitationLinks"/>); only the SHA-256 of the link is stored.
/// Used once (<see cref="AcceptedAt"/>, set by a conditional update), withdrawn by the team's managers
/// (<see cref="RevokedAt"/>), or expired.
/// </summary>
public sealed class Invitation
{
    private Invitation() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public OrganizationRole Role { get; private set; }
    /// <summary>When set, only the account with this email address may accept.</summary>
    public string? Email { get; private set; }
    public byte[] TokenHash { get; private set; } = [];
    public Guid CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? AcceptedAt { get; private set; }
    public Guid? AcceptedBy { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public static Invitation Create(Guid id, Guid organizationId, OrganizationRole role, string? email, byte[] tokenHash, Guid createdBy, DateTime now, TimeSpan lifetime) => new()
    {
        Id = id,
        OrganizationId = organizationId,
        Role = role,
        Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim(),
        TokenHash = tokenHash,
        CreatedBy = createdBy,
        CreatedAt = now,
        ExpiresAt = now + lifetime,
    };

    public InvitationState StateAt(DateTime now) =>
        AcceptedAt is not null ? InvitationState.Used
        : RevokedAt is not null ? InvitationState.Revoked
        : ExpiresAt <= now ? InvitationState.Expired
        : InvitationState.Pending;

    public void Revoke(DateTime now) => RevokedAt ??= now;
}

public enum InvitationState
{
    Pending,
    Used,
    Revoked,
    Expired,
}
