using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Accounts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts.Pages.Organization;

/// <summary>Team management for Owners and Managers, through the same rules as the organisation API.</summary>
public sealed class TeamModel(PageOrganization organizations, OrganizationMembers members, Invitations invitations, IOptions<PitlaneOptions> platform,
    IOptions<AuthOptions> auth) : PageModel
{
    public int InvitationDays => auth.Value.InvitationDays;

    public string OrganizationName { get; private set; } = "";
    public bool Personal { get; private set; }
    public IReadOnlyList<MemberResponse> Members { get; private set; } = [];
    public IReadOnlyList<PendingInvitation> Pending { get; private set; } = [];
    public string? Message { get; private set; }

    /// <summary>The link just created, shown once: only its hash is kept.</summary>
    public InvitationCreated? Created { get; private set; }

    private MeOrganization? _org;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Forbid();

    public async Task<IActionResult> OnPostInviteAsync(OrganizationRole role, string? email, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || User.UserId() is not { } callerId)
        {
            return Forbid();
        }
        if (!Enum.IsDefined(role))
        {
            Message = "Choose the role the person will have.";
        }
        else if (!string.IsNullOrWhiteSpace(email) && !AuthEndpoints.LooksLikeEmail(email))
        {
            Message = "That email address is not valid. Leave it empty to let whoever you give the link to join.";
        }
        else
        {
            var change = await invitations.CreateAsync(_org!.Id, _org.Role, callerId, role, email, platform.Value.BaseUrlFor(Request), ct);
            Created = change.Created;
            Message = change.Created is null ? change.Message : null;
        }
        return await ReloadAsync(ct);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid invitationId, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Forbid();
        }
        Message = (await invitations.RevokeAsync(_org!.Id, _org.Role, invitationId, ct)).Message;
        return await ReloadAsync(ct);
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid userId, OrganizationRole role, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Forbid();
        }
        Message = !Enum.IsDefined(role) ? "Unknown role." : (await members.ChangeRoleAsync(_org!.Id, _org.Role, userId, role, ct)).Message;
        return await ReloadAsync(ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid userId, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || User.UserId() is not { } callerId)
        {
            return Forbid();
        }
        Message = (await members.RemoveAsync(_org!.Id, _org.Role, callerId, userId, ct)).Message;
        return await ReloadAsync(ct);
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
        var org = await members.CreateOrganizationAsync(userId, name, kind, ct);
        PageOrganization.Choose(Response, org.Id);
        return Redirect("/Organization");
    }

    private async Task<IActionResult> ReloadAsync(CancellationToken ct)
    {
        Members = await members.ListAsync(_org!.Id, ct);
        Pending = await invitations.PendingAsync(_org.Id, ct);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        _org = await organizations.CurrentAsync(ct);
        if (_org is null || !OrganizationMembers.CanManage(_org.Role, OrganizationRole.Technician))
        {
            return false;
        }
        OrganizationName = _org.Name;
        Personal = _org.Personal;
        Members = await members.ListAsync(_org.Id, ct);
        Pending = await invitations.PendingAsync(_org.Id, ct);
        return true;
    }
}
