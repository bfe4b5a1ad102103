using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>A maintenance item done on a vehicle (oil and filter, brake fluid, ...): what the reminders count from.</summary>
public sealed class ServiceEntry : IOrganizationOwned
{
    /// <summary>The same limit as the vehicle record's odometer (5,000,000 km).</summary>
    public const int MaxOdometerKm = 5_000_000;

    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid VehicleId { get; set; }

    /// <summary>The maintenance schedule key, e.g. "oil-filter".</summary>
    public string Key { get; set; } = "";

    /// <summary>The day it was done (UTC midnight).</summary>
    public DateTime PerformedOn { get; set; }
    public int? OdometerKm { get; set; }
    public string? Note { get; set; }
    public Guid CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
