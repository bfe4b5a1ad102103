namespace Pitlane.Modules.Inspections;

/// <summary>A checklist the shop inspects against ("Multi-point inspection"): its items in order.</summary>
public sealed class InspectionTemplate
{
    private InspectionTemplate() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";
    public bool IsDefault { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public List<InspectionTemplateItem> Items { get; private set; } = [];

    internal static InspectionTemplate Create(Guid organizationId, string name, bool isDefault, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, Name = name, IsDefault = isDefault, CreatedAt = now, UpdatedAt = now,
    };

    internal void Rename(string name, DateTime now)
    {
        Name = name;
        UpdatedAt = now;
    }

    internal void ReplaceItems(IEnumerable<InspectionTemplateItem> items, DateTime now)
    {
        Items.Clear();
        Items.AddRange(items);
        UpdatedAt = now;
    }
}

/// <param name="Measurement">What is measured on this item, if anything (<see cref="Measurements"/>).</param>
public sealed class InspectionTemplateItem
{
    private InspectionTemplateItem() { }

    public Guid Id { get; private set; }
    public Guid TemplateId { get; private set; }
    public int Position { get; private set; }
    public string Section { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Measurement { get; private set; }
    /// <summary>The job proposed on the RO when the item is found yellow or red ("Replace front brake pads").</summary>
    public string? JobTitle { get; private set; }
    public decimal JobHours { get; private set; }

    internal static InspectionTemplateItem Create(Guid templateId, int position, string section, string name, string? measurement, string? jobTitle, decimal jobHours) => new()
    {
        Id = Guid.CreateVersion7(), TemplateId = templateId, Position = position, Section = section, Name = name, Measurement = measurement,
        JobTitle = jobTitle, JobHours = jobHours,
    };
}

public enum InspectionStatus
{
    InProgress,
    Completed,
}

/// <summary>
/// One inspection of a vehicle on a repair order. The approval link is signed over <see cref="ShareVersion"/>: sharing
/// again or revoking bumps it, so every earlier link dies at once.
/// </summary>
public sealed class Inspection
{
    private Inspection() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid RepairOrderId { get; private set; }
    public Guid VehicleId { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid TemplateId { get; private set; }
    public string TemplateName { get; private set; } = "";
    public InspectionStatus Status { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public int ShareVersion { get; private set; }
    public DateTime? ShareExpiresAt { get; private set; }
    public DateTime? SharedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public string? NarrationText { get; private set; }
    public string? NarrationSource { get; private set; }
    public Guid? NarrationMediaId { get; private set; }
    public Guid? NarrationJobId { get; private set; }
    public string? NarrationError { get; private set; }
    public List<InspectionItem> Items { get; private set; } = [];

    internal static Inspection Start(Guid organizationId, Guid repairOrderId, Guid vehicleId, Guid customerId, InspectionTemplate template, Guid? by, DateTime now)
    {
        var inspection = new Inspection
        {
            Id = Guid.CreateVersion7(), OrganizationId = organizationId, RepairOrderId = repairOrderId, VehicleId = vehicleId, CustomerId = customerId,
            TemplateId = template.Id, TemplateName = template.Name, Status = InspectionStatus.InProgress, CreatedBy = by, CreatedAt = now, UpdatedAt = now,
        };
        inspection.Items.AddRange(template.Items.OrderBy(i => i.Position).Select(i => InspectionItem.From(inspection.Id, i)));
        return inspection;
    }

    internal void Touch(DateTime now) => UpdatedAt = now;

    internal void Complete(DateTime now)
    {
        Status = InspectionStatus.Completed;
        CompletedAt ??= now;
        UpdatedAt = now;
    }

    /// <summary>A new link version, valid until <paramref name="expiresAt"/>; every earlier link stops working.</summary>
    internal void Share(DateTime expiresAt, DateTime now)
    {
        ShareVersion++;
        ShareExpiresAt = expiresAt;
        SharedAt = now;
        RevokedAt = null;
        UpdatedAt = now;
    }

    internal void Revoke(DateTime now)
    {
        ShareVersion++;
        RevokedAt = now;
        UpdatedAt = now;
    }

    internal void NarrationQueued(string text, string source, Guid jobId, DateTime now)
    {
        NarrationText = text;
        NarrationSource = source;
        NarrationJobId = jobId;
        NarrationMediaId = null;
        NarrationError = null;
        UpdatedAt = now;
    }

    internal void NarrationReady(Guid mediaId, DateTime now)
    {
        NarrationMediaId = mediaId;
        NarrationError = null;
        UpdatedAt = now;
    }

    internal void NarrationFailed(string error, DateTime now)
    {
        NarrationError = error;
        UpdatedAt = now;
    }
}

public enum Rating
{
    Green,
    Yellow,
    Red,
}

public sealed class InspectionItem
{
    private InspectionItem() { }

    public Guid Id { get; private set; }
    public Guid InspectionId { get; private set; }
    public int Position { get; private set; }
    public string Section { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Measurement { get; private set; }
    public string? JobTitle { get; private set; }
    public decimal JobHours { get; private set; }
    public Rating? Rating { get; private set; }
    public string? Notes { get; private set; }
    public decimal? MeasuredValue { get; private set; }
    public Guid? ProposedJobId { get; private set; }
    public List<InspectionMedia> Media { get; private set; } = [];

    internal static InspectionItem From(Guid inspectionId, InspectionTemplateItem t) => new()
    {
        Id = Guid.CreateVersion7(), InspectionId = inspectionId, Position = t.Position, Section = t.Section, Name = t.Name, Measurement = t.Measurement,
        JobTitle = t.JobTitle, JobHours = t.JobHours,
    };

    internal void Record(Rating? rating, string? notes, decimal? measured)
    {
        Rating = rating;
        Notes = notes;
        MeasuredValue = measured;
    }

    internal void Proposed(Guid jobId) => ProposedJobId = jobId;
}

public enum MediaState
{
    Processing,
    Ready,
    Failed,
}

/// <summary>
/// A photo or video of an item. A video's original upload is kept until its transcode (H.264/AAC MP4, poster JPEG,
/// small preview) succeeds; the customer only ever sees the transcoded files.
/// </summary>
public sealed class InspectionMedia
{
    private InspectionMedia() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid InspectionId { get; private set; }
    public Guid ItemId { get; private set; }
    public bool IsVideo { get; private set; }
    public MediaState State { get; private set; }
    public Guid OriginalMediaId { get; private set; }
    public Guid? VideoMediaId { get; private set; }
    public Guid? PosterMediaId { get; private set; }
    public Guid? PreviewMediaId { get; private set; }
    public Guid? JobId { get; private set; }
    public double? DurationSeconds { get; private set; }
    public string? Error { get; private set; }
    public DateTime CreatedAt { get; private set; }

    internal static InspectionMedia Photo(Guid organizationId, Guid inspectionId, Guid itemId, Guid mediaId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, InspectionId = inspectionId, ItemId = itemId, OriginalMediaId = mediaId,
        State = MediaState.Ready, CreatedAt = now,
    };

    internal static InspectionMedia Video(Guid organizationId, Guid inspectionId, Guid itemId, Guid mediaId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, InspectionId = inspectionId, ItemId = itemId, OriginalMediaId = mediaId,
        IsVideo = true, State = MediaState.Processing, CreatedAt = now,
    };

    internal void Queued(Guid jobId) => JobId = jobId;

    internal void Transcoded(Guid video, Guid poster, Guid preview, double duration)
    {
        VideoMediaId = video;
        PosterMediaId = poster;
        PreviewMediaId = preview;
        DurationSeconds = duration;
        State = MediaState.Ready;
        Error = null;
    }

    internal void Failed(string error)
    {
        State = MediaState.Failed;
        Error = error.Length > 500 ? error[..500] : error;
    }
}

/// <summary>A customer's decision on one job through the approval link, as sent to the repair order.</summary>
public sealed class ApprovalDecision
{
    private ApprovalDecision() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid InspectionId { get; private set; }
    public Guid RepairOrderId { get; private set; }
    public Guid JobId { get; private set; }
    public bool Approved { get; private set; }
    public string SignedName { get; private set; } = "";
    public string? IpAddress { get; private set; }
    public int LinkVersion { get; private set; }
    public DateTime DecidedAt { get; private set; }
    public string Outcome { get; private set; } = "";

    internal static ApprovalDecision Record(Inspection inspection, Guid jobId, bool approved, string name, string? ip, DateTime at, string outcome) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = inspection.OrganizationId, InspectionId = inspection.Id, RepairOrderId = inspection.RepairOrderId,
        JobId = jobId, Approved = approved, SignedName = name, IpAddress = ip, LinkVersion = inspection.ShareVersion, DecidedAt = at, Outcome = outcome,
    };
}
