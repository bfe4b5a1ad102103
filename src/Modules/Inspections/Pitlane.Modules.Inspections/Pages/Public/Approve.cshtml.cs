using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Pitlane.Modules.Inspections.Approval;
using Pitlane.Reports;

namespace Pitlane.Modules.Inspections.Pages.Public;

/// <summary>
/// GET/POST /i/{token}: the customer's inspection and estimate on their phone, no login. They answer yes or no per job,
/// type their name and send; every invalid link (malformed, forged, expired, revoked, superseded) is the same 404 page.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(InspectionEndpoints.PublicRateLimitPolicy)]
public sealed class ApproveModel(ApprovalService approvals, TimeProvider time) : PageModel
{
    public PublicInspection? View { get; private set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public int? Saved { get; private set; }
    public string SignedName { get; private set; } = "";
    public IReadOnlyDictionary<Guid, bool> Chosen { get; private set; } = new Dictionary<Guid, bool>();

    public async Task<IActionResult> OnGetAsync(string token, int? saved, CancellationToken ct)
    {
        NoStore();
        View = await approvals.ViewAsync(token, ct);
        if (View is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Saved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        NoStore();
        var form = Request.Form;
        var decisions = new Dictionary<Guid, bool>();
        var malformed = false;
        foreach (var (key, value) in form)
        {
            if (!key.StartsWith("job-", StringComparison.Ordinal))
            {
                continue;
            }
            if (!Guid.TryParse(key.AsSpan(4), out var jobId) || value.ToString() is not ("yes" or "no"))
            {
                malformed = true;
                continue;
            }
            decisions[jobId] = value.ToString() == "yes";
        }
        var name = form["signedName"].ToString();
        var result = malformed ? new PublicDecisionResult(0, ["Choose yes or no for each item."])
            : await approvals.DecideAsync(token, decisions, name, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (result is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (result.Applied > 0 && result.Problems.Count == 0)
        {
            return Redirect($"{ApprovalLinks.PathPrefix}{Uri.EscapeDataString(token)}?saved={result.Applied}");
        }
        View = await approvals.ViewAsync(token, ct);
        if (View is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Problems = result.Problems;
        SignedName = name.Length > ApprovalService.MaxSignedNameLength ? name[..ApprovalService.MaxSignedNameLength] : name;
        Chosen = decisions;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public string Price(long minor) => new Money(minor, View!.Currency.ToUpperInvariant()).Format(ReportLabels.English);

    public long ApprovedTotal => View!.Jobs.Where(j => j.Status is "authorised" or "in_progress" or "done").Sum(j => j.Total);

    public string ExpiresIn
    {
        get
        {
            var left = View!.ExpiresAt - time.GetUtcNow().UtcDateTime;
            return left.TotalDays >= 2 ? $"{(int)left.TotalDays} days" : left.TotalHours >= 2 ? $"{(int)left.TotalHours} hours" : "less than 2 hours";
        }
    }

    public static string StatusText(string status) => status switch
    {
        "pending" => "Waiting for your answer",
        "authorised" => "You said yes",
        "declined" => "You said no",
        "in_progress" => "Being done now",
        "done" => "Done",
        _ => status,
    };

    public static (string Css, string Text) RatingBadge(Rating rating) => rating switch
    {
        Rating.Red => ("text-bg-danger", "Needs attention now"),
        Rating.Yellow => ("text-bg-warning", "Needs attention soon"),
        _ => ("text-bg-success", "Looks good"),
    };

    private void NoStore()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
    }
}
