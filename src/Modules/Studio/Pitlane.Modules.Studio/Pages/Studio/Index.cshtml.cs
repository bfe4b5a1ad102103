using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio.Pages.Studio;

/// <summary>The studio's start: the vehicles with listing photos, and a VIN box to start a new one.</summary>
public sealed class StudioIndexModel(PageOrganization organizations, StudioPhotos photos, IVehicleDirectory vehicles, StudioWorkers workers) : PageModel
{
    public bool CanManageWorkers { get; private set; }

    public IReadOnlyList<WorkerResponse> Workers { get; private set; } = [];

    /// <summary>A worker just registered: its key, shown this once.</summary>
    public (string Name, string Key)? NewWorker { get; private set; }

    [BindProperty]
    public string? WorkerName { get; set; }

    public string? WorkerError { get; private set; }

    /// <summary>Registers a remote worker and shows its key once (it is stored only as a hash).</summary>
    public async Task<IActionResult> OnPostRegisterWorkerAsync(CancellationToken ct)
    {
        var organization = await LoadAsync(ct);
        if (!CanManageWorkers || organization is null)
        {
            return Forbid();
        }

        var name = WorkerName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > WorkerEndpoints.MaxNameLength)
        {
            WorkerError = $"Give the worker a name of 1 to {WorkerEndpoints.MaxNameLength} characters, e.g. the machine it runs on.";
            return Page();
        }

        var (worker, key) = await workers.RegisterAsync(organization.Id, name, ct);
        NewWorker = (worker.Name, key);
        WorkerName = null;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeWorkerAsync(Guid id, CancellationToken ct)
    {
        var organization = await LoadAsync(ct);
        if (!CanManageWorkers || organization is null)
        {
            return Forbid();
        }

        await workers.RevokeAsync(organization.Id, id, ct);
        return RedirectToPage();
    }

    public bool Allowed { get; private set; }

    public bool CanEdit { get; private set; }

    public IReadOnlyList<(VehicleSummary Vehicle, int Photos, int Ready)> Vehicles { get; private set; } = [];

    [BindProperty]
    public string? Vin { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var organization = await LoadAsync(ct);
        if (!CanEdit || organization is null)
        {
            return Forbid();
        }

        var vin = Vin?.Trim().ToUpperInvariant() ?? "";
        if (await vehicles.FindByVinAsync(organization.Id, vin, ct) is { } vehicle)
        {
            return RedirectToPage("/Studio/Vehicle", new { id = vehicle.Id });
        }

        Error = vin.Length == 17 ? "No vehicle with this VIN yet: add it on the Vehicles page first." : "Enter the 17-character VIN.";
        return Page();
    }

    private async Task<MeOrganization?> LoadAsync(CancellationToken ct)
    {
        var organization = await organizations.CurrentAsync(ct);
        Allowed = organization is not null && StudioPermissions.View.Allows(organization.Role);
        CanEdit = organization is not null && StudioPermissions.Edit.Allows(organization.Role);
        CanManageWorkers = organization is not null && StudioPermissions.ManageWorkers.Allows(organization.Role);
        if (!Allowed)
        {
            return organization;
        }

        var rows = await photos.VehiclesAsync(organization!.Id, ct);
        var found = (await vehicles.FindManyAsync(organization.Id, rows.Select(r => r.VehicleId).ToList(), ct)).ToDictionary(v => v.Id);
        Workers = CanManageWorkers ? await workers.ListAsync(organization.Id, ct) : [];
        Vehicles = rows.Where(r => found.ContainsKey(r.VehicleId)).Select(r => (found[r.VehicleId], r.Photos, r.Ready)).ToList();
        return organization;
    }
}
