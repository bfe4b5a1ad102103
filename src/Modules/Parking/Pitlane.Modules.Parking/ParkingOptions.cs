using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Parking;

/// <summary>Pitlane:Parking settings: the platform's service fee and tax on bookings, and how long location samples are kept.</summary>
public sealed class ParkingOptions : IModuleOptions
{
    /// <summary>The driver's service fee in basis points of the spot price (1000 = 10 %), kept by the platform.</summary>
    public int ServiceFeeBasisPoints { get; set; } = 1_000;

    /// <summary>Tax in basis points of price plus fee (0 where parking is not taxed).</summary>
    public int TaxBasisPoints { get; set; }

    /// <summary>Days a booking's location samples are kept before they are deleted.</summary>
    public int LocationRetentionDays { get; set; } = 30;

    /// <summary>Longest bookable window in days.</summary>
    public int MaxBookingDays { get; set; } = 93;

    /// <summary>
    /// The organisation that runs this parking platform: its owners and managers are the platform admins (every host's
    /// spots, suspensions, disputes and refunds). Empty: no platform admin.
    /// </summary>
    public Guid? OperatorOrganizationId { get; set; }

    /// <summary>Whether <paramref name="organizationId"/> is the operator organisation (its admin routes and page exist only there).</summary>
    public bool IsOperator(Guid organizationId) => OperatorOrganizationId == organizationId;

    /// <summary>
    /// Map tiles for the parking maps (Leaflet), e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png. Empty (the
    /// default, offline): no tiles are loaded and the spots are drawn on a plain canvas.
    /// </summary>
    public string? MapTileUrl { get; set; }

    /// <summary>The tile provider's required credit shown on the map, e.g. "© OpenStreetMap contributors".</summary>
    public string? MapAttribution { get; set; }

    /// <summary>The origin tiles are loaded from (for the pages' Content-Security-Policy), or null without tiles.</summary>
    public string? MapTileOrigin => string.IsNullOrWhiteSpace(MapTileUrl) ? null
        : System.Text.RegularExpressions.Regex.Match(MapTileUrl, @"^(https?://(?:[A-Za-z0-9-]+\.|\{s\}\.)*[A-Za-z0-9-]+(?::[0-9]{1,5})?)/") is { Success: true } m
            ? m.Groups[1].Value.Replace("{s}", "*", StringComparison.Ordinal) : null;

    /// <summary>Minutes a spot is held for a driver paying on the processor's page before the hold is let go.</summary>
    public int UnpaidHoldMinutes { get; set; } = 15;

    /// <summary>Seconds between readings of a followed vehicle's telemetry position while it is near the spot (farther: less often).</summary>
    public int DevicePollSeconds { get; set; } = 5;

    /// <summary>Pitlane:Parking:Tesla: the Fleet API application, or the built-in simulator (the default).</summary>
    public Tesla.TeslaOptions Tesla { get; set; } = new();

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        Tesla.Validate(faults);
        if (ServiceFeeBasisPoints is < 0 or > 5_000)
        {
            faults.Add("Pitlane:Parking:ServiceFeeBasisPoints must be between 0 and 5000 (50 %).");
        }
        if (TaxBasisPoints is < 0 or > 5_000)
        {
            faults.Add("Pitlane:Parking:TaxBasisPoints must be between 0 and 5000 (50 %).");
        }
        if (LocationRetentionDays is < 1 or > 30)
        {
            faults.Add("Pitlane:Parking:LocationRetentionDays must be between 1 and 30 (location is personal data).");
        }
        if (!string.IsNullOrWhiteSpace(MapTileUrl) && (MapTileOrigin is not { } origin || !(origin.StartsWith("https://", StringComparison.Ordinal) || origin.StartsWith("http://localhost", StringComparison.Ordinal) || origin.StartsWith("http://127.0.0.1", StringComparison.Ordinal))
            || !MapTileUrl.Contains("{z}", StringComparison.Ordinal) || !MapTileUrl.Contains("{x}", StringComparison.Ordinal) || !MapTileUrl.Contains("{y}", StringComparison.Ordinal)))
        {
            faults.Add("Pitlane:Parking:MapTileUrl must be an https URL template with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (or empty for the offline map).");
        }
        if (UnpaidHoldMinutes is < 1 or > 1_440)
        {
            faults.Add("Pitlane:Parking:UnpaidHoldMinutes must be between 1 and 1440.");
        }
        if (DevicePollSeconds is < 1 or > 600)
        {
            faults.Add("Pitlane:Parking:DevicePollSeconds must be between 1 and 600.");
        }
        if (MaxBookingDays is < 1 or > 400)
        {
            faults.Add("Pitlane:Parking:MaxBookingDays must be between 1 and 400.");
        }
    }
}
