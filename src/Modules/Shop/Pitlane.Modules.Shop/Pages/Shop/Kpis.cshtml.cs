using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Kpis;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop;

/// <summary>The managers' KPIs: car count, ARO, gross profit, effective labor rate, hours, technicians, with a daily chart.</summary>
public sealed class ShopKpisModel(PageOrganization organizations, ShopKpis kpis) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public KpiReport? Report { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.SeeKpis.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return;
        }
        var range = await KpiEndpoints.ParseAsync(kpis, Organization.Id, From, To, null, ct);
        if (range.Errors is { } errors)
        {
            Error = string.Join(" ", errors.Values.SelectMany(v => v));
            Response.StatusCode = 400;
            return;
        }
        Report = await kpis.ReportAsync(Organization.Id, range.From, range.To, range.PaidHours, ct);
        From = Report.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = Report.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public string Money(long minor) => new Pitlane.Reports.Money(minor, (Report?.Currency ?? "usd").ToUpperInvariant()).ToString();

    public static string Percent(decimal? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    public static string Percent(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    public static string Hours(double value) => value.ToString("0.##", CultureInfo.InvariantCulture) + " h";

    /// <summary>A bar's height in the 0–100 chart area.</summary>
    public static double Bar(long value, long max) => max <= 0 ? 0 : Math.Round(100.0 * value / max, 1);

    public static string Invariant(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
