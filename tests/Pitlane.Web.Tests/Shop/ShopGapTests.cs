using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Obd.Simulator;
using HubClient = Pitlane.Web.Tests.Telemetry.TelemetryTests.HubClient;

namespace Pitlane.Web.Tests.Shop;

/// <summary>Concurrent "create repair order" clicks on one scan, clock-in moving the job's card live, a loan across a DST change.</summary>
public abstract partial class ShopTests
{
    /// <summary>A second valid VIN (check digit 0) for a car of its own, so this test does not share the intake test's car.</summary>
    private const string ConcurrentScanVin = "JTDKB20U0H7700007";

    [Fact]
    public async Task Given_ten_concurrent_clicks_on_one_scan_Then_exactly_one_adds_the_jobs_and_all_name_the_same_order()
    {
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 11, Vin = ConcurrentScanVin });
        await sim.StartAsync(Ct);
        using var advisor = await AsAsync("advisor");
        var (vehicle, scan) = await ScannedVehicleAsync(advisor, sim, ConcurrentScanVin);
        var customer = Id(await Post(advisor, "/api/v1/shop/customers", new { name = $"Kim Tran {Guid.NewGuid():N}", phone = "+1 555 010 7171" }, HttpStatusCode.Created));
        await Post(advisor, $"/api/v1/shop/customers/{customer}/vehicles", new { vehicleId = vehicle }, HttpStatusCode.Created);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => advisor.PostAsJsonAsync("/api/v1/shop/orders/from-scan", new { scanId = scan }, Ct)));
        var bodies = new List<JsonElement>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            bodies.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
        }
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var created = bodies.Single(b => b.GetProperty("created").GetBoolean() || b.GetProperty("jobIds").GetArrayLength() > 0);
        var orderId = created.GetProperty("repairOrderId").GetGuid();
        Assert.All(bodies, b => Assert.Equal(orderId, b.GetProperty("repairOrderId").GetGuid()));
        var order = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{orderId}", Ct);
        Assert.Equal(created.GetProperty("jobIds").GetArrayLength(), order.GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Given_approved_job_When_technician_clocks_on_Then_job_goes_in_progress_and_the_board_hears_it_live()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-003");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        var ro = $"/api/v1/shop/orders/{Id(order)}";
        var job = Id(await Post(advisor, $"{ro}/jobs", new { title = "Wheel alignment", labor = new[] { new { description = "Align", hours = 1.0m } } }, HttpStatusCode.Created));
        await Post(advisor, $"{ro}/authorise", new { jobIds = new[] { job } });

        var shop = await ShopAsync();
        await using var board = await HubClient.ConnectAsync(App, (await App.TokensAsync("manager@demo.pitlane.test", "Pitlane-demo-1")).AccessToken);
        Assert.True(await board.InvokeAsync("JoinOrganization", shop));
        using var tech = await AsAsync("tech");
        await Post(tech, "/api/v1/shop/clock/in", new { repairOrderId = Id(order), jobId = job }, HttpStatusCode.Created);
        try
        {
            var after = await tech.GetFromJsonAsync<JsonElement>(ro, Ct);
            Assert.Equal("in_progress", after.GetProperty("jobs").EnumerateArray().Single(j => Id(j) == job).GetProperty("status").GetString());
            Assert.Equal("in_progress", after.GetProperty("status").GetString());
            var deadline = DateTime.UtcNow.AddSeconds(10);
            JsonElement? heard = null;
            while (heard is null && DateTime.UtcNow < deadline)
            {
                var message = await board.NextInvocationAsync("shop.order", TimeSpan.FromSeconds(5));
                Assert.NotNull(message);
                var payload = message.Value.GetProperty("arguments")[0];
                if (payload.GetProperty("id").GetGuid() == Id(order)
                    && payload.GetProperty("jobs").EnumerateArray().Any(j => j.GetProperty("id").GetGuid() == job && j.GetProperty("status").GetString() == "InProgress"))
                {
                    heard = payload;
                }
            }
            Assert.NotNull(heard);
            var audit = await advisor.GetFromJsonAsync<JsonElement>($"{ro}/audit", Ct);
            Assert.Contains("InProgress", audit.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            await tech.PostAsJsonAsync("/api/v1/shop/clock/out", new { }, Ct);
        }
    }

    [Fact]
    public async Task Given_shop_in_Berlin_When_a_loan_spans_the_spring_DST_change_Then_each_end_gets_its_own_offset()
    {
        using var manager = await AsAsync("manager");
        var settings = await manager.GetFromJsonAsync<JsonElement>("/api/v1/shop/settings", Ct);
        object Put(string zone) => new
        {
            currency = settings.GetProperty("currency").GetString(), laborTaxPercent = settings.GetProperty("laborTaxPercent").GetDecimal(),
            partsTaxPercent = settings.GetProperty("partsTaxPercent").GetDecimal(), feesTaxPercent = settings.GetProperty("feesTaxPercent").GetDecimal(),
            laborRates = settings.GetProperty("laborRates"), markupMatrix = settings.GetProperty("markupMatrix"), timeZone = zone,
        };
        await Json(await manager.PutAsJsonAsync("/api/v1/shop/settings", Put("Europe/Berlin"), Ct), HttpStatusCode.OK);
        try
        {
            var loaner = await Post(manager, "/api/v1/shop/loaners", new { name = $"DST loaner {Guid.NewGuid():N}", plate = "DST-1", odometerKm = 1_000, fuelEighths = 8 },
                HttpStatusCode.Created);
            using var porter = await AsAsync("porter");
            using var advisor = await AsAsync("advisor");
            var customer = Id(await Post(advisor, "/api/v1/shop/customers", new { name = $"Jonas Berg {Guid.NewGuid():N}", phone = "+49 30 1234567" }, HttpStatusCode.Created));
            var path = $"/api/v1/shop/loaners/{Id(loaner)}/agreements";
            // 28 March 2027: clocks go from 02:00 CET (+01:00) to 03:00 CEST (+02:00).
            var lent = await Post(porter, path, new { customerId = customer, startsAtLocal = "2027-03-27T10:00", endsAtLocal = "2027-03-29T10:00" }, HttpStatusCode.Created);
            Assert.Equal(new DateTime(2027, 3, 27, 9, 0, 0, DateTimeKind.Utc), lent.GetProperty("startsAt").GetDateTime().ToUniversalTime());
            Assert.Equal(new DateTime(2027, 3, 29, 8, 0, 0, DateTimeKind.Utc), lent.GetProperty("endsAt").GetDateTime().ToUniversalTime());
            // 02:30 that night does not exist in Berlin; a time that is not a time is refused too.
            await Problem(await porter.PostAsJsonAsync(path, new { customerId = customer, startsAtLocal = "2027-03-28T02:30", endsAtLocal = "2027-03-30T10:00" }, Ct),
                HttpStatusCode.BadRequest);
            await Problem(await porter.PostAsJsonAsync(path, new { customerId = customer, startsAtLocal = "tomorrow", endsAtLocal = "2027-04-30T10:00" }, Ct),
                HttpStatusCode.BadRequest);
        }
        finally
        {
            await manager.PutAsJsonAsync("/api/v1/shop/settings", Put(settings.GetProperty("timeZone").GetString()!), Ct);
        }
    }
}
