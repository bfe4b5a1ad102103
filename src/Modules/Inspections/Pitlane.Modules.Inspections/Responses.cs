using Pitlane.Modules.Media.Contracts;

namespace Pitlane.Modules.Inspections;

public sealed record TemplateItemResponse(Guid Id, int Position, string Section, string Name, string? Measurement, string? JobTitle, decimal JobHours);

public sealed record TemplateResponse(Guid Id, string Name, bool IsDefault, DateTime UpdatedAt, IReadOnlyList<TemplateItemResponse> Items)
{
    public static TemplateResponse From(InspectionTemplate t) => new(t.Id, t.Name, t.IsDefault, t.UpdatedAt,
        t.Items.OrderBy(i => i.Position).Select(i => new TemplateItemResponse(i.Id, i.Position, i.Section, i.Name, i.Measurement, i.JobTitle, i.JobHours)).ToList());
}

public sealed record MeasurementResponse(string Code, string Label, string Unit, decimal Min, decimal Max, decimal RedBelow, decimal YellowBelow);

/// <param name="Kind">"photo" or "video".</param>
/// <param name="State">"processing", "ready" or "failed" (with <paramref name="Error"/>).</param>
public sealed record MediaResponse(Guid Id, Guid ItemId, string Kind, string State, Guid? JobId, string? Error, string? Url, string? PosterUrl, string? PreviewUrl, double? DurationSeconds);

public sealed record ItemResponse(
    Guid Id, int Position, string Section, string Name, MeasurementResponse? Measurement, decimal? MeasuredValue, string? SuggestedRating,
    string? Rating, string? Notes, string? JobTitle, Guid? ProposedJobId, IReadOnlyList<MediaResponse> Media);

/// <param name="State">"none", "processing", "ready" or "failed".</param>
public sealed record NarrationResponse(string State, string? Text, string? Source, Guid? JobId, string? Error, string? Url);

public sealed record ShareResponse(int Version, DateTime? ExpiresAt, DateTime? SharedAt, DateTime? RevokedAt);

public sealed record RatingCounts(int Green, int Yellow, int Red, int Unrated);

public sealed record InspectionResponse(
    Guid Id, Guid RepairOrderId, Guid VehicleId, Guid CustomerId, Guid TemplateId, string TemplateName, string Status, DateTime CreatedAt,
    DateTime? CompletedAt, RatingCounts Counts, NarrationResponse Narration, ShareResponse Share, IReadOnlyList<ItemResponse> Items);

public sealed record InspectionSummaryResponse(Guid Id, Guid RepairOrderId, Guid VehicleId, string TemplateName, string Status, DateTime CreatedAt, RatingCounts Counts);

public sealed record DecisionResponse(Guid Id, Guid JobId, bool Approved, string SignedName, string? IpAddress, DateTime DecidedAt, string Outcome);

/// <param name="Message">What happened to the message to the customer, when one was asked for.</param>
public sealed record ShareLinkResponse(string Url, DateTime ExpiresAt, int Version, string? MessageChannel, bool? MessageSent, string? MessageRefused);

public static class ResponseMapping
{
    public static MeasurementResponse Of(MeasurementKind k) => new(k.Code, k.Label, k.Unit, k.Min, k.Max, k.RedBelow, k.YellowBelow);

    /// <summary>The members' path of a stored file (the contract's <see cref="IMediaStore.MemberPath"/>, which reads only the id).</summary>
    public static string MemberPath(IMediaStore store, Guid mediaId) =>
        store.MemberPath(new MediaItem(mediaId, Guid.Empty, MediaKind.Document, "", 0, "", null, default));

    public static RatingCounts Count(IEnumerable<InspectionItem> items)
    {
        var list = items.ToList();
        return new(list.Count(i => i.Rating == Rating.Green), list.Count(i => i.Rating == Rating.Yellow), list.Count(i => i.Rating == Rating.Red),
            list.Count(i => i.Rating is null));
    }

    public static MediaResponse Media(IMediaStore store, InspectionMedia m) => new(
        m.Id, m.ItemId, m.IsVideo ? "video" : "photo", m.State.ToString().ToLowerInvariant(), m.JobId, m.Error,
        m.IsVideo ? (m.VideoMediaId is { } v ? MemberPath(store, v) : null) : MemberPath(store, m.OriginalMediaId),
        m.PosterMediaId is { } p ? MemberPath(store, p) : null, m.PreviewMediaId is { } pv ? MemberPath(store, pv) : null, m.DurationSeconds);

    public static ItemResponse Item(IMediaStore store, InspectionItem i)
    {
        var kind = Measurements.Find(i.Measurement);
        return new(i.Id, i.Position, i.Section, i.Name, kind is null ? null : Of(kind), i.MeasuredValue,
            kind is not null && i.MeasuredValue is { } value ? InspectionRules.Name(kind.Suggest(value)) : null,
            i.Rating is { } r ? InspectionRules.Name(r) : null, i.Notes, i.JobTitle, i.ProposedJobId,
            i.Media.OrderBy(m => m.CreatedAt).Select(m => Media(store, m)).ToList());
    }

    public static InspectionResponse Inspection(IMediaStore store, Inspection x)
    {
        var narration = x.NarrationMediaId is { } audio
            ? new NarrationResponse("ready", x.NarrationText, x.NarrationSource, x.NarrationJobId, null, MemberPath(store, audio))
            : x.NarrationError is { } error ? new NarrationResponse("failed", x.NarrationText, x.NarrationSource, x.NarrationJobId, error, null)
            : x.NarrationJobId is { } job ? new NarrationResponse("processing", x.NarrationText, x.NarrationSource, job, null, null)
            : new NarrationResponse("none", null, null, null, null, null);
        return new(x.Id, x.RepairOrderId, x.VehicleId, x.CustomerId, x.TemplateId, x.TemplateName, x.Status == InspectionStatus.Completed ? "completed" : "in_progress",
            x.CreatedAt, x.CompletedAt, Count(x.Items), narration, new ShareResponse(x.ShareVersion, x.ShareExpiresAt, x.SharedAt, x.RevokedAt),
            x.Items.OrderBy(i => i.Position).Select(i => Item(store, i)).ToList());
    }
}
