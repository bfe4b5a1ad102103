using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Pitlane.Diagnostics.Lane;
using Pitlane.Platform.Persistence;
using Pitlane.Telemetry;

namespace Pitlane.Web.Pages.Diagnostics;

/// <summary>
/// The technician's view of one vehicle: health, live data, the selected (or latest) scan's codes per ECU, freeze
/// frames and readiness, the interpretation, the report, scan history, a new scan and clearing codes. The server renders
/// the frame and checks the vehicle is the organisation's; wwwroot/js/diagnostics-vehicle.js fills it from the API, and
/// wwwroot/js/telemetry-live.js keeps the live values and charts current.
/// </summary>
public sealed class VehicleModel(PageOrganization organizations, PitlaneDbContext db, IAntiforgery antiforgery)
    : DiagnosticsPage(organizations, db, antiforgery)
{
    /// <summary>Charted at first: engine speed, vehicle speed, coolant temperature, throttle.</summary>
    private static readonly string[] DefaultCharts = ["0C", "0D", "05", "11"];

    public Pitlane.Vehicles.Vehicle? Vehicle { get; private set; }

    /// <summary>?scan=ID: the scan to show; the latest otherwise.</summary>
    [BindProperty(SupportsGet = true, Name = "scan")]
    public Guid? ScanId { get; set; }

    public bool CanClear => Organization is { } org && ClearCodesEndpoints.Clearers.Contains(org.Role);
    public IReadOnlyList<SignalInfo> Choices { get; private set; } = [];
    public IReadOnlyCollection<string> Charted => DefaultCharts;
    public string SignalsJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await LoadOrganizationAsync(ct) is not { } org)
        {
            return NotFound();
        }
        Vehicle = await Db.Vehicles.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id && v.OrganizationId == org.Id, ct);
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
