using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Telemetry;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry.Pages.Vehicles;

/// <summary>
/// Live telemetry of one vehicle: the latest value of each signal, rendered on the server, then kept current and
/// charted by wwwroot/js/telemetry-live.js from the vehicle's group on /hubs/live (joined after a membership check).
/// </summary>
public sealed class VehicleLiveModel(PageOrganization organizations, IVehicleDirectory vehicles, TelemetryStore telemetry) : PageModel
{
    /// <summary>Charted at first when the vehicle has sent nothing yet: engine speed, vehicle speed, coolant, throttle.</summary>
    private static readonly string[] DefaultCharts = ["0C", "0D", "05", "11"];

    public VehicleSummary? Vehicle { get; private set; }
    public IReadOnlyList<LatestTelemetryValue> Latest { get; private set; } = [];
    public IReadOnlyList<SignalInfo> Choices { get; private set; } = [];
    public IReadOnlySet<string> Charted { get; private set; } = new HashSet<string>();

    /// <summary>Names and units for the script, so a signal first seen live is labelled like the server labels it.</summary>
    public string SignalsJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return NotFound();
        }
        Vehicle = await vehicles.FindAsync(org.Id, id, ct);
        if (Vehicle is null)
        {
            return NotFound();
        }
        Latest = (await telemetry.ReadLatestAsync(id, ct)).Select(v =>
        {
            var info = Signals.Describe(v.Pid);
            return new LatestTelemetryValue(v.Pid, info.Name, info.Unit, v.T, v.Value);
        }).ToList();
        var seen = Latest.Select(l => l.Pid).ToHashSet(StringComparer.Ordinal);
        Choices = Latest.Select(l => Signals.Describe(l.Pid))
            .Concat(Signals.Known.Values.Where(s => !seen.Contains(s.Pid)))
            .OrderBy(s => s.Pid.Length == 2 ? 0 : 1).ThenBy(s => s.Pid, StringComparer.Ordinal)
            .ToList();
        Charted = (seen.Count > 0 ? Latest.Select(l => l.Pid).Take(4) : DefaultCharts).ToHashSet(StringComparer.Ordinal);
        SignalsJson = JsonSerializer.Serialize(Signals.Known.Values.ToDictionary(s => s.Pid, s => new { s.Name, s.Unit }), JsonSerializerOptions.Web);
        return Page();
    }
}
