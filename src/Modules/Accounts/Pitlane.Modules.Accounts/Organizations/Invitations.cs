using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record InvitationCreated(Guid Id, Guid OrganizationId, OrganizationRole Role, string? Email, DateTime ExpiresAt, string Url);

public sealed record PendingInvitation(Guid Id, OrganizationRole Role, string? Email, DateTime CreatedAt, DateTime ExpiresAt);

public sealed record InvitationChange(MemberChangeStatus Status, string Message, InvitationCreated? Created = null);

/// <summary>What a link allows the person holding it: <see cref="Open"/> (they may join) or why not.</summary>
public enum InvitationOutcome
{
    Open,
    Joined,
    Invalid,
    Used,
    Revoked,
    Expired,
    AlreadyMember,
    WrongAccount,
}

public sealed record InvitationAnswer(InvitationOutcome Outcome, string Message, Guid OrganizationId = default, string OrganizationName = "", OrganizationRole Role = default);

/// <summary>
/// The rules of invitations, shared by the API, the Team page and the invitation page: Owners and Managers invite
/// (only an Owner invites an Owner), into a shop-like organisation only; a link is accepted once, by a signed-in account,
/// the named one when the invitation names an email address.
/// </summary>
public sealed class Invitations(AccountsDbContext db, InvitationLinks links, MembershipCache memberships, IOptions<AuthOptions> options, TimeProvider time)
{
    public async Task<InvitationChange> CreateAsync(Guid organizationId, OrganizationRole callerRole, Guid callerId, OrganizationRole role, string? email,
        string baseUrl, CancellationToken ct)
    {
        if (!OrganizationMembers.CanManage(callerRole, role))
        {
            return new(MemberChangeStatus.Forbidden, "Only an Owner or Manager can invite people, and only an Owner can invite an Owner.");
        }
        var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == organizationId, ct);
        if (org.Kind == OrganizationKind.Personal)
        {
            return new(MemberChangeStatus.Conflict, "A personal organisation has no other members; create a shop or dealership organisation to invite people.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var (token, hash) = links.Issue(id);
        var invitation = Invitation.Create(id, organizationId, role, email, hash, callerId, now, TimeSpan.FromDays(options.Value.InvitationDays));
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        return new(MemberChangeStatus.Done, "Invitation created.",
            new InvitationCreated(id, organizationId, role, invitation.Email, invitation.ExpiresAt, $"{baseUrl.TrimEnd('/')}/Invite/{token}"));
    }

    public async Task<List<PendingInvitation>> PendingAsync(Guid organizationId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => i.OrganizationId == organizationId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .Select(i => new PendingInvitation(i.Id, i.Role, i.Email, i.CreatedAt, i.ExpiresAt))
            .ToListAsync(ct);
        return rows.OrderByDescending(i => i.CreatedAt).ToList();
    }

    public async Task<InvitationChange> RevokeAsync(Guid organizationId, OrganizationRole callerRole, Guid invitationId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.OrganizationId == organizationId, ct);
        if (invitation is null || invitation.StateAt(now) != InvitationState.Pending)
        {
            return new(MemberChangeStatus.NotFound, "No such pending invitation.");
        }
        if (!OrganizationMembers.CanManage(callerRole, invitation.Role))
        {
            return new(MemberChangeStatus.Forbidden, "Only an Owner can withdraw an invitation to become an Owner.");
        }
        invitation.Revoke(now);
        await db.SaveChangesAsync(ct);
        return new(MemberChangeStatus.Done, "Invitation withdrawn.");
    }

    /// <summary>What the link allows <paramref name="userId"/> (null: not signed in), without changing anything.</summary>
    public async Task<InvitationAnswer> CheckAsync(string? token, Guid? userId, CancellationToken ct)
    {
        if (links.Read(token) is not { } link)
        {
            return Invalid;
        }
        var invitation = await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == link.Id, ct);
        if (invitation is null || !CryptographicOperations.FixedTimeEquals(invitation.TokenHash, link.Hash))
        {
            return Invalid;
        }
        var name = await db.Organizations.AsNoTracking().Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        var answer = invitation.StateAt(time.GetUtcNow().UtcDateTime) switch
        {
            InvitationState.Used => new InvitationAnswer(InvitationOutcome.Used,
                "This invitation has already been used. If you still need to join, ask the person who invited you for a new one."),
            InvitationState.Revoked => new InvitationAnswer(InvitationOutcome.Revoked,
                "This invitation was withdrawn. If you still need to join, ask the person who invited you for a new one."),
            InvitationState.Expired => new InvitationAnswer(InvitationOutcome.Expired,
                "This invitation has expired. Ask the person who invited you for a new one."),
            _ => new InvitationAnswer(InvitationOutcome.Open, $"You are invited to join {name} as {invitation.Role}."),
        };
        if (answer.Outcome == InvitationOutcome.Open && userId is { } user)
        {
            if (await db.Memberships.AsNoTracking().AnyAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == user, ct))
            {
                answer = new(InvitationOutcome.AlreadyMember, $"You are already a member of {name}, so there is nothing to accept.");
            }
            else if (invitation.Email is { } intended
                && !string.Equals(await db.Users.AsNoTracking().Where(u => u.Id == user).Select(u => u.NormalizedEmail).FirstOrDefaultAsync(ct),
                    intended.ToUpperInvariant(), StringComparison.Ordinal))
            {
                answer = new(InvitationOutcome.WrongAccount,
                    "This invitation was made for another email address. Sign in with that account, or ask the person who invited you to invite this one.");
            }
        }
        return answer with { OrganizationId = invitation.OrganizationId, OrganizationName = name, Role = invitation.Role };
    }

    /// <summary>
    /// Joins <paramref name="userId"/> to the invitation's organisation. Single use under concurrency: the invitation is
    /// claimed by a conditional update in the membership's transaction, so of two simultaneous accepts one claims it
    /// and the other finds it used.
    /// </summary>
    public async Task<InvitationAnswer> AcceptAsync(string? token, Guid userId, CancellationToken ct)
    {
        var check = await CheckAsync(token, userId, ct);
        if (check.Outcome != InvitationOutcome.Open)
        {
            return check;
        }
        var id = links.Read(token)!.Value.Id;
        var now = time.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var claimed = await db.Invitations
                .Where(i => i.Id == id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedBy, userId), ct);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct);
                return await CheckAsync(token, userId, ct);
            }
            var membership = Membership.Create(check.OrganizationId, userId, check.Role, now);
            db.Memberships.Add(membership);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The person joined by another invitation at the same moment: this one stays unused.
                db.Entry(membership).State = EntityState.Detached;
                await transaction.RollbackAsync(ct);
                return check with { Outcome = InvitationOutcome.AlreadyMember, Message = $"You are already a member of {check.OrganizationName}, so there is nothing to accept." };
            }
            await transaction.CommitAsync(ct);
        }
        memberships.Invalidate(check.OrganizationId, userId);
        return check with { Outcome = InvitationOutcome.Joined, Message = $"You joined {check.OrganizationName} as {check.Role}." };
    }

    private static readonly InvitationAnswer Invalid = new(InvitationOutcome.Invalid,
        "This invitation link is not valid. Check that it was copied whole, or ask the person who invited you for a new one.");
}
