using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Diagnostics;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Diagnostics.Pages.Diagnostics;

/// <summary>
/// The diagnostics lane at a glance: the organisation's recent scans (each opening its vehicle's dashboard), the adapters,
/// and the kiosks (an Owner or Manager creates one per lane, gets its one-time pairing link, re-pairs or revokes it).
/// </summary>
public sealed class IndexModel(PageOrganization organizations, DiagnosticsQueries queries, KioskCommands kiosks, IAntiforgery antiforgery)
    : DiagnosticsPage(organizations, queries, antiforgery)
{
    public IReadOnlyList<RecentScan> Recent { get; private set; } = [];
    public IReadOnlyList<KioskResponse> Kiosks { get; private set; } = [];

    /// <summary>Owner or Manager: may set up kiosks.</summary>
    public bool CanManageKiosks => DiagnosticsPermissions.ManageKiosks.Allows(Organization?.Role);

    /// <summary>The pairing link just issued, shown once.</summary>
    public KioskResponse? Pairing { get; private set; }
    public string? KioskError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCreateKioskAsync(string? name, Guid? adapterId, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        if (!CanManageKiosks)
        {
            return Forbid();
        }
        var (kiosk, errors) = await kiosks.CreateAsync(Organization!.Id, User.UserId() ?? throw new InvalidOperationException("A signed-in page request has a user id."),
            new CreateKioskRequest(name, adapterId), Request, ct);
        Pairing = kiosk;
        KioskError = errors is null ? null : string.Join(" ", errors.Values.SelectMany(v => v));
        await LoadKiosksAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPairKioskAsync(Guid id, CancellationToken ct)
    {
        if (await ManageableAsync(ct) is { } refusal)
        {
            return refusal;
        }
        if (await kiosks.PairAsync(Organization!.Id, id, Request, ct) is not { } pairing)
        {
            return NotFound();
        }
        await LoadKiosksAsync(ct);
        if (pairing.Url is null)
        {
            KioskError = "A revoked kiosk cannot be paired again; create a new one.";
            return Page();
        }
        Pairing = Kiosks.First(k => k.Id == id) with { PairingUrl = pairing.Url, PairingExpiresAt = pairing.ExpiresAt };
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeKioskAsync(Guid id, CancellationToken ct)
    {
        if (await ManageableAsync(ct) is { } refusal)
        {
            return refusal;
        }
        if (!await kiosks.RevokeAsync(Organization!.Id, id, ct))
        {
            return NotFound();
        }
        await LoadKiosksAsync(ct);
        return Page();
    }

    /// <summary>Null when the page may change kiosks; otherwise the answer (404 without an organisation, 403 for other roles).</summary>
    private async Task<IActionResult?> ManageableAsync(CancellationToken ct) =>
        !await LoadAsync(ct) ? NotFound() : CanManageKiosks ? null : Forbid();

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await LoadOrganizationAsync(ct) is not { } org)
        {
            return false;
        }
        Recent = await Queries.RecentScansAsync(org.Id, 30, ct);
        await LoadKiosksAsync(ct);
        return true;
    }

    private async Task LoadKiosksAsync(CancellationToken ct) => Kiosks = await Queries.KiosksAsync(Organization!.Id, ct);
}
