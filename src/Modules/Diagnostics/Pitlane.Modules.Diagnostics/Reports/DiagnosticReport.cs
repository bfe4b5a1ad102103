using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

public enum ReportStatus
{
    Queued,
    Ready,
    Failed,
}

/// <summary>
/// A health report of one scan: the rendered PDF, the view model the public page shows, and the share link's state.
/// A share link is valid while <see cref="ShareVersion"/> matches the token's, it has not expired and the report is not revoked.
/// </summary>
public sealed class DiagnosticReport : IOrganizationOwned
{
    private DiagnosticReport() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid ScanId { get; private set; }
    public Guid? VehicleId { get; private set; }
    public Guid JobId { get; set; }
    public ReportStatus Status { get; set; }

    /// <summary>What the report shows, as JSON, so the public page and the PDF show the same thing.</summary>
    public string? Content { get; set; }
    public byte[]? Pdf { get; set; }
    public string? Error { get; set; }
    public int ShareVersion { get; set; }
    public DateTime ShareExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? CompletedAt { get; set; }

    public static DiagnosticReport Create(Guid organizationId, Scan scan, Guid userId, DateTime shareExpiresAt, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        ScanId = scan.Id,
        VehicleId = scan.VehicleId,
        Status = ReportStatus.Queued,
        ShareVersion = 1,
        ShareExpiresAt = shareExpiresAt,
        CreatedByUserId = userId,
        CreatedAt = now,
    };
}
