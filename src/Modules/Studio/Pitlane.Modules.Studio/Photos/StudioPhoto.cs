using Pitlane.Imaging;

namespace Pitlane.Modules.Studio;

public enum PhotoStatus
{
    Queued,
    Running,
    Ready,
    Failed,
}

/// <summary>One listing photo: its original, and once segmented its cut-out and mask, all in the media store.</summary>
public sealed class StudioPhoto
{
    private StudioPhoto()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid VehicleId { get; private set; }
    public Guid OriginalMediaId { get; private set; }
    public string? FileName { get; private set; }
    public PhotoStatus Status { get; private set; }
    public Guid? JobId { get; private set; }
    public string? Error { get; private set; }
    public Guid? CutoutMediaId { get; private set; }
    public Guid? MaskMediaId { get; private set; }
    public int? Width { get; private set; }
    public int? Height { get; private set; }
    public string? Timings { get; private set; }
    public BackdropKind BackdropKind { get; private set; }
    public string BackdropTop { get; private set; } = "#f2f3f5";
    public string BackdropBottom { get; private set; } = "#c9ccd1";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Times the photo was handed to a runner (a remote worker or this server); a lost lease on the second fails it.</summary>
    public int Attempts { get; private set; }

    /// <summary>Set while the photo waits for a remote worker to take it (the job saw a worker alive).</summary>
    public DateTime? OfferedAt { get; private set; }

    /// <summary>The remote worker holding the lease, its process (X-Worker-Instance), when it took it and last reported.</summary>
    public Guid? WorkerId { get; private set; }
    public string? WorkerInstance { get; private set; }
    public DateTime? LeasedAt { get; private set; }
    public DateTime? HeardAt { get; private set; }

    /// <summary>The worker's last reported stage and percent, forwarded to the job by the waiting handler.</summary>
    public string? Stage { get; private set; }
    public int Progress { get; private set; }

    /// <summary>Why the remote worker could not segment the photo, as it reported it.</summary>
    public string? WorkerError { get; private set; }

    public static StudioPhoto Upload(Guid organizationId, Guid vehicleId, Guid originalMediaId, string? fileName, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        VehicleId = vehicleId,
        OriginalMediaId = originalMediaId,
        FileName = fileName is { Length: > 200 } ? fileName[..200] : fileName,
        Status = PhotoStatus.Queued,
        BackdropKind = BackdropKind.StudioFloor,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public Backdrop Backdrop => new(BackdropKind, BackdropTop, BackdropBottom);

    public void Queue(Guid jobId, DateTime now)
    {
        JobId = jobId;
        Status = PhotoStatus.Queued;
        Error = null;
        Attempts = 0;
        OfferedAt = null;
        WorkerId = null;
        WorkerInstance = null;
        LeasedAt = null;
        HeardAt = null;
        Stage = null;
        Progress = 0;
        WorkerError = null;
        UpdatedAt = now;
    }

    public void Start(DateTime now)
    {
        Status = PhotoStatus.Running;
        UpdatedAt = now;
    }

    /// <summary>This server runs the segmentation itself: one more attempt, no worker lease.</summary>
    public void RunHere(DateTime now)
    {
        Status = PhotoStatus.Running;
        Attempts++;
        OfferedAt = null;
        WorkerId = null;
        WorkerInstance = null;
        LeasedAt = null;
        HeardAt = null;
        Stage = "On this server";
        UpdatedAt = now;
    }

    public void Segmented(Guid cutoutMediaId, Guid maskMediaId, int width, int height, string timings, DateTime now)
    {
        CutoutMediaId = cutoutMediaId;
        MaskMediaId = maskMediaId;
        Width = width;
        Height = height;
        Timings = timings.Length > 200 ? timings[..200] : timings;
        Status = PhotoStatus.Ready;
        Error = null;
        UpdatedAt = now;
    }

    public void Fail(string error, DateTime now)
    {
        Status = PhotoStatus.Failed;
        Error = error.Length > 500 ? error[..500] : error;
        UpdatedAt = now;
    }

    /// <summary>Choosing another backdrop keeps the mask: renders are composed from it, never re-segmented.</summary>
    public void ChooseBackdrop(Backdrop backdrop, DateTime now)
    {
        BackdropKind = backdrop.Kind;
        BackdropTop = backdrop.Top;
        BackdropBottom = backdrop.Bottom;
        UpdatedAt = now;
    }
}
