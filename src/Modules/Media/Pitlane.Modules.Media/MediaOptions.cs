using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Media;

public enum MediaProvider
{
    /// <summary>Files under the data directory (the embedded profile's default).</summary>
    Disk,

    /// <summary>An S3-compatible bucket (AWS S3, MinIO, Ceph, R2): the distributed profile, where instances share nothing on disk.</summary>
    S3,
}

/// <summary>The "Pitlane:Media" section.</summary>
public sealed class MediaOptions : IModuleOptions
{
    public MediaProvider Provider { get; set; } = MediaProvider.Disk;

    /// <summary>
    /// Where Disk keeps the files; unset: {DataDirectory}/media. Several instances on Disk must share this directory
    /// (a network volume); otherwise use S3.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Largest file accepted by any use, in bytes (a use may set less). Uploads over HTTP are limited by this too.</summary>
    public long MaxBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest a signed link may live, in days (a link asked for longer is cut to this).</summary>
    public int MaxLinkDays { get; set; } = 30;

    /// <summary>Requests per minute one address may make to signed links (/m/{token}), which need no login.</summary>
    public int PublicRequestsPerMinute { get; set; } = 600;

    public S3MediaOptions S3 { get; set; } = new();

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(platform);
        if (!Enum.IsDefined(Provider))
        {
            faults.Add("Pitlane:Media:Provider must be Disk or S3.");
        }
        if (MaxBytes is < 1024 or > 1L << 34)
        {
            faults.Add("Pitlane:Media:MaxBytes must be between 1 KB and 16 GB.");
        }
        if (MaxLinkDays is < 1 or > 365)
        {
            faults.Add("Pitlane:Media:MaxLinkDays must be between 1 and 365.");
        }
        if (PublicRequestsPerMinute < 1)
        {
            faults.Add("Pitlane:Media:PublicRequestsPerMinute must be at least 1.");
        }
        if (Provider == MediaProvider.S3)
        {
            if (string.IsNullOrWhiteSpace(S3.Bucket))
            {
                faults.Add("Pitlane:Media:S3:Bucket is required when Pitlane:Media:Provider is S3.");
            }
            if (S3.ServiceUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                faults.Add("Pitlane:Media:S3:ServiceUrl must be an absolute URL (https://s3.example.com).");
            }
            if (string.IsNullOrWhiteSpace(S3.ServiceUrl) && string.IsNullOrWhiteSpace(S3.Region))
            {
                faults.Add("Pitlane:Media:S3:ServiceUrl or Pitlane:Media:S3:Region is required when Pitlane:Media:Provider is S3.");
            }
            if (string.IsNullOrEmpty(S3.AccessKey) != string.IsNullOrEmpty(S3.SecretKey))
            {
                faults.Add("Pitlane:Media:S3:AccessKey and Pitlane:Media:S3:SecretKey are set together (or neither, for the instance's own AWS credentials).");
            }
        }
    }
}

public sealed class S3MediaOptions
{
    /// <summary>An S3-compatible endpoint (MinIO: http://minio:9000); unset: AWS in <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string? Bucket { get; set; }

    /// <summary>Keys are stored under this prefix ("pitlane/").</summary>
    public string Prefix { get; set; } = "media/";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>bucket in the path (http://host/bucket/key), as MinIO and most self-hosted stores need. Default true.</summary>
    public bool ForcePathStyle { get; set; } = true;
}
