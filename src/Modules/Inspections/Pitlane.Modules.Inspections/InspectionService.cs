using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Inspections.Narration;
using Pitlane.Modules.Inspections.Video;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Inspections;

/// <summary>What a change did: the value, or field errors (400), a conflict (409), not found (404), or a refused file (413/415/400).</summary>
public sealed record Outcome<T>(T? Value, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false,
    int? RejectedStatus = null, string? Rejected = null)
    where T : class
{
    public static Outcome<T> Missing => new(null, NotFound: true);
}

public sealed record TemplateItemInput(string? Section, string? Name, string? Measurement, string? JobTitle, decimal? JobHours);

public sealed record TemplateInput(string? Name, IReadOnlyList<TemplateItemInput>? Items);

public sealed record ItemInput(string? Rating, string? Notes, decimal? MeasuredValue, bool? ProposeJob);

/// <summary>Templates, inspections, items and their media: every change of the module's own rows goes through here.</summary>
public sealed class InspectionService(
    InspectionsDbContext db, TimeProvider time, IMediaStore media, IShopRepairOrders orders, IRepairOrderJobs jobs, JobQueue queue,
    Microsoft.Extensions.Options.IOptions<InspectionsOptions> options)
{
    // Templates ---------------------------------------------------------------------------------------------------------

    /// <summary>The organisation's templates; a shop without any gets the default multi-point inspection first.</summary>
    public async Task<List<InspectionTemplate>> TemplatesAsync(Guid organizationId, CancellationToken ct)
    {
        await EnsureDefaultTemplateAsync(organizationId, ct);
        return await db.Templates.Include(t => t.Items).Where(t => t.OrganizationId == organizationId).OrderByDescending(t => t.IsDefault).ThenBy(t => t.Name).ToListAsync(ct);
    }

    public async Task<InspectionTemplate> EnsureDefaultTemplateAsync(Guid organizationId, CancellationToken ct)
    {
        if (await db.Templates.Include(t => t.Items).FirstOrDefaultAsync(t => t.OrganizationId == organizationId && t.IsDefault, ct) is { } existing)
        {
            return existing;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var template = InspectionTemplate.Create(organizationId, "Multi-point inspection", true, now);
        template.ReplaceItems(InspectionRules.DefaultItems.Select((d, i) =>
            InspectionTemplateItem.Create(template.Id, i + 1, d.Section, d.Name, d.Measurement, d.JobTitle, d.Hours)), now);
        db.Templates.Add(template);
        await db.SaveChangesAsync(ct);
        return template;
    }

    public async Task<Outcome<InspectionTemplate>> SaveTemplateAsync(Guid organizationId, Guid? id, TemplateInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > InspectionRules.MaxNameLength)
        {
            errors["name"] = [$"A template needs a name of at most {InspectionRules.MaxNameLength} characters."];
        }
        var items = input.Items ?? [];
        if (items.Count is 0 or > InspectionRules.MaxTemplateItems)
        {
            errors["items"] = [$"A template has between 1 and {InspectionRules.MaxTemplateItems} items."];
        }
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null || string.IsNullOrWhiteSpace(item.Name) || item.Name.Trim().Length > InspectionRules.MaxNameLength
                || string.IsNullOrWhiteSpace(item.Section) || item.Section.Trim().Length > InspectionRules.MaxNameLength)
            {
                errors[$"items[{i}]"] = [$"Every item needs a section and a name of at most {InspectionRules.MaxNameLength} characters."];
                continue;
            }
            if (item.Measurement is not null && Measurements.Find(item.Measurement) is null)
            {
                errors[$"items[{i}].measurement"] = [$"measurement is one of {string.Join(", ", Measurements.All.Select(m => m.Code))}, or null."];
            }
            if (item.JobTitle is { Length: > InspectionRules.MaxNameLength })
            {
                errors[$"items[{i}].jobTitle"] = [$"jobTitle is at most {InspectionRules.MaxNameLength} characters."];
            }
            if (item.JobHours is < 0 or > 100 || (item.JobHours is { } h && decimal.Round(h, 2) != h))
            {
                errors[$"items[{i}].jobHours"] = ["jobHours is between 0 and 100, to 0.01 h."];
            }
        }
        if (errors.Count > 0)
        {
            return new(null, errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        InspectionTemplate template;
        if (id is { } existing)
        {
            if (await db.Templates.Include(t => t.Items).FirstOrDefaultAsync(t => t.Id == existing && t.OrganizationId == organizationId, ct) is not { } found)
            {
                return Outcome<InspectionTemplate>.Missing;
            }
            template = found;
            db.TemplateItems.RemoveRange(template.Items);
            template.Rename(name!, now);
        }
        else
        {
            template = InspectionTemplate.Create(organizationId, name!, false, now);
            db.Templates.Add(template);
        }
        var fresh = items.Select((x, i) => InspectionTemplateItem.Create(template.Id, i + 1, x.Section!.Trim(), x.Name!.Trim(), x.Measurement,
            string.IsNullOrWhiteSpace(x.JobTitle) ? null : x.JobTitle.Trim(), x.JobHours ?? 0m)).ToList();
        template.ReplaceItems(fresh, now);
        db.TemplateItems.AddRange(fresh);
        await db.SaveChangesAsync(ct);
        return new(template);
    }

    // Inspections -------------------------------------------------------------------------------------------------------

    public Task<Inspection?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        db.Inspections.Include(i => i.Items).ThenInclude(i => i.Media).AsSplitQuery()
            .FirstOrDefaultAsync(i => i.Id == id && i.OrganizationId == organizationId, ct);

    public async Task<List<Inspection>> ListAsync(Guid organizationId, Guid? repairOrderId, int skip, int take, CancellationToken ct) =>
        await db.Inspections.Include(i => i.Items).AsSplitQuery()
            .Where(i => i.OrganizationId == organizationId && (repairOrderId == null || i.RepairOrderId == repairOrderId))
            .OrderByDescending(i => i.CreatedAt).Skip(skip).Take(take).ToListAsync(ct);

    public Task<int> CountAsync(Guid organizationId, Guid? repairOrderId, CancellationToken ct) =>
        db.Inspections.CountAsync(i => i.OrganizationId == organizationId && (repairOrderId == null || i.RepairOrderId == repairOrderId), ct);

    public async Task<Outcome<Inspection>> StartAsync(Guid organizationId, Guid? repairOrderId, Guid? templateId, Guid? by, CancellationToken ct)
    {
        if (repairOrderId is not { } roId || roId == Guid.Empty)
        {
            return new(null, new() { ["repairOrderId"] = ["repairOrderId is required: an inspection belongs to a repair order."] });
        }
        if (await orders.FindAsync(organizationId, roId, ct) is not { } ro)
        {
            return new(null, new() { ["repairOrderId"] = ["No such repair order."] });
        }
        InspectionTemplate? template;
        if (templateId is { } tid)
        {
            template = await db.Templates.Include(t => t.Items).FirstOrDefaultAsync(t => t.Id == tid && t.OrganizationId == organizationId, ct);
            if (template is null)
            {
                return new(null, new() { ["templateId"] = ["No such template."] });
            }
        }
        else
        {
            template = await EnsureDefaultTemplateAsync(organizationId, ct);
        }
        var inspection = Inspection.Start(organizationId, ro.Id, ro.VehicleId, ro.CustomerId, template, by, time.GetUtcNow().UtcDateTime);
        db.Inspections.Add(inspection);
        await db.SaveChangesAsync(ct);
        return new(inspection);
    }

    /// <summary>
    /// Records a rating, notes and a measurement. Without a rating, a measurement's thresholds suggest one. An item found
    /// yellow or red proposes its job on the RO once (unless <see cref="ItemInput.ProposeJob"/> is false); the customer
    /// still approves or declines it.
    /// </summary>
    public async Task<Outcome<InspectionItem>> RecordAsync(Guid organizationId, Guid inspectionId, Guid itemId, ItemInput input, CancellationToken ct)
    {
        if (await FindAsync(organizationId, inspectionId, ct) is not { } inspection || inspection.Items.FirstOrDefault(i => i.Id == itemId) is not { } item)
        {
            return Outcome<InspectionItem>.Missing;
        }
        var errors = new Dictionary<string, string[]>();
        var rating = InspectionRules.Parse(input.Rating);
        if (input.Rating is not null && rating is null)
        {
            errors["rating"] = ["rating is green, yellow or red."];
        }
        if (input.Notes is { Length: > InspectionRules.MaxNotesLength })
        {
            errors["notes"] = [$"Notes are at most {InspectionRules.MaxNotesLength} characters."];
        }
        var kind = Measurements.Find(item.Measurement);
        if (input.MeasuredValue is { } value)
        {
            if (kind is null)
            {
                errors["measuredValue"] = ["This item takes no measurement."];
            }
            else if (value < kind.Min || value > kind.Max || decimal.Round(value, 2) != value)
            {
                errors["measuredValue"] = [$"{kind.Label} is between {kind.Min} and {kind.Max} {kind.Unit}, to 0.01."];
            }
        }
        if (errors.Count > 0)
        {
            return new(null, errors);
        }
        rating ??= kind is not null && input.MeasuredValue is { } measured ? kind.Suggest(measured) : null;
        var notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim();
        item.Record(rating, notes, input.MeasuredValue);
        inspection.Touch(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        if (rating is Rating.Yellow or Rating.Red && item.ProposedJobId is null && item.JobTitle is { } title && input.ProposeJob != false)
        {
            var added = await jobs.AddJobAsync(organizationId, inspection.RepairOrderId, new NewShopJob(
                title, null, Cause(item, kind), item.JobHours > 0 ? [new NewShopLaborLine(title, item.JobHours)] : [], [],
                $"inspection {inspection.Id:N}"), ct);
            if (added.JobId is { } jobId)
            {
                item.Proposed(jobId);
                await db.SaveChangesAsync(ct);
            }
            else
            {
                return new(item, Conflict: added.Conflict ?? (added.NotFound ? "The repair order is gone." : "The repair order refused the proposed job."));
            }
        }
        return new(item);
    }

    private static string Cause(InspectionItem item, MeasurementKind? kind)
    {
        var found = item.Rating == Rating.Red ? "Needs attention now" : "Needs attention soon";
        if (kind is not null && item.MeasuredValue is { } v)
        {
            found += $": {kind.Label.ToLowerInvariant()} {v:0.##} {kind.Unit}";
        }
        return item.Notes is { } notes ? $"{found}. {notes}" : found;
    }

    public async Task<Outcome<Inspection>> CompleteAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        if (await FindAsync(organizationId, id, ct) is not { } inspection)
        {
            return Outcome<Inspection>.Missing;
        }
        inspection.Complete(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return new(inspection);
    }

    /// <summary>
    /// Stores a photo (ready at once) or a video (queued for transcoding: the answer carries the job to watch). The type
    /// comes from the bytes (the media store sniffs them); size limits are the module's, per kind.
    /// </summary>
    public async Task<Outcome<InspectionMedia>> UploadAsync(Guid organizationId, Guid inspectionId, Guid itemId, Stream body, string? fileName, Guid? by, CancellationToken ct)
    {
        if (await FindAsync(organizationId, inspectionId, ct) is not { } inspection || inspection.Items.FirstOrDefault(i => i.Id == itemId) is not { } item)
        {
            return Outcome<InspectionMedia>.Missing;
        }
        var o = options.Value;
        MediaItem stored;
        try
        {
            stored = await media.PutAsync(new MediaUpload(organizationId, body, fileName, [MediaKind.Image, MediaKind.Video],
                Math.Max(o.MaxPhotoBytes, o.MaxVideoBytes), by), ct);
        }
        catch (MediaRejectedException e)
        {
            return new(null, RejectedStatus: e.StatusCode, Rejected: e.Message);
        }
        if (stored.Kind == MediaKind.Image && stored.Length > o.MaxPhotoBytes)
        {
            await media.DeleteAsync(organizationId, stored.Id, ct);
            return new(null, RejectedStatus: 413, Rejected: $"A photo is at most {o.MaxPhotoBytes / (1024 * 1024)} MB.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        InspectionMedia row;
        if (stored.Kind == MediaKind.Video)
        {
            row = InspectionMedia.Video(organizationId, inspection.Id, item.Id, stored.Id, now);
            db.Media.Add(row);
            row.Queued(queue.Enqueue(db, organizationId, new TranscodeVideo(row.Id)));
        }
        else
        {
            row = InspectionMedia.Photo(organizationId, inspection.Id, item.Id, stored.Id, now);
            db.Media.Add(row);
        }
        inspection.Touch(now);
        await db.SaveChangesAsync(ct);
        if (row.JobId is { } job)
        {
            queue.WakeLocal(job);
        }
        return new(row);
    }

    public async Task<Outcome<Inspection>> NarrateAsync(Guid organizationId, Guid id, string? text, string vehicle, NarrationWriter writer, CancellationToken ct)
    {
        if (await FindAsync(organizationId, id, ct) is not { } inspection)
        {
            return Outcome<Inspection>.Missing;
        }
        if (text is { Length: > NarrationScript.MaxLength })
        {
            return new(null, new() { ["text"] = [$"The narration is at most {NarrationScript.MaxLength} characters."] });
        }
        var written = string.IsNullOrWhiteSpace(text) ? await writer.WriteAsync(vehicle, inspection.Items, ct) : new NarrationText(text.Trim(), "advisor");
        var (script, source) = (written.Text, written.Source);
        var now = time.GetUtcNow().UtcDateTime;
        var job = queue.Enqueue(db, organizationId, new NarrateInspection(inspection.Id));
        inspection.NarrationQueued(script, source, job, now);
        await db.SaveChangesAsync(ct);
        queue.WakeLocal(job);
        return new(inspection);
    }

    public async Task<List<ApprovalDecision>> DecisionsAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        await db.Decisions.Where(d => d.OrganizationId == organizationId && d.InspectionId == id).OrderBy(d => d.DecidedAt).ToListAsync(ct);
}
