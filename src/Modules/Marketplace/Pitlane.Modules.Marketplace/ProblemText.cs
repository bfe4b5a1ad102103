using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Pitlane.Modules.Marketplace;

/// <summary>The status and the words of a service's problem result, for pages that show it next to the form.</summary>
public static class ProblemText
{
    public static (int? Status, string? Detail) Of(IResult result) => result switch
    {
        ProblemHttpResult p => (p.StatusCode, p.ProblemDetails.Detail ?? p.ProblemDetails.Title),
        ValidationProblem v => (StatusCodes.Status400BadRequest, string.Join(" ", v.ProblemDetails.Errors.SelectMany(e => e.Value))),
        IStatusCodeHttpResult { StatusCode: >= 400 } s => (s.StatusCode, "The request was refused."),
        _ => (null, null),
    };
}
