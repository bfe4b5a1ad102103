using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Diagnostics;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Telemetry;
using Pitlane.Platform.Tenancy;
using Pitlane.Modules.Vehicles.Contracts;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Diagnostics.Pages.Diagnostics;

/// <summary>
/// The technician's view of one vehicle: health, live data, the selected (or latest) scan's codes per ECU, freeze
/// frames and readiness, the interpretation, the report, scan history, a new scan and clearing codes. The server renders
/// the frame and checks the vehicle is the organisation's; wwwroot/js/diagnostics-vehicle.js fills it from the API, and
/// wwwroot/js/telemetry-live.js keeps the live values and charts current.
/// </summary>
public sealed class VehicleModel(PageOrganization organizations, DiagnosticsQueries queries, IVehicleDirectory vehicles, IAntiforgery antiforgery)
    : DiagnosticsPage(organizations, queries, antiforgery)
{
    /// <summary>Charted at first: engine speed, vehicle speed, coolant temperature, throttle.</summary>
    private static readonly string[] DefaultCharts = ["0C", "0D", "05", "11"];

    public VehicleSummary? Vehicle { get; private set; }

    /// <summary>?scan=ID: the scan to show; the latest otherwise.</summary>
    [BindProperty(SupportsGet = true, Name = "scan")]
    public Guid? ScanId { get; set; }

    public bool CanClear => Organization is { } org && DiagnosticsPermissions.ClearCodes.Allows(org.Role);
    public IReadOnlyList<SignalInfo> Choices { get; private set; } = [];
    public IReadOnlyCollection<string> Charted => DefaultCharts;
    public string SignalsJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await LoadOrganizationAsync(ct) is not { } org)
        {
            return NotFound();
        }
        Vehicle = await vehicles.FindAsync(org.Id, id, ct);
        if (Vehicle is null)
        {
            return NotFound();
        }
        Choices = Signals.Known.Values
            .OrderBy(s => s.Pid.Length == 2 ? 0 : 1).ThenBy(s => s.Pid, StringComparer.Ordinal)
            .ToList();
        SignalsJson = JsonSerializer.Serialize(Signals.Known.Values.ToDictionary(s => s.Pid, s => new { s.Name, s.Unit }), JsonSerializerOptions.Web);
        return Page();
    }
}
