using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pitlane.Web.Tests.Shop;

/// <summary>The managers' KPIs against hand-computed numbers, over the shop's local days.</summary>
public abstract partial class ShopTests
{
    /// <summary>
    /// Rates: standard 100.00/h costing 40.00/h; no tax. RO A: 2.0 h (200.00) + 2 parts at 50.00 costing 30.00 (100.00, cost 60.00).
    /// RO B: 1.5 h (150.00) + a 10.00 fee; a declined 1.0 h job is out. Sales 460.00, labor 350.00, labor cost 3.5 h × 40.00 = 140.00,
    /// labor GP 210.00, parts GP 40.00, GP 210 + 40 + 10 = 260.00 (56.52 %), ARO 230.00, ELR 100.00/h, 1.75 h per RO.
    /// </summary>
    [Fact]
    public async Task Given_two_invoiced_orders_Then_the_kpis_move_by_the_hand_computed_numbers_in_the_shops_time_zone()
    {
        using var manager = await AsAsync("manager");
        await Json(await manager.PutAsJsonAsync("/api/v1/shop/settings", new
        {
            currency = "usd", laborTaxPercent = 0m, partsTaxPercent = 0m, feesTaxPercent = 0m,
            laborRates = new object[] { new { category = "standard", ratePerHour = 100_00, costPerHour = 40_00 }, new { category = "diagnostic", ratePerHour = 180_00 } },
            markupMatrix = new object[] { new { upToCost = (long?)null, multiplierBps = 15_000 } },
            timeZone = "America/Chicago",
        }, Ct), HttpStatusCode.OK);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Chicago")))
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var kpis = $"/api/v1/shop/kpis?from={today}&to={today}";
        var before = await manager.GetFromJsonAsync<JsonElement>(kpis, Ct);
        Assert.Equal("America/Chicago", before.GetProperty("timeZone").GetString());

        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-003");
        var a = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        var roA = $"/api/v1/shop/orders/{Id(a)}";
        var jobA = await Post(advisor, $"{roA}/jobs", new
        {
            title = "Control arms", labor = new[] { new { description = "Replace both", hours = 2.0m } },
            parts = new[] { new { description = "Control arm", partNumber = "CA-1", quantity = 2m, unitCost = 30_00L, unitPrice = (long?)50_00, coreCharge = 0L } },
        }, HttpStatusCode.Created);
        await Post(advisor, $"{roA}/authorise", null);
        var clocked = await Post(tech, "/api/v1/shop/clock/in", new { repairOrderId = Id(a), jobId = Id(jobA) }, HttpStatusCode.Created);
        var techId = clocked.GetProperty("technicianId").GetGuid();
        await Post(tech, "/api/v1/shop/clock/out", null);
        // Clocking on started the work: the RO is in progress without a separate start.
        Assert.Equal("in_progress", (await advisor.GetFromJsonAsync<JsonElement>(roA, Ct)).GetProperty("status").GetString());
        await Post(tech, $"{roA}/complete", null);
        await Post(advisor, $"{roA}/invoice", null);

        var b = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        var roB = $"/api/v1/shop/orders/{Id(b)}";
        var jobB = await Post(advisor, $"{roB}/jobs", new { title = "Alignment", labor = new[] { new { description = "Four-wheel alignment", hours = 1.5m } } }, HttpStatusCode.Created);
        await Post(advisor, $"{roB}/jobs/{Id(jobB)}/lines", new { kind = "fee", description = "Shop supplies", amount = 10_00 }, HttpStatusCode.Created);
        var declined = await Post(advisor, $"{roB}/jobs", new { title = "Wheel bearing", labor = new[] { new { description = "Replace", hours = 1.0m } } }, HttpStatusCode.Created);
        await Post(advisor, $"{roB}/decline", new { jobIds = new[] { Id(declined) } });
        await Post(advisor, $"{roB}/authorise", new { jobIds = new[] { Id(jobB) } });
        await Post(tech, $"{roB}/start", null);
        await Post(tech, $"{roB}/complete", null);
        await Post(advisor, $"{roB}/invoice", null);

        var after = await manager.GetFromJsonAsync<JsonElement>(kpis, Ct);
        long Delta(string name) => after.GetProperty(name).GetInt64() - before.GetProperty(name).GetInt64();
        Assert.Equal(2, Delta("carCount"));
        Assert.Equal(460_00, Delta("sales"));
        Assert.Equal(350_00, Delta("laborSales"));
        Assert.Equal(100_00, Delta("partsSales"));
        Assert.Equal(10_00, Delta("feesSales"));
        Assert.Equal(140_00, Delta("laborCost"));
        Assert.Equal(60_00, Delta("partsCost"));
        Assert.Equal(210_00, Delta("laborGrossProfit"));
        Assert.Equal(40_00, Delta("partsGrossProfit"));
        Assert.Equal(260_00, Delta("grossProfit"));
        Assert.Equal(3.5, after.GetProperty("hoursSold").GetDouble() - before.GetProperty("hoursSold").GetDouble(), 2);
        var cars = after.GetProperty("carCount").GetInt64();
        var sales = after.GetProperty("sales").GetInt64();
        Assert.Equal((long)Math.Round((decimal)sales / cars, MidpointRounding.AwayFromZero), after.GetProperty("aro").GetInt64());
        Assert.Equal(Math.Round(after.GetProperty("grossProfit").GetInt64() * 100m / sales, 2, MidpointRounding.AwayFromZero), after.GetProperty("grossProfitPercent").GetDecimal());
        if (before.GetProperty("carCount").GetInt32() == 0)
        {
            // Nothing else invoiced today (a fresh database): the ratios are exactly the hand-computed ones.
            Assert.Equal(230_00, after.GetProperty("aro").GetInt64());
            Assert.Equal(56.52m, after.GetProperty("grossProfitPercent").GetDecimal());
            Assert.Equal(100_00, after.GetProperty("effectiveLaborRate").GetInt64());
            Assert.Equal(1.75, after.GetProperty("hoursPerRo").GetDouble());
        }
        double Flagged(JsonElement report) => report.GetProperty("technicians").EnumerateArray()
            .Where(t => t.GetProperty("technicianId").GetGuid() == techId).Sum(t => t.GetProperty("flaggedHours").GetDouble());
        Assert.Equal(2.0, Flagged(after) - Flagged(before), 2);
        var day = Assert.Single(after.GetProperty("days").EnumerateArray());
        Assert.Equal(today, day.GetProperty("day").GetString());

        // A later change of the cost rate leaves the past as it was: each labor line kept its cost per hour.
        await Json(await manager.PutAsJsonAsync("/api/v1/shop/settings", new
        {
            currency = "usd", laborTaxPercent = 0m, partsTaxPercent = 0m, feesTaxPercent = 0m,
            laborRates = new object[] { new { category = "standard", ratePerHour = 100_00, costPerHour = 60_00 }, new { category = "diagnostic", ratePerHour = 180_00 } },
            markupMatrix = new object[] { new { upToCost = (long?)null, multiplierBps = 15_000 } },
            timeZone = "America/Chicago",
        }, Ct), HttpStatusCode.OK);
        var repriced = await manager.GetFromJsonAsync<JsonElement>(kpis, Ct);
        Assert.Equal(after.GetProperty("laborCost").GetInt64(), repriced.GetProperty("laborCost").GetInt64());
        Assert.Equal(after.GetProperty("grossProfit").GetInt64(), repriced.GetProperty("grossProfit").GetInt64());

        // Another local day sees none of it; bad ranges are 400; advisors and technicians do not see KPIs.
        var tomorrow = DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(0, (await manager.GetFromJsonAsync<JsonElement>($"/api/v1/shop/kpis?from={tomorrow}&to={tomorrow}", Ct)).GetProperty("carCount").GetInt32());
        await Problem(await manager.GetAsync("/api/v1/shop/kpis?from=2026-13-01", Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.GetAsync($"/api/v1/shop/kpis?from={tomorrow}&to={today}", Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.GetAsync("/api/v1/shop/kpis?from=2020-01-01&to=2026-01-01", Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.GetAsync(kpis, Ct), HttpStatusCode.Forbidden);
        await Problem(await tech.GetAsync(kpis, Ct), HttpStatusCode.Forbidden);
        var (stranger, _) = await App.NewUserAsync();
        using (stranger)
        {
            Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>(kpis, Ct)).GetProperty("carCount").GetInt32());
        }

        var page = await manager.GetStringAsync($"/Shop/Kpis?from={today}&to={today}", Ct);
        Assert.Contains("id=\"kpi-chart\"", page, StringComparison.Ordinal);
        Assert.Contains($"id=\"kpi-car-count\">{cars}<", page, StringComparison.Ordinal);
        Assert.Contains("id=\"kpis-denied\"", await advisor.GetStringAsync("/Shop/Kpis", Ct), StringComparison.Ordinal);
    }
}
