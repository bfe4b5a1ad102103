using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public enum MemberChangeStatus
{
    Done,
    NotFound,
    Forbidden,
    Conflict,
}

public sealed record MemberChange(MemberChangeStatus Status, string Message, MemberResponse? Member = null)
{
    public static MemberChange NotFound(string message) => new(MemberChangeStatus.NotFound, message);
    public static MemberChange Forbidden(string message) => new(MemberChangeStatus.Forbidden, message);
    public static MemberChange Conflict(string message) => new(MemberChangeStatus.Conflict, message);
}

/// <summary>
/// The rules of membership, shared by the API and the Team page: Owners manage everyone, Managers everyone but
/// Owners, an organisation keeps at least one Owner, and a personal organisation has no other members. People join
/// through <see cref="Invitations"/> only, never by an email address typed by someone else.
/// </summary>
public sealed class OrganizationMembers(AccountsDbContext db, MembershipCache memberships, TimeProvider time)
{
    /// <summary>Owners manage everyone; Managers manage everyone but Owners.</summary>
    public static bool CanManage(OrganizationRole caller, OrganizationRole target) => caller switch
    {
        OrganizationRole.Owner => true,
        OrganizationRole.Manager => target != OrganizationRole.Owner,
        _ => false,
    };

    public async Task<MemberChange> ChangeRoleAsync(Guid organizationId, OrganizationRole callerRole, Guid userId, OrganizationRole role, CancellationToken ct)
    {
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (membership is null)
        {
            return MemberChange.NotFound("No such member.");
        }
        if (!CanManage(callerRole, role) || !CanManage(callerRole, membership.Role))
        {
            return MemberChange.Forbidden("Only an Owner or Manager can change roles, and only an Owner can grant or take away Owner.");
        }
        if (membership.Role == OrganizationRole.Owner && role != OrganizationRole.Owner && await IsLastOwnerAsync(organizationId, ct))
        {
            return MemberChange.Conflict("An organisation needs at least one Owner.");
        }
        membership.ChangeRole(role);
        await db.SaveChangesAsync(ct);
        memberships.Invalidate(organizationId, userId);
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
        return new(MemberChangeStatus.Done, "Role changed.", new MemberResponse(userId, user.Email!, user.DisplayName, role));
    }

    /// <summary>Removes a member; anyone may leave on their own (<paramref name="callerId"/> = <paramref name="userId"/>).</summary>
    public async Task<MemberChange> RemoveAsync(Guid organizationId, OrganizationRole callerRole, Guid callerId, Guid userId, CancellationToken ct)
    {
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (membership is null)
        {
            return MemberChange.NotFound("No such member.");
        }
        if (callerId != userId && !CanManage(callerRole, membership.Role))
        {
            return MemberChange.Forbidden("Only an Owner or Manager can remove members, and only an Owner can remove an Owner.");
        }
        if (membership.Role == OrganizationRole.Owner && await IsLastOwnerAsync(organizationId, ct))
        {
            return MemberChange.Conflict("An organisation needs at least one Owner.");
        }
        db.Memberships.Remove(membership);
        // With the removal, in one transaction: every instance then drops the person's live connections from the organisation.
        db.AddOutboxEvent(new MembershipRemoved(organizationId, userId) { OccurredAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        memberships.Invalidate(organizationId, userId);
        return new(MemberChangeStatus.Done, "Member removed.");
    }

    public async Task<Organization> CreateOrganizationAsync(Guid ownerId, string name, OrganizationKind kind, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var org = Organization.Create(name, kind, now);
        db.Organizations.Add(org);
        db.Memberships.Add(Membership.Create(org.Id, ownerId, OrganizationRole.Owner, now));
        await db.SaveChangesAsync(ct);
        return org;
    }

    public async Task<List<MemberResponse>> ListAsync(Guid organizationId, CancellationToken ct)
    {
        var rows = await (
                from m in db.Memberships.AsNoTracking()
                join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                where m.OrganizationId == organizationId
                select new MemberResponse(u.Id, u.Email!, u.DisplayName, m.Role))
            .ToListAsync(ct);
        return rows.OrderBy(m => m.Role).ThenBy(m => m.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private async Task<bool> IsLastOwnerAsync(Guid organizationId, CancellationToken ct) =>
        await db.Memberships.CountAsync(m => m.OrganizationId == organizationId && m.Role == OrganizationRole.Owner, ct) <= 1;
}
