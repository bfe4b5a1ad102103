using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections.Estimate;

/// <param name="RepairOrderId">The RO the estimate is for (its vehicle is named to the AI gateway); optional for a quote without one.</param>
/// <param name="Concern">The customer's concern in their words.</param>
/// <param name="Codes">Trouble codes from a scan ("P0301"); codes written in the concern are read as well.</param>
public sealed record SuggestEstimateRequest(Guid? RepairOrderId, string? Concern, IReadOnlyList<string>? Codes);

public sealed record EstimateDraftResponse(string Source, string? FallbackReason, IReadOnlyList<EstimateSuggestion> Suggestions);

/// <summary>One suggestion as the advisor kept it (edited or not); <paramref name="Edited"/> is recorded with its source.</summary>
public sealed record AcceptedJob(string? Title, string? Concern, string? Cause, IReadOnlyList<SuggestedLabor>? Labor, IReadOnlyList<SuggestedPart>? Parts,
    string? Source, bool Edited);

public sealed record AcceptEstimateRequest(Guid? RepairOrderId, IReadOnlyList<AcceptedJob>? Jobs);

public sealed record AcceptEstimateResponse(Guid RepairOrderId, IReadOnlyList<Guid> JobIds);

/// <summary>
/// The AI estimate: suggest jobs for a concern (nothing is stored), then add the ones the advisor kept, as edited, to
/// the RO through Shop.Contracts, each with its source in the RO's audit trail ("estimate suggestion (scan P0301, edited)").
/// </summary>
public static partial class EstimateEndpoints
{
    public const int MaxConcernLength = 2000;
    public const int MaxCodes = 20;

    public static IEndpointRouteBuilder MapEstimateEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapTenantApi("/api/v1/inspections/estimates", "Inspections");
        group.MapPost("/suggest", Suggest).RequirePermission(InspectionsPermissions.Estimate)
            .WithSummary("Proposes jobs (labor and parts) for the customer's concern and trouble codes; each labelled with its source. Nothing is saved.");
        group.MapPost("/accept", Accept).RequirePermission(InspectionsPermissions.Estimate)
            .WithSummary("Adds the suggestions the advisor kept (as edited) to the repair order as pending jobs.");
        return routes;
    }

    private static async Task<Results<Ok<EstimateDraftResponse>, ValidationProblem, ProblemHttpResult>> Suggest(
        SuggestEstimateRequest request, OrganizationScope scope, EstimateSuggester suggester, IShopRepairOrders orders, IVehicleDirectory vehicles, CancellationToken ct)
    {
        var check = new Validation();
        var concern = string.IsNullOrWhiteSpace(request.Concern) ? null : request.Concern.Trim();
        check.Require(concern is null or { Length: <= MaxConcernLength }, "concern", $"concern is at most {MaxConcernLength} characters.");
        check.Require(request.Codes is null or { Count: <= MaxCodes }, "codes", $"At most {MaxCodes} trouble codes.");
        var codes = new List<string>();
        foreach (var code in request.Codes ?? [])
        {
            if (EstimateRules.NormalizeCode(code) is { } normal)
            {
                codes.Add(normal);
            }
            else
            {
                check.Require(false, "codes", $"'{(code?.Length > 10 ? code[..10] + "…" : code)}' is not a trouble code such as P0301.");
            }
        }
        codes.AddRange(EstimateRules.CodesIn(concern));
        check.Require(concern is not null || codes.Count > 0, "concern", "Write the customer's concern, or give trouble codes.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        string? vehicle = null;
        if (request.RepairOrderId is { } ro)
        {
            if (await orders.FindAsync(scope.OrganizationId, ro, ct) is not { } order)
            {
                return Problems.NotFound("No such repair order.");
            }
            vehicle = (await vehicles.FindAsync(scope.OrganizationId, order.VehicleId, ct))?.Title;
        }
        var draft = await suggester.SuggestAsync(concern, codes.Distinct().ToList(), vehicle, ct);
        return TypedResults.Ok(new EstimateDraftResponse(draft.Source, draft.FallbackReason, draft.Suggestions));
    }

    private static async Task<Results<Ok<AcceptEstimateResponse>, ValidationProblem, ProblemHttpResult>> Accept(
        AcceptEstimateRequest request, OrganizationScope scope, IShopRepairOrders orders, IRepairOrderJobs jobs, CancellationToken ct)
    {
        var check = new Validation();
        check.Require(request.RepairOrderId is not null, "repairOrderId", "Name the repair order.");
        check.Require(request.Jobs is { Count: >= 1 and <= 10 }, "jobs", "Keep 1 to 10 jobs.");
        var accepted = request.Jobs ?? [];
        for (var i = 0; i < accepted.Count && check.IsValid; i++)
        {
            Validate(accepted[i], $"jobs[{i}]", check);
        }
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var ro = request.RepairOrderId!.Value;
        if (await orders.FindAsync(scope.OrganizationId, ro, ct) is null)
        {
            return Problems.NotFound("No such repair order.");
        }
        var ids = new List<Guid>();
        foreach (var job in accepted)
        {
            var added = await jobs.AddJobAsync(scope.OrganizationId, ro, new NewShopJob(job.Title!.Trim(), Clean(job.Concern), Clean(job.Cause),
                job.Labor!.Select(l => new NewShopLaborLine(l.Description.Trim(), l.Hours, l.LaborCategory)).ToList(),
                (job.Parts ?? []).Select(p => new NewShopPartLine(p.Description.Trim(), Clean(p.PartNumber), p.Quantity, p.UnitCost)).ToList(),
                $"estimate suggestion ({job.Source!.Trim()}{(job.Edited ? ", edited" : "")})"), ct);
            switch (added)
            {
                case { JobId: { } id }:
                    ids.Add(id);
                    break;
                case { NotFound: true }:
                    return Problems.NotFound("No such repair order.");
                case { Errors: { } errors }:
                    return Problems.Invalid(errors.ToDictionary(e => $"jobs[{ids.Count}].{e.Key}", e => e.Value));
                default:
                    return Problems.Conflict(ids.Count == 0
                        ? $"The repair order did not take the jobs: {added.Conflict}"
                        : $"{ids.Count} job(s) were added; the next was refused: {added.Conflict}");
            }
        }
        return TypedResults.Ok(new AcceptEstimateResponse(ro, ids));
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static void Validate(AcceptedJob? job, string at, Validation check)
    {
        if (job is null)
        {
            check.Require(false, at, "A job is missing.");
            return;
        }
        check.Require(job.Title is { Length: > 0 } t && t.Trim().Length is >= 3 and <= 120, $"{at}.title", "The title is 3 to 120 characters.")
            .Require(job.Concern is null || job.Concern.Length <= MaxConcernLength, $"{at}.concern", $"The concern is at most {MaxConcernLength} characters.")
            .Require(job.Cause is null || job.Cause.Length <= 500, $"{at}.cause", "The cause is at most 500 characters.")
            .Require(job.Source is { } s && SourcePattern().IsMatch(s.Trim()), $"{at}.source", "The source is \"rules\", \"scan\" and a code, or \"ai:\" and a model.")
            .Require(job.Labor is { Count: >= 1 and <= EstimateSuggester.MaxLines }, $"{at}.labor", $"Keep 1 to {EstimateSuggester.MaxLines} labor operations.")
            .Require(job.Parts is null or { Count: <= EstimateSuggester.MaxLines }, $"{at}.parts", $"At most {EstimateSuggester.MaxLines} parts.");
        foreach (var l in job.Labor ?? [])
        {
            check.Require(l is not null && l.Description is { Length: > 0 and <= 200 } && !string.IsNullOrWhiteSpace(l.Description)
                && l.Hours is >= 0.01m and <= 100m && l.LaborCategory is null or { Length: <= 40 }, $"{at}.labor",
                "Each labor operation has a description (at most 200 characters) and 0.01 to 100 hours.");
        }
        foreach (var p in job.Parts ?? [])
        {
            check.Require(p is not null && p.Description is { Length: > 0 and <= 200 } && !string.IsNullOrWhiteSpace(p.Description)
                && p.PartNumber is null or { Length: <= 60 } && p.Quantity is > 0m and <= 10_000m && p.UnitCost is >= 0 and <= 100_000_000, $"{at}.parts",
                "Each part has a description, a quantity above 0 and a unit cost in minor units (0 or more).");
        }
    }

    [GeneratedRegex(@"^(rules|scan [PBCU][0-9A-F]{4}|ai: [^\r\n<>]{1,80})$")]
    private static partial Regex SourcePattern();
}
