using Microsoft.EntityFrameworkCore;
using Pitlane.Organizations;
using Pitlane.Vehicles;

namespace Pitlane.Diagnostics.Lane;

/// <summary>How the server reaches an adapter: directly over TCP or a serial port of the server, or through a scan agent.</summary>
public enum AdapterKind
{
    Tcp,
    Serial,
    Agent,
}

/// <summary>A scan adapter an organisation registered: a Wi-Fi ELM327, the vehicle simulator, a serial cable, or a scan agent.</summary>
public sealed class ScanAdapter
{
    private ScanAdapter() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>tcp://host:port, serial:///dev/..., or agent://{agent id}.</summary>
    public string Uri { get; private set; } = "";
    public AdapterKind Kind { get; private set; }

    /// <summary>The agent that runs scans for an <see cref="AdapterKind.Agent"/> adapter.</summary>
    public Guid? AgentId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public static ScanAdapter Create(Guid organizationId, string name, string uri, AdapterKind kind, Guid? agentId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        Uri = uri,
        Kind = kind,
        AgentId = agentId,
        CreatedAt = now,
    };
}

/// <summary>
/// A scan agent: `pitlane agent` on a laptop or Raspberry Pi next to the car, holding a key shown once and stored as SHA-256.
/// It connects out to the server, takes the scans meant for it and runs them against its local adapter.
/// </summary>
public sealed class ScanAgent
{
    private ScanAgent() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";
    public byte[] KeyHash { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime? LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public static ScanAgent Create(Guid organizationId, string name, byte[] keyHash, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        KeyHash = keyHash,
        CreatedAt = now,
    };
}

public enum ScanStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

public static class ScanStatuses
{
    public static string Name(ScanStatus status) => status switch
    {
        ScanStatus.Queued => "queued",
        ScanStatus.Running => "running",
        ScanStatus.Completed => "completed",
        _ => "failed",
    };
}

/// <summary>
/// One scan of one car. The job (platform_jobs) runs it; this row is what people see: status, progress and, when it
/// completed, the whole <see cref="Pitlane.Obd.Scanning.ScanReport"/> as JSON in <see cref="Result"/>.
/// </summary>
public sealed class Scan
{
    private Scan() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }

    /// <summary>Null until known when the scan was started without a vehicle ("read the VIN from the car").</summary>
    public Guid? VehicleId { get; set; }

    /// <summary>The VIN of the vehicle the scan was started for; the car's own answer is <see cref="Vin"/>.</summary>
    public string? ExpectedVin { get; private set; }
    public Guid AdapterId { get; private set; }
    public string AdapterName { get; private set; } = "";
    public Guid? AgentId { get; private set; }
    public Guid JobId { get; set; }
    public ScanStatus Status { get; set; }
    public int Progress { get; set; }
    public string? Stage { get; set; }

    /// <summary>The VIN the car reported (service 09 PID 02).</summary>
    public string? Vin { get; set; }

    /// <summary>The car's VIN differs from <see cref="ExpectedVin"/>: flagged, never silently accepted.</summary>
    public bool VinMismatch { get; set; }
    public string? Protocol { get; set; }
    public bool MilOn { get; set; }
    public int DtcCount { get; set; }
    public int? RequestCount { get; set; }
    public int? DurationMs { get; set; }

    /// <summary>The scan report as JSON (<see cref="ScanDocument"/>).</summary>
    public string? Result { get; set; }
    public string? Error { get; set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>When a scan agent took it (agent adapters only).</summary>
    public DateTime? ClaimedAt { get; set; }

    /// <summary>The agent process that took it (its X-Agent-Instance), so another process with the same key does not abandon it.</summary>
    public string? ClaimedByInstance { get; set; }

    /// <summary>When its agent last reported on it (progress, heartbeat, result): the task's own sign of life.</summary>
    public DateTime? HeardAt { get; set; }

    /// <summary>The paired kiosk screen that started it (a customer at the lane); null when staff did.</summary>
    public Guid? KioskId { get; private set; }

    public static Scan Create(Guid organizationId, Guid? vehicleId, string? expectedVin, ScanAdapter adapter, Guid userId, DateTime now,
        Guid? kioskId = null) => new()
    {
        KioskId = kioskId,
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        VehicleId = vehicleId,
        ExpectedVin = expectedVin,
        AdapterId = adapter.Id,
        AdapterName = adapter.Name,
        AgentId = adapter.AgentId,
        Status = ScanStatus.Queued,
        CreatedByUserId = userId,
        CreatedAt = now,
    };
}

/// <summary>
/// One clearing of a vehicle's trouble codes (service 04), kept as the vehicle's record: who asked, through which adapter
/// or agent, the VIN the car confirmed before anything was erased, and the ECUs that acknowledged. Clearing also resets
/// readiness, so "when were the codes last cleared, and by whom" is a question a shop must be able to answer.
/// </summary>
public sealed class CodeClearing
{
    private CodeClearing() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid VehicleId { get; private set; }

    /// <summary>The vehicle's VIN: the car on the adapter must report it before its codes are cleared.</summary>
    public string ExpectedVin { get; private set; } = "";
    public Guid AdapterId { get; private set; }
    public string AdapterName { get; private set; } = "";
    public Guid? AgentId { get; private set; }
    public Guid JobId { get; set; }
    public ScanStatus Status { get; set; }
    public string? Stage { get; set; }
    public int Progress { get; set; }

    /// <summary>The VIN the car reported.</summary>
    public string? Vin { get; set; }

    /// <summary>The ECUs (response headers) that acknowledged the clear, space-separated.</summary>
    public string? ClearedBy { get; set; }

    /// <summary>The agent's upload (agent adapters), kept until the job has read it.</summary>
    public string? Result { get; set; }
    public string? Error { get; set; }
    public Guid RequestedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>When a scan agent took it (agent adapters only).</summary>
    public DateTime? ClaimedAt { get; set; }

    /// <summary>The agent process that took it (its X-Agent-Instance), so another process with the same key does not abandon it.</summary>
    public string? ClaimedByInstance { get; set; }

    /// <summary>When its agent last reported on it (progress, heartbeat, result): the task's own sign of life.</summary>
    public DateTime? HeardAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    public static CodeClearing Create(Guid organizationId, Vehicle vehicle, ScanAdapter adapter, Guid userId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        VehicleId = vehicle.Id,
        ExpectedVin = vehicle.Vin,
        AdapterId = adapter.Id,
        AdapterName = adapter.Name,
        AgentId = adapter.AgentId,
        Status = ScanStatus.Queued,
        RequestedByUserId = userId,
        CreatedAt = now,
    };
}

/// <summary>
/// A customer kiosk: a touch screen in the lane paired with the shop. It can start scans on its one adapter and see only
/// the results of its own recent scans; it holds no user's session. Pairing: a one-time code (shown to the manager,
/// SHA-256 stored) is exchanged on the device for a secret kept in an HttpOnly cookie (SHA-256 stored).
/// </summary>
public sealed class Kiosk
{
    private Kiosk() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";
    public Guid AdapterId { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public byte[]? PairingCodeHash { get; set; }
    public DateTime? PairingExpiresAt { get; set; }
    public byte[]? SecretHash { get; set; }
    public DateTime? PairedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public static Kiosk Create(Guid organizationId, string name, Guid adapterId, Guid userId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        AdapterId = adapterId,
        CreatedByUserId = userId,
        CreatedAt = now,
    };
}

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
public sealed class DiagnosticReport
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

/// <summary>A shop's header and prices for estimates (one row per organisation; absent = defaults).</summary>
public sealed class ShopProfile
{
    public Guid OrganizationId { get; set; }
    public string? Address { get; set; }
    public string? Phone { get; set; }

    /// <summary>ISO 4217 code.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Price of one labor hour in minor units of <see cref="Currency"/>.</summary>
    public long LaborRateMinor { get; set; }
    public decimal TaxRatePercent { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>The shop's book time for one repair operation, e.g. "ignition.coil.replace" = 0.6 h.</summary>
public sealed class LaborOperation
{
    public Guid OrganizationId { get; set; }
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal Hours { get; set; }
}

/// <summary>A part on the shop's price list, and the operation it is used in (with the quantity one operation needs).</summary>
public sealed class PartPrice
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string PartNumber { get; set; } = "";
    public string Description { get; set; } = "";
    public long UnitPriceMinor { get; set; }
    public string? LaborOperationKey { get; set; }
    public decimal Quantity { get; set; } = 1;
}

/// <summary>A maintenance item done on a vehicle (oil and filter, brake fluid, ...): what the reminders count from.</summary>
public sealed class ServiceEntry
{
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

/// <summary>One interpretation of a scan, kept for audit: who produced it (rules or which model), the prompt, the answer, and why a fallback happened.</summary>
public sealed class InterpretationRecord
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ScanId { get; set; }

    /// <summary>"rules" or "ai:{model}".</summary>
    public string Source { get; set; } = "";
    public string? Model { get; set; }

    /// <summary>rules, answered, timeout, error, invalid-answer.</summary>
    public string Outcome { get; set; } = "";
    public string? Prompt { get; set; }
    public string? Answer { get; set; }
    public string? Error { get; set; }
    public int LatencyMs { get; set; }

    /// <summary>The interpretation as JSON.</summary>
    public string Result { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal static class DiagnosticsModel
{
    public static void ConfigureDiagnostics(this ModelBuilder builder)
    {
        builder.Entity<ScanAdapter>(adapter =>
        {
            adapter.ToTable("diag_adapters");
            adapter.HasKey(a => a.Id);
            adapter.Property(a => a.Name).HasMaxLength(80);
            adapter.Property(a => a.Uri).HasMaxLength(300);
            adapter.Property(a => a.Kind).HasConversion<string>().HasMaxLength(10);
            adapter.HasIndex(a => new { a.OrganizationId, a.Name }).IsUnique();
            adapter.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ScanAgent>(agent =>
        {
            agent.ToTable("diag_agents");
            agent.HasKey(a => a.Id);
            agent.Property(a => a.Name).HasMaxLength(80);
            agent.Property(a => a.KeyHash).HasMaxLength(32);
            agent.HasIndex(a => a.KeyHash).IsUnique();
            agent.HasIndex(a => a.OrganizationId);
            agent.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Scan>(scan =>
        {
            scan.ToTable("diag_scans");
            scan.HasKey(s => s.Id);
            scan.Property(s => s.ExpectedVin).HasMaxLength(17);
            scan.Property(s => s.Vin).HasMaxLength(17);
            scan.Property(s => s.AdapterName).HasMaxLength(80);
            scan.Property(s => s.Status).HasConversion<string>().HasMaxLength(10);
            scan.Property(s => s.Stage).HasMaxLength(40);
            scan.Property(s => s.Protocol).HasMaxLength(80);
            scan.Property(s => s.Error).HasMaxLength(2000);
            scan.Property(s => s.ClaimedByInstance).HasMaxLength(64);
            scan.HasIndex(s => new { s.OrganizationId, s.VehicleId, s.CreatedAt });
            scan.HasIndex(s => new { s.AgentId, s.Status });
            scan.HasIndex(s => new { s.KioskId, s.Status });
            scan.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            scan.HasOne<Vehicle>().WithMany().HasForeignKey(s => s.VehicleId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Kiosk>(kiosk =>
        {
            kiosk.ToTable("diag_kiosks");
            kiosk.HasKey(k => k.Id);
            kiosk.Property(k => k.Name).HasMaxLength(80);
            kiosk.Property(k => k.PairingCodeHash).HasMaxLength(32);
            kiosk.Property(k => k.SecretHash).HasMaxLength(32);
            kiosk.HasIndex(k => new { k.OrganizationId, k.Name }).IsUnique();
            kiosk.HasIndex(k => k.PairingCodeHash);
            kiosk.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            kiosk.HasOne<ScanAdapter>().WithMany().HasForeignKey(k => k.AdapterId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<CodeClearing>(clearing =>
        {
            clearing.ToTable("diag_code_clearings");
            clearing.HasKey(c => c.Id);
            clearing.Property(c => c.ExpectedVin).HasMaxLength(17);
            clearing.Property(c => c.Vin).HasMaxLength(17);
            clearing.Property(c => c.AdapterName).HasMaxLength(80);
            clearing.Property(c => c.Status).HasConversion<string>().HasMaxLength(10);
            clearing.Property(c => c.Stage).HasMaxLength(40);
            clearing.Property(c => c.ClearedBy).HasMaxLength(200);
            clearing.Property(c => c.Result).HasMaxLength(4000);
            clearing.Property(c => c.Error).HasMaxLength(2000);
            clearing.Property(c => c.ClaimedByInstance).HasMaxLength(64);
            clearing.HasIndex(c => new { c.OrganizationId, c.VehicleId, c.CreatedAt });
            clearing.HasIndex(c => new { c.AgentId, c.Status });
            clearing.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            clearing.HasOne<Vehicle>().WithMany().HasForeignKey(c => c.VehicleId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<DiagnosticReport>(report =>
        {
            report.ToTable("diag_reports");
            report.HasKey(r => r.Id);
            report.Property(r => r.Status).HasConversion<string>().HasMaxLength(10);
            report.Property(r => r.Error).HasMaxLength(2000);
            // Two people re-sharing (or one sharing while another revokes) at the same moment: the second save fails
            // instead of leaving two live versions of the link.
            report.Property(r => r.ShareVersion).IsConcurrencyToken();
            report.HasIndex(r => new { r.OrganizationId, r.ScanId });
            report.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            report.HasOne<Scan>().WithMany().HasForeignKey(r => r.ScanId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ShopProfile>(shop =>
        {
            shop.ToTable("diag_shop_profiles");
            shop.HasKey(s => s.OrganizationId);
            shop.Property(s => s.Address).HasMaxLength(200);
            shop.Property(s => s.Phone).HasMaxLength(40);
            shop.Property(s => s.Currency).HasMaxLength(3);
            shop.Property(s => s.TaxRatePercent).HasPrecision(5, 2);
            shop.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<LaborOperation>(labor =>
        {
            labor.ToTable("diag_labor_operations");
            labor.HasKey(l => new { l.OrganizationId, l.Key });
            labor.Property(l => l.Key).HasMaxLength(60);
            labor.Property(l => l.Name).HasMaxLength(120);
            labor.Property(l => l.Hours).HasPrecision(6, 2);
            labor.HasOne<Organization>().WithMany().HasForeignKey(l => l.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<PartPrice>(part =>
        {
            part.ToTable("diag_part_prices");
            part.HasKey(p => p.Id);
            part.Property(p => p.PartNumber).HasMaxLength(60);
            part.Property(p => p.Description).HasMaxLength(160);
            part.Property(p => p.LaborOperationKey).HasMaxLength(60);
            part.Property(p => p.Quantity).HasPrecision(9, 3);
            part.HasIndex(p => new { p.OrganizationId, p.PartNumber }).IsUnique();
            part.HasIndex(p => new { p.OrganizationId, p.LaborOperationKey });
            part.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ServiceEntry>(entry =>
        {
            entry.ToTable("diag_service_entries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Key).HasMaxLength(40);
            entry.Property(e => e.Note).HasMaxLength(500);
            entry.HasIndex(e => new { e.OrganizationId, e.VehicleId, e.PerformedOn });
            entry.HasOne<Organization>().WithMany().HasForeignKey(e => e.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            entry.HasOne<Vehicle>().WithMany().HasForeignKey(e => e.VehicleId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<InterpretationRecord>(record =>
        {
            record.ToTable("diag_interpretations");
            record.HasKey(r => r.Id);
            record.Property(r => r.Source).HasMaxLength(120);
            record.Property(r => r.Model).HasMaxLength(100);
            record.Property(r => r.Outcome).HasMaxLength(20);
            record.Property(r => r.Error).HasMaxLength(2000);
            record.HasIndex(r => new { r.OrganizationId, r.ScanId, r.CreatedAt });
            record.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            record.HasOne<Scan>().WithMany().HasForeignKey(r => r.ScanId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
