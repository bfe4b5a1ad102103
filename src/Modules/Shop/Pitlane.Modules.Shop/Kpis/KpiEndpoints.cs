using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Kpis;

/// <summary>GET /api/v1/shop/kpis?from=2026-12-01&amp;to=2026-12-07: the managers' numbers over the shop's local days.</summary>
public static class KpiEndpoints
{
    public static IEndpointRouteBuilder MapKpiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapTenantApi("/api/v1/shop/kpis", "Shop").MapGet("/", Get).RequirePermission(ShopPermissions.SeeKpis);
        return routes;
    }

    private static async Task<IResult> Get(OrganizationScope scope, ShopKpis kpis, CancellationToken ct, string? from = null, string? to = null, string? paidHoursPerDay = null)
    {
        var range = await ParseAsync(kpis, scope.OrganizationId, from, to, paidHoursPerDay, ct);
        return range.Errors is { } errors
            ? Problems.Invalid(errors)
            : TypedResults.Ok(await kpis.ReportAsync(scope.OrganizationId, range.From, range.To, range.PaidHours, ct));
    }

    /// <summary>The range asked for (default: the last 30 local days up to today), or what is wrong with it.</summary>
    public static async Task<(DateOnly From, DateOnly To, double PaidHours, Dictionary<string, string[]>? Errors)> ParseAsync(
        ShopKpis kpis, Guid organizationId, string? from, string? to, string? paidHoursPerDay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        var today = await kpis.TodayAsync(organizationId, ct);
        DateOnly? Parse(string? value, DateOnly fallback) => string.IsNullOrWhiteSpace(value) ? fallback
            : DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var end = Parse(to, today);
        var start = Parse(from, (end ?? today).AddDays(-29));
        double? paid = string.IsNullOrWhiteSpace(paidHoursPerDay) ? ShopKpis.DefaultPaidHoursPerDay
            : double.TryParse(paidHoursPerDay, NumberStyles.Float, CultureInfo.InvariantCulture, out var h) && h is >= 0 and <= 24 ? h : null;
        var check = new Validation()
            .Require(start is not null, "from", "from is a date, yyyy-MM-dd.")
            .Require(end is not null, "to", "to is a date, yyyy-MM-dd.")
            .Require(start is null || end is null || (end >= start && end.Value.DayNumber - start.Value.DayNumber < ShopKpis.MaxDays), "to",
                $"to is on or after from, at most {ShopKpis.MaxDays} days later.")
            .Require(paid is not null, "paidHoursPerDay", "paidHoursPerDay is 0 to 24.");
        return check.IsValid ? (start!.Value, end!.Value, paid!.Value, null) : (default, default, 0, check.Errors);
    }
}
