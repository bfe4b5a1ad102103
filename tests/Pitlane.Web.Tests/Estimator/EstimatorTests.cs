using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Estimator;

/// <summary>The Estimator over HTTP: the 12-step quote on the demo shop's cars, overrides, orders, settings, and who may do what.</summary>
public abstract class EstimatorTests(PitlaneApp app)
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    protected async Task<HttpClient> DemoAsync(string who)
    {
        RequireServer();
        return await ShopClientAsync(app, $"{who}@demo.pitlane.test");
    }

    /// <summary>A demo login working in the demo shop (X-Organization-Id), not in its personal organisation.</summary>
    internal static async Task<HttpClient> ShopClientAsync(PitlaneApp app, string email)
    {
        var client = await app.SignedInClientAsync(email);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        client.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        return client;
    }

    internal static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        await Json(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task<Guid> VehicleAsync(HttpClient client, string vin = "1HGCM82633A004352")
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?pageSize=50", Ct);
        return list.GetProperty("items").EnumerateArray().First(v => v.GetProperty("vin").GetString() == vin).GetProperty("id").GetGuid();
    }

    internal static async Task<JsonElement> QuoteAsync(HttpClient client, object body) =>
        await Json(await client.PostAsJsonAsync("/api/v1/estimator/quotes", body, Ct), HttpStatusCode.Created);

    [Fact]
    public async Task Given_repair_order_Then_step_11_adds_each_job_with_its_labor_and_chosen_parts_as_pending()
    {
        var advisor = await DemoAsync("advisor");
        var vehicle = await VehicleAsync(advisor);
        var customer = await Json(await advisor.PostAsJsonAsync("/api/v1/shop/customers", new { name = $"Quote Customer {Guid.NewGuid():N}", phone = "+1 555 010 2030" }, Ct), HttpStatusCode.Created);
        var customerId = customer.GetProperty("id").GetGuid();
        await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/customers/{customerId}/vehicles", new { vehicleId = vehicle }, Ct), HttpStatusCode.Created);
        var order = await Json(await advisor.PostAsJsonAsync("/api/v1/shop/orders", new { customerId, vehicleId = vehicle }, Ct), HttpStatusCode.Created);
        var orderId = order.GetProperty("id").GetGuid();

        var quote = await QuoteAsync(advisor, new { vehicleId = vehicle, jobs = new[] { "brakes-front", "battery" }, repairOrderId = orderId });
        var step = quote.GetProperty("document").GetProperty("steps")[10];
        Assert.NotEqual("not done", step.GetProperty("outcome").GetString());
        Assert.Contains("2 of 2 jobs added", step.GetProperty("detail").GetString());

        var written = await Json(await advisor.GetAsync($"/api/v1/shop/orders/{orderId}", Ct), HttpStatusCode.OK);
        var jobs = written.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(2, jobs.Count);
        var chosen = quote.GetProperty("document").GetProperty("lines").EnumerateArray().Count(l => l.GetProperty("chosen").ValueKind == JsonValueKind.Number);
        Assert.Equal(chosen, jobs.Sum(j => j.GetProperty("lines").EnumerateArray().Count(l => l.GetProperty("kind").GetString() == "part")));
        Assert.All(jobs, j => Assert.Contains(j.GetProperty("lines").EnumerateArray(), l => l.GetProperty("kind").GetString() == "labor"));

        // Another organisation's repair order is not written to.
        var stranger = await app.NewUserAsync();
        var strangerVehicle = await Json(await stranger.Client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" }, Ct), HttpStatusCode.Created);
        var foreign = await QuoteAsync(stranger.Client, new { vehicleId = strangerVehicle.GetProperty("id").GetGuid(), jobs = new[] { "battery" }, repairOrderId = orderId });
        Assert.Contains("not found", foreign.GetProperty("document").GetProperty("steps")[10].GetProperty("detail").GetString());
        Assert.Equal(2, (await Json(await advisor.GetAsync($"/api/v1/shop/orders/{orderId}", Ct), HttpStatusCode.OK)).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Given_brake_and_oil_jobs_Then_quote_runs_12_named_steps_and_optimiser_beats_or_ties_greedy()
    {
        var advisor = await DemoAsync("advisor");
        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "brakes-front", "oil-service", "headlamp" } });
        var doc = quote.GetProperty("document");
        var steps = doc.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Decode vehicle", "Expand jobs", "Fitment filter", "Quote suppliers", "Normalise", "Availability and arrival", "Shop rules",
            "Price", "Optimise", "Explain", "Write to the RO", "Record the quote"], steps);
        var ro = doc.GetProperty("steps")[10];
        Assert.Equal("not done", ro.GetProperty("outcome").GetString());
        Assert.Contains("no repair order given", ro.GetProperty("detail").GetString());

        var totals = doc.GetProperty("totals");
        Assert.Equal("Optimal", totals.GetProperty("optimiserStatus").GetString());
        Assert.True(totals.GetProperty("partsGrossProfit").GetInt64() >= totals.GetProperty("greedyGrossProfit").GetInt64());
        Assert.True(totals.GetProperty("labor").GetInt64() > 0);
        var lines = doc.GetProperty("lines").EnumerateArray().ToList();
        Assert.Contains(lines, l => l.GetProperty("partType").GetString() == "Headlamp assembly" && l.GetProperty("offers").GetArrayLength() > 0);
        var required = lines.Where(l => !l.GetProperty("optional").GetBoolean()).ToList();
        Assert.All(required, l => Assert.Equal(JsonValueKind.Number, l.GetProperty("chosen").ValueKind));
        Assert.All(required, l => Assert.False(string.IsNullOrEmpty(l.GetProperty("reason").GetString())));
        Assert.Contains(required, l => l.GetProperty("runnerUpCost").ValueKind == JsonValueKind.Number);
        Assert.All(doc.GetProperty("jobs").EnumerateArray(), j => Assert.Equal("generic default", j.GetProperty("bookTimeSource").GetString()));

        var again = await Json(await advisor.GetAsync($"/api/v1/estimator/quotes/{quote.GetProperty("id").GetGuid()}", Ct), HttpStatusCode.OK);
        Assert.Equal(totals.GetProperty("total").GetInt64(), again.GetProperty("document").GetProperty("totals").GetProperty("total").GetInt64());
        var list = await Json(await advisor.GetAsync("/api/v1/estimator/quotes?pageSize=5", Ct), HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), q => q.GetProperty("id").GetGuid() == quote.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Given_advisor_override_Then_totals_follow_and_bad_choices_change_nothing()
    {
        var advisor = await DemoAsync("advisor");
        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "brakes-front" } });
        var id = quote.GetProperty("id").GetGuid();
        var line = quote.GetProperty("document").GetProperty("lines").EnumerateArray().First(l => l.GetProperty("offers").GetArrayLength() > 1 && !l.GetProperty("optional").GetBoolean());
        var lineId = line.GetProperty("lineId").GetString();
        var chosen = line.GetProperty("chosen").GetInt32();
        var other = line.GetProperty("offers").EnumerateArray().Select((o, i) => (o, i)).First(x => x.i != chosen
            && x.o.GetProperty("stock").GetInt32() >= line.GetProperty("quantity").GetInt32()).o.GetProperty("candidateId").GetString();

        await Problem(await advisor.PostAsJsonAsync($"/api/v1/estimator/quotes/{id}/choices", new { lineId, offerId = "nope" }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/estimator/quotes/{id}/choices", new { lineId, offerId = (string?)null }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/estimator/quotes/{Guid.NewGuid()}/choices", new { lineId, offerId = other }, Ct), HttpStatusCode.NotFound);
        var unchanged = await Json(await advisor.GetAsync($"/api/v1/estimator/quotes/{id}", Ct), HttpStatusCode.OK);
        Assert.Equal(quote.GetProperty("document").GetProperty("totals").GetProperty("total").GetInt64(), unchanged.GetProperty("document").GetProperty("totals").GetProperty("total").GetInt64());

        var changed = await Json(await advisor.PostAsJsonAsync($"/api/v1/estimator/quotes/{id}/choices", new { lineId, offerId = other }, Ct), HttpStatusCode.OK);
        var changedLine = changed.GetProperty("document").GetProperty("lines").EnumerateArray().First(l => l.GetProperty("lineId").GetString() == lineId);
        Assert.True(changedLine.GetProperty("overridden").GetBoolean());
        Assert.Equal("chosen by the advisor", changedLine.GetProperty("reason").GetString());
        var t = changed.GetProperty("document").GetProperty("totals");
        Assert.True(t.GetProperty("partsGrossProfit").GetInt64() <= t.GetProperty("optimiserGrossProfit").GetInt64());
    }

    [Fact]
    public async Task Given_quote_When_ordered_Then_one_order_per_supplier_with_status_and_no_second_order()
    {
        var advisor = await DemoAsync("advisor");
        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "battery", "wipers" } });
        var id = quote.GetProperty("id").GetGuid();
        var orders = await Json(await advisor.PostAsync($"/api/v1/estimator/quotes/{id}/orders", null, Ct), HttpStatusCode.Created);
        var suppliers = quote.GetProperty("document").GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("chosen").ValueKind == JsonValueKind.Number)
            .Select(l => l.GetProperty("offers")[l.GetProperty("chosen").GetInt32()].GetProperty("supplierId").GetString()).Distinct().Count();
        Assert.Equal(suppliers, orders.GetArrayLength());
        Assert.All(orders.EnumerateArray(), o => Assert.Equal("placed", o.GetProperty("status").GetString()));
        await Problem(await advisor.PostAsync($"/api/v1/estimator/quotes/{id}/orders", null, Ct), HttpStatusCode.Conflict);
        var status = await Json(await advisor.GetAsync($"/api/v1/estimator/quotes/{id}/orders", Ct), HttpStatusCode.OK);
        Assert.Equal(orders.GetArrayLength(), status.GetArrayLength());
        var after = await Json(await advisor.GetAsync($"/api/v1/estimator/quotes/{id}", Ct), HttpStatusCode.OK);
        Assert.Equal("ordered", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Given_shop_book_time_and_settings_Then_quote_uses_them_and_labels_them()
    {
        var manager = await DemoAsync("manager");
        var advisor = await DemoAsync("advisor");
        await Problem(await advisor.PutAsJsonAsync("/api/v1/estimator/book-times", new { operationCode = "battery", hours = 0.7m }, Ct), HttpStatusCode.Forbidden);
        await Problem(await manager.PutAsJsonAsync("/api/v1/estimator/book-times", new { operationCode = "no-such-job", hours = 0.7m }, Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PutAsJsonAsync("/api/v1/estimator/book-times", new { operationCode = "battery", hours = -1 }, Ct), HttpStatusCode.BadRequest);
        await Json(await manager.PutAsJsonAsync("/api/v1/estimator/book-times", new { operationCode = "battery", hours = 0.7m }, Ct), HttpStatusCode.OK);

        var settings = await Json(await manager.GetAsync("/api/v1/estimator/settings", Ct), HttpStatusCode.OK);
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetProperty("settings").GetRawText())!;
        body["laborRates"] = JsonSerializer.SerializeToElement(new Dictionary<string, long> { ["electrical"] = 20000 });
        body["allowUsedParts"] = JsonSerializer.SerializeToElement(false);
        await Problem(await manager.PutAsJsonAsync("/api/v1/estimator/settings", new { currency = "USD" }, Ct), HttpStatusCode.BadRequest);
        var bad = new Dictionary<string, JsonElement>(body) { ["markup"] = JsonSerializer.SerializeToElement(new[] { new { upToCost = 100, markupPercent = 20 } }) };
        await Problem(await manager.PutAsJsonAsync("/api/v1/estimator/settings", bad, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PutAsJsonAsync("/api/v1/estimator/settings", body, Ct), HttpStatusCode.Forbidden);
        await Json(await manager.PutAsJsonAsync("/api/v1/estimator/settings", body, Ct), HttpStatusCode.OK);

        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "battery" } });
        var job = quote.GetProperty("document").GetProperty("jobs")[0];
        Assert.Equal("shop book time", job.GetProperty("bookTimeSource").GetString());
        Assert.Equal(0.7m, job.GetProperty("hours").GetDecimal());
        Assert.Equal(14000, job.GetProperty("laborTotal").GetInt64());
        Assert.DoesNotContain(quote.GetProperty("document").GetProperty("lines").EnumerateArray().SelectMany(l => l.GetProperty("offers").EnumerateArray()),
            o => o.GetProperty("tier").GetString() == "Used");

        body["allowUsedParts"] = JsonSerializer.SerializeToElement(true);
        await Json(await manager.PutAsJsonAsync("/api/v1/estimator/settings", body, Ct), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Given_bad_requests_Then_400_problems_and_nothing_recorded()
    {
        var advisor = await DemoAsync("advisor");
        var vehicle = await VehicleAsync(advisor);
        var before = (await Json(await advisor.GetAsync("/api/v1/estimator/quotes", Ct), HttpStatusCode.OK)).GetProperty("total").GetInt32();
        await Problem(await advisor.PostAsJsonAsync("/api/v1/estimator/quotes", new { vehicleId = vehicle, jobs = Array.Empty<string>() }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync("/api/v1/estimator/quotes", new { vehicleId = vehicle, jobs = new[] { "teleport" } }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync("/api/v1/estimator/quotes", new { jobs = new[] { "battery" } }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync("/api/v1/estimator/quotes", new { vehicleId = Guid.NewGuid(), jobs = new[] { "battery" } }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync("/api/v1/estimator/quotes", new { vehicleId = vehicle, jobs = new[] { "battery" }, latestArrivalHours = 0 }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.GetAsync("/api/v1/estimator/quotes?page=0", Ct), HttpStatusCode.BadRequest);
        var after = (await Json(await advisor.GetAsync("/api/v1/estimator/quotes", Ct), HttpStatusCode.OK)).GetProperty("total").GetInt32();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Given_tight_ceiling_Then_quote_recorded_with_warning_not_failure()
    {
        var advisor = await DemoAsync("advisor");
        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "brakes-front" }, customerPriceCeiling = 100 });
        Assert.Equal("Infeasible", quote.GetProperty("document").GetProperty("totals").GetProperty("optimiserStatus").GetString());
        Assert.Contains(quote.GetProperty("document").GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("No combination", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_other_organisation_or_role_Then_404_or_403()
    {
        var advisor = await DemoAsync("advisor");
        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "wipers" } });
        var id = quote.GetProperty("id").GetGuid();
        var (stranger, _) = await app.NewUserAsync();
        await Problem(await stranger.GetAsync($"/api/v1/estimator/quotes/{id}", Ct), HttpStatusCode.NotFound);
        await Problem(await stranger.PostAsync($"/api/v1/estimator/quotes/{id}/orders", null, Ct), HttpStatusCode.NotFound);
        await Problem(await stranger.PostAsJsonAsync("/api/v1/estimator/quotes", new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "wipers" } }, Ct), HttpStatusCode.BadRequest);

        var porter = await DemoAsync("porter");
        await Problem(await porter.GetAsync($"/api/v1/estimator/quotes/{id}", Ct), HttpStatusCode.Forbidden);
        await Problem(await porter.GetAsync("/api/v1/estimator/quotes", Ct), HttpStatusCode.Forbidden);
        var tech = await DemoAsync("tech");
        await Json(await tech.GetAsync($"/api/v1/estimator/quotes/{id}", Ct), HttpStatusCode.OK);
        await Problem(await tech.PostAsJsonAsync("/api/v1/estimator/quotes", new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "wipers" } }, Ct), HttpStatusCode.Forbidden);
        await Problem(await tech.PostAsync($"/api/v1/estimator/quotes/{id}/orders", null, Ct), HttpStatusCode.Forbidden);
        var sales = await DemoAsync("sales");
        await Problem(await sales.PostAsJsonAsync($"/api/v1/estimator/quotes/{id}/choices", new { lineId = "x", offerId = "y" }, Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Given_pages_Then_quote_form_and_shop_parts_render_for_advisor_and_refuse_porter()
    {
        var advisor = await DemoAsync("advisor");
        var quote = await QuoteAsync(advisor, new { vehicleId = await VehicleAsync(advisor), jobs = new[] { "brakes-front" } });
        var index = await advisor.GetStringAsync("/Estimator", Ct);
        Assert.Contains("Find parts", index);
        var page = await advisor.GetStringAsync($"/Estimator/Quote/{quote.GetProperty("id").GetGuid()}", Ct);
        Assert.Contains("Parts profit for the shop", page);
        Assert.Contains("How this quote was built", page);
        Assert.Contains("no repair order given", page);
        var porter = await DemoAsync("porter");
        Assert.Equal(HttpStatusCode.NotFound, (await porter.GetAsync($"/Estimator/Quote/{quote.GetProperty("id").GetGuid()}", Ct)).StatusCode);
        Assert.Contains("may not see quotes", await porter.GetStringAsync("/Estimator", Ct));
    }
}

public sealed class EstimatorTestsOnSqlite(SqliteApp app) : EstimatorTests(app), IClassFixture<SqliteApp>;

public sealed class EstimatorTestsOnPostgres(PostgresApp app) : EstimatorTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
