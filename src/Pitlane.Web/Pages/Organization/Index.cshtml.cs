using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Identity;
using Pitlane.Organizations;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Web.Pages.Organization;

/// <summary>Team management for Owners and Managers, with the same rules as the organisation API.</summary>
public sealed class TeamModel(PageOrganization organizations, PitlaneDbContext db, MembershipCache memberships, TimeProvider time) : PageModel
{
    public string OrganizationName { get; private set; } = "";
    public IReadOnlyList<MemberResponse> Members { get; private set; } = [];
    public string? Message { get; private set; }

    private MeOrganization? _org;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAddAsync(string? email, OrganizationRole role, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Forbid();
        }
        if (!OrganizationEndpoints.CanManage(_org!.Role, role))
        {
            Message = "Only an Owner can add an Owner.";
        }
        else if (_org.Personal)
        {
            Message = "A personal organisation has no other members; create a shop or dealership organisation.";
        }
        else
        {
            var normalized = (email ?? "").Trim().ToUpperInvariant();
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
            if (user is null)
            {
                Message = "No Pitlane account has that email; the person must sign up first.";
            }
            else if (await db.Memberships.AnyAsync(m => m.OrganizationId == _org.Id && m.UserId == user.Id, ct))
            {
                Message = "That person is already a member.";
            }
            else
            {
                db.Memberships.Add(Membership.Create(_org.Id, user.Id, role, time.GetUtcNow().UtcDateTime));
                await db.SaveChangesAsync(ct);
                memberships.Invalidate(_org.Id, user.Id);
                Message = $"{user.DisplayName} added as {role}.";
            }
        }
        Members = await OrganizationEndpoints.MembersAsync(db, _org.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid userId, OrganizationRole role, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Forbid();
        }
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == _org!.Id && m.UserId == userId, ct);
        if (membership is null)
        {
            return NotFound();
        }
        if (!OrganizationEndpoints.CanManage(_org!.Role, role) || !OrganizationEndpoints.CanManage(_org.Role, membership.Role))
        {
            Message = "Only an Owner can grant or take away Owner.";
        }
        else if (membership.Role == OrganizationRole.Owner && role != OrganizationRole.Owner
            && await db.Memberships.CountAsync(m => m.OrganizationId == _org.Id && m.Role == OrganizationRole.Owner, ct) <= 1)
        {
            Message = "An organisation needs at least one Owner.";
        }
        else
        {
            membership.ChangeRole(role);
            await db.SaveChangesAsync(ct);
            memberships.Invalidate(_org.Id, userId);
            Message = "Role changed.";
        }
        Members = await OrganizationEndpoints.MembersAsync(db, _org.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid userId, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Forbid();
        }
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == _org!.Id && m.UserId == userId, ct);
        if (membership is null)
        {
            return NotFound();
        }
        if (!OrganizationEndpoints.CanManage(_org!.Role, membership.Role))
        {
            Message = "Only an Owner can remove an Owner.";
        }
        else if (membership.Role == OrganizationRole.Owner
            && await db.Memberships.CountAsync(m => m.OrganizationId == _org.Id && m.Role == OrganizationRole.Owner, ct) <= 1)
        {
            Message = "An organisation needs at least one Owner.";
        }
        else
        {
            db.Memberships.Remove(membership);
            await db.SaveChangesAsync(ct);
            memberships.Invalidate(_org.Id, userId);
            Message = "Member removed.";
        }
        Members = await OrganizationEndpoints.MembersAsync(db, _org.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, OrganizationKind kind, CancellationToken ct)
    {
        if (User.UserId() is not { } userId)
        {
            return Forbid();
        }
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 120 || kind == OrganizationKind.Personal || !Enum.IsDefined(kind))
        {
            Message = "Give the organisation a name (at most 120 characters) and a kind.";
            return await LoadAsync(ct) ? Page() : Forbid();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var org = Pitlane.Organizations.Organization.Create(name, kind, now);
        db.Organizations.Add(org);
        db.Memberships.Add(Membership.Create(org.Id, userId, OrganizationRole.Owner, now));
        await db.SaveChangesAsync(ct);
        PageOrganization.Choose(Response, org.Id);
        return Redirect("/Organization");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        _org = await organizations.CurrentAsync(ct);
        if (_org is null || !OrganizationEndpoints.CanManage(_org.Role, OrganizationRole.Technician))
        {
            return false;
        }
        OrganizationName = _org.Name;
        Members = await OrganizationEndpoints.MembersAsync(db, _org.Id, ct);
        return true;
    }
}
