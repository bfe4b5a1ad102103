using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Studio;

public sealed record CreateProjectRequest(
    Guid? VehicleId, long? PriceMinor, string? Currency, string? Tone, string? Audience, string[]? Highlights, string? DealerName, string? Disclosure);

public sealed record PieceResponse(string Platform, string Name, string Text, int Characters, int MaxCharacters, IReadOnlyList<string> FormProblems);

public sealed record ProjectResponse(
    Guid Id, Guid VehicleId, string Title, string Status, long PriceMinor, string Currency, string Tone, string? Audience, string Generator,
    IReadOnlyList<PieceResponse> Pieces, IReadOnlyList<Violation> Violations, DateTime? PublishedAt, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ProjectResponse From(ContentProject p) => new(
        p.Id, p.VehicleId, p.Title, p.Status.ToString().ToLowerInvariant(), p.PriceMinor, p.Currency, p.Tone, p.Audience, p.Generator,
        Platforms.All.Select(spec => p.Pieces.FirstOrDefault(x => x.Platform == spec.Key) is { } piece
            ? new PieceResponse(spec.Key, spec.Name, piece.Text, piece.Text.Length, spec.MaxChars, Platforms.FormProblems(spec, piece.Text))
            : null).OfType<PieceResponse>().ToList(),
        p.Check(), p.PublishedAt, p.CreatedAt, p.UpdatedAt);
}

/// <summary>Result of a change: the project, or an HTTP status with words for a person (and violations on 422).</summary>
public sealed record ProjectOutcome(ContentProject? Project, int Status = 0, string? Error = null, IReadOnlyList<Violation>? Violations = null);

/// <summary>Content projects: generate, edit, review, publish behind the guardrail.</summary>
public sealed class StudioContent(StudioDbContext db, IVehicleDirectory vehicles, IContentWriter writer, TimeProvider time)
{
    public const int MaxHighlights = 20;
    public const int MaxHighlightLength = 120;

    public async Task<(ProjectOutcome Outcome, Dictionary<string, string[]>? Errors)> CreateAsync(Guid organizationId, CreateProjectRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.VehicleId is null)
        {
            errors["vehicleId"] = ["Choose the vehicle."];
        }

        if (request.PriceMinor is not > 0 || request.PriceMinor > 100_000_000_00)
        {
            errors["priceMinor"] = ["The listing price, in cents, between 1 and 10,000,000,000."];
        }

        var currency = (request.Currency ?? "USD").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            errors["currency"] = ["A three-letter ISO 4217 code, e.g. USD."];
        }

        var tone = (request.Tone ?? "friendly").Trim().ToLowerInvariant();
        if (!ListingFacts.Tones.Contains(tone))
        {
            errors["tone"] = [$"One of {string.Join(", ", ListingFacts.Tones)}."];
        }

        var highlights = (request.Highlights ?? []).Select(h => h?.Trim() ?? "").Where(h => h.Length > 0).ToList();
        if (highlights.Count > MaxHighlights || highlights.Any(h => h.Length > MaxHighlightLength))
        {
            errors["highlights"] = [$"At most {MaxHighlights} highlights of at most {MaxHighlightLength} characters."];
        }

        if (request.Audience is { Length: > 200 } || request.DealerName is { Length: > 120 } || request.Disclosure is { Length: > 1500 })
        {
            errors["audience"] = ["Audience at most 200 characters, dealer name 120, disclosure 1,500."];
        }

        if (errors.Count > 0)
        {
            return (new ProjectOutcome(null), errors);
        }

        var vehicle = await vehicles.FindAsync(organizationId, request.VehicleId!.Value, ct);
        if (vehicle is null)
        {
            return (new ProjectOutcome(null, 404, "No such vehicle."), null);
        }

        var facts = new ListingFacts(vehicle.Title, vehicle.Trim, vehicle.Engine, vehicle.FuelType, vehicle.OdometerKm, vehicle.Vin,
            request.PriceMinor!.Value, currency, highlights, tone, request.Audience, request.DealerName, request.Disclosure);
        var written = await writer.WriteAsync(Platforms.All, facts, ct);
        var pieces = written.Select(w => (w.Platform, w.Text)).ToList();
        var sources = written.Select(w => w.Source).Distinct(StringComparer.Ordinal).OrderBy(s => s == "templates").ToList();
        var generator = string.Join('+', sources);
        var project = ContentProject.Create(organizationId, vehicle.Id, vehicle.Title, facts.PriceMinor, currency, tone, request.Audience,
            string.Join('\n', highlights), request.Disclosure, generator.Length > 40 ? generator[..40] : generator, pieces, time.GetUtcNow().UtcDateTime);
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        return (new ProjectOutcome(project), null);
    }

    public Task<ContentProject?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        db.Projects.Include(p => p.Pieces).FirstOrDefaultAsync(p => p.OrganizationId == organizationId && p.Id == id, ct);

    public async Task<IReadOnlyList<ContentProject>> ListAsync(Guid organizationId, Guid? vehicleId, CancellationToken ct) =>
        await db.Projects.AsNoTracking().Include(p => p.Pieces)
            .Where(p => p.OrganizationId == organizationId && (vehicleId == null || p.VehicleId == vehicleId))
            .OrderByDescending(p => p.CreatedAt).Take(100).ToListAsync(ct);

    public async Task<ProjectOutcome> EditAsync(Guid organizationId, Guid id, string platform, string? text, CancellationToken ct)
    {
        var project = await FindAsync(organizationId, id, ct);
        if (project is null)
        {
            return new ProjectOutcome(null, 404, "No such project.");
        }

        if (Platforms.Find(platform) is not { } spec)
        {
            return new ProjectOutcome(null, 404, "No such platform.");
        }

        if (string.IsNullOrWhiteSpace(text) || text.Length > spec.MaxChars)
        {
            return new ProjectOutcome(null, 400, $"The text is required and at most {spec.MaxChars} characters on {spec.Name}.");
        }

        return project.Edit(spec.Key, text, time.GetUtcNow().UtcDateTime)
            ? await Saved(project, ct)
            : new ProjectOutcome(null, 409, $"The project is in {project.Status.ToString().ToLowerInvariant()}: only drafts are edited.");
    }

    public async Task<ProjectOutcome> SubmitAsync(Guid organizationId, Guid id, Guid userId, CancellationToken ct)
    {
        var project = await FindAsync(organizationId, id, ct);
        return project is null ? new ProjectOutcome(null, 404, "No such project.")
            : project.Submit(userId, time.GetUtcNow().UtcDateTime) ? await Saved(project, ct)
            : new ProjectOutcome(null, 409, "Only a draft is sent for review.");
    }

    public async Task<ProjectOutcome> ReturnAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var project = await FindAsync(organizationId, id, ct);
        return project is null ? new ProjectOutcome(null, 404, "No such project.")
            : project.ReturnToDraft(time.GetUtcNow().UtcDateTime) ? await Saved(project, ct)
            : new ProjectOutcome(null, 409, "Only a project in review is sent back to draft.");
    }

    /// <summary>
    /// 422 with the violations when any blocks, or when flagged claims ("free", "guaranteed") are not acknowledged;
    /// 409 when the project is not in review.
    /// </summary>
    public async Task<ProjectOutcome> PublishAsync(Guid organizationId, Guid id, Guid userId, bool acknowledgeFlags, CancellationToken ct)
    {
        var project = await FindAsync(organizationId, id, ct);
        if (project is null)
        {
            return new ProjectOutcome(null, 404, "No such project.");
        }

        if (project.Status != ProjectStatus.Review)
        {
            return new ProjectOutcome(null, 409, "Only a project in review is published: send the draft for review first.");
        }

        var violations = project.Check();
        if (violations.Any(v => v.Blocking))
        {
            return new ProjectOutcome(null, 422, "The content breaks advertising rules: fix the draft before publishing.", violations);
        }

        if (violations.Count > 0 && !acknowledgeFlags)
        {
            return new ProjectOutcome(null, 422, "Flagged claims need the approver's confirmation (acknowledgeFlags).", violations);
        }

        project.Publish(userId, time.GetUtcNow().UtcDateTime);
        return await Saved(project, ct);
    }

    private async Task<ProjectOutcome> Saved(ContentProject project, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        return new ProjectOutcome(project);
    }
}
