using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Telemetry;

/// <summary>The "Pitlane:VehicleTelemetry" section: batch limits, retention and downsampling of vehicle samples.</summary>
public sealed class TelemetryOptions : IModuleOptions
{
    /// <summary>Most samples one batch may hold; more is a 413.</summary>
    public int MaxBatchSamples { get; set; } = 5_000;

    /// <summary>Largest batch body (HTTP) or WebSocket message, in bytes; more is a 413.</summary>
    public int MaxBatchBytes { get; set; } = 512 * 1024;

    /// <summary>How far ahead of the server's clock a sample time may be (device clocks drift).</summary>
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>Raw samples are kept this many days, then rolled into per-minute rows (or deleted).</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Roll raw samples older than RetentionDays into per-minute min/avg/max rows before deleting them.</summary>
    public bool DownsampleEnabled { get; set; } = true;

    /// <summary>Per-minute rows are kept this many days.</summary>
    public int DownsampleRetentionDays { get; set; } = 730;

    /// <summary>How often retention, downsampling and (PostgreSQL) partition upkeep run.</summary>
    public int MaintenanceIntervalMinutes { get; set; } = 60;

    /// <summary>PostgreSQL: daily partitions created this many days ahead of today.</summary>
    public int PartitionDaysAhead { get; set; } = 3;

    /// <summary>Batch posts and stream handshakes per minute from one client address; beyond it 429 with Retry-After.</summary>
    public int IngestRequestsPerMinute { get; set; } = 6_000;

    /// <summary>Open WebSocket streams one device key may hold at once; one more is a 429 until one closes.</summary>
    public int MaxStreamsPerDevice { get; set; } = 4;

    /// <summary>Per-device MQTT logins on RabbitMQ (distributed profile).</summary>
    public MqttBrokerOptions Mqtt { get; set; } = new();

    /// <summary>Most rows one read returns (raw samples or buckets).</summary>
    public int MaxReadRows { get; set; } = 10_000;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(platform);
        var maxRequestBodyBytes = platform.MaxRequestBodyBytes;
        if (MaxBatchSamples is < 1 or > 100_000)
        {
            faults.Add("Pitlane:VehicleTelemetry:MaxBatchSamples must be between 1 and 100000.");
        }
        if (MaxBatchBytes < 256 || MaxBatchBytes > maxRequestBodyBytes)
        {
            faults.Add($"Pitlane:VehicleTelemetry:MaxBatchBytes must be between 256 and Pitlane:MaxRequestBodyBytes ({maxRequestBodyBytes}).");
        }
        Mqtt.Validate(faults);
        if (IngestRequestsPerMinute is < 1 or > 1_000_000)
        {
            faults.Add("Pitlane:VehicleTelemetry:IngestRequestsPerMinute must be between 1 and 1000000.");
        }
        if (MaxStreamsPerDevice is < 1 or > 1_000)
        {
            faults.Add("Pitlane:VehicleTelemetry:MaxStreamsPerDevice must be between 1 and 1000.");
        }
        if (MaxClockSkewSeconds is < 0 or > 86_400)
        {
            faults.Add("Pitlane:VehicleTelemetry:MaxClockSkewSeconds must be between 0 and 86400.");
        }
        if (RetentionDays is < 1 or > 3650)
        {
            faults.Add("Pitlane:VehicleTelemetry:RetentionDays must be between 1 and 3650.");
        }
        if (DownsampleRetentionDays < RetentionDays || DownsampleRetentionDays > 36_500)
        {
            faults.Add("Pitlane:VehicleTelemetry:DownsampleRetentionDays must be at least Pitlane:VehicleTelemetry:RetentionDays and at most 36500.");
        }
        if (MaintenanceIntervalMinutes is < 1 or > 1440)
        {
            faults.Add("Pitlane:VehicleTelemetry:MaintenanceIntervalMinutes must be between 1 and 1440.");
        }
        if (PartitionDaysAhead is < 1 or > 60)
        {
            faults.Add("Pitlane:VehicleTelemetry:PartitionDaysAhead must be between 1 and 60.");
        }
        if (MaxReadRows is < 10 or > 1_000_000)
        {
            faults.Add("Pitlane:VehicleTelemetry:MaxReadRows must be between 10 and 1000000.");
        }
    }
}
