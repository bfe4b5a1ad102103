using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Shop;

/// <summary>Customers, repair orders from estimate to closed, invoices, bays, over HTTP on SQLite and PostgreSQL.</summary>
public abstract partial class ShopTests(PitlaneApp app)
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected PitlaneApp App => app;

    protected virtual void RequireServer()
    {
    }

    private Guid? _shop;

    protected async Task<Guid> ShopAsync()
    {
        RequireServer();
        if (_shop is { } known)
        {
            return known;
        }
        using var owner = await app.SignedInClientAsync("owner@demo.pitlane.test");
        _shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return _shop.Value;
    }

    protected async Task<HttpClient> AsAsync(string role) => await app.SignedInClientAsync($"{role}@demo.pitlane.test", organizationId: await ShopAsync());

    protected static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await Json(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    protected static async Task<JsonElement> Post(HttpClient client, string path, object? body, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Json(await client.PostAsJsonAsync(path, body ?? new { }, Ct), expected);

    protected static Guid Id(JsonElement o) => o.GetProperty("id").GetGuid();

    protected static long Total(JsonElement order, string name) => order.GetProperty("totals").GetProperty(name).GetInt64();

    protected async Task<(Guid Customer, Guid Vehicle)> CustomerWithVehicleAsync(HttpClient advisor, string plate)
    {
        var vehicles = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles?q={plate}", Ct);
        var vehicle = Id(vehicles.GetProperty("items")[0]);
        var customer = await Post(advisor, "/api/v1/shop/customers", new { name = $"Dana Whitfield {Guid.NewGuid():N}", phone = "+1 (555) 014-7788", email = "Dana@Example.test" },
            HttpStatusCode.Created);
        await Post(advisor, $"/api/v1/shop/customers/{Id(customer)}/vehicles", new { vehicleId = vehicle }, HttpStatusCode.Created);
        return (Id(customer), vehicle);
    }

    /// <summary>
    /// The hand-computed fixture (docs/shop.md, "Worked example"). Rates: standard labor 125.50/h, diagnostic 160.00/h;
    /// tax 5 % on labor, 8.25 % on parts (cores included) and fees; matrix ≤10.00 ×2.5, ≤50.00 ×1.8, ≤200.00 ×1.5, above ×1.3.
    /// Job 1: 1.7 h × 125.50 = 213.35; pads cost 42.50 → 76.50; 2 rotors cost 61.00 → 91.50 each = 183.00; shop supplies 12.50;
    ///        10 % off labor = 21.335 → 21.34 (half away from zero).
    /// Job 2: 0.35 h × 160.00 = 56.00; battery at a set price 189.99 with core 22.00; disposal fee 5.00.
    /// Job 3 (declined): 0.5 h = 62.75; 4.5 l oil cost 6.33 → 15.825 → 15.83 × 4.5 = 71.235 → 71.24.
    /// Invoice: labor 269.35, parts 449.49, cores 22.00, fees 17.50, discount 21.34 → subtotal 737.00;
    ///          tax: labor 248.01 × 5 % = 12.4005 → 12.40; parts 471.49 × 8.25 % = 38.897925 → 38.90; fees 17.50 × 8.25 % = 1.44375 → 1.44;
    ///          total 737.00 + 52.74 = 789.74.
    /// Estimate (job 3 still pending): labor 332.10, parts 520.73, tax 15.54 + 44.78 + 1.44 → total 932.75.
    /// </summary>
    [Fact]
    public async Task Given_estimate_to_paid_Then_totals_match_the_hand_computed_fixture_to_the_cent_and_every_change_is_audited()
    {
        using var manager = await AsAsync("manager");
        await Json(await manager.PutAsJsonAsync("/api/v1/shop/settings", new
        {
            currency = "usd", laborTaxPercent = 5m, partsTaxPercent = 8.25m, feesTaxPercent = 8.25m,
            laborRates = new[] { new { category = "standard", ratePerHour = 125_50 }, new { category = "diagnostic", ratePerHour = 160_00 } },
            markupMatrix = new object[] { new { upToCost = 10_00, multiplierBps = 25_000 }, new { upToCost = 50_00, multiplierBps = 18_000 },
                new { upToCost = 200_00, multiplierBps = 15_000 }, new { upToCost = (long?)null, multiplierBps = 13_000 } },
        }, Ct), HttpStatusCode.OK);
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-005");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle, odometerKm = 73_400 }, HttpStatusCode.Created);
        var ro = $"/api/v1/shop/orders/{Id(order)}";
        Assert.Equal("estimate", order.GetProperty("status").GetString());

        var brakes = await Post(advisor, $"{ro}/jobs", new
        {
            title = "Front brakes", concern = "Grinding when braking", cause = "Pads at 2 mm, rotors scored",
            labor = new[] { new { description = "Replace pads and rotors", hours = 1.7m } },
            parts = new[] { new { description = "Pad set", partNumber = "BP-1", quantity = 1m, unitCost = 42_50L }, new { description = "Rotor", partNumber = "BR-2", quantity = 2m, unitCost = 61_00L } },
        }, HttpStatusCode.Created);
        await Post(advisor, $"{ro}/jobs/{Id(brakes)}/lines", new { kind = "fee", description = "Shop supplies", amount = 12_50 }, HttpStatusCode.Created);
        await Post(advisor, $"{ro}/jobs/{Id(brakes)}/lines", new { kind = "discount", description = "Loyalty", appliesTo = "labor", percent = 10m }, HttpStatusCode.Created);
        var battery = await Post(advisor, $"{ro}/jobs", new
        {
            title = "Battery", concern = "Slow crank",
            labor = new[] { new { description = "Test and replace battery", hours = 0.35m, laborCategory = "diagnostic" } },
            parts = new[] { new { description = "AGM battery", partNumber = "B-70", quantity = 1m, unitCost = 119_99L, unitPrice = (long?)189_99, coreCharge = 22_00L } },
        }, HttpStatusCode.Created);
        await Post(advisor, $"{ro}/jobs/{Id(battery)}/lines", new { kind = "fee", description = "Battery disposal", amount = 5_00 }, HttpStatusCode.Created);
        var oil = await Post(advisor, $"{ro}/jobs", new
        {
            title = "Oil change", labor = new[] { new { description = "Oil and filter", hours = 0.5m } },
            parts = new[] { new { description = "5W-30, 1 l", partNumber = (string?)null, quantity = 4.5m, unitCost = 6_33L } },
        }, HttpStatusCode.Created);

        var estimate = await advisor.GetFromJsonAsync<JsonElement>(ro, Ct);
        Assert.Equal(332_10, Total(estimate, "labor"));
        Assert.Equal(520_73, Total(estimate, "parts"));
        Assert.Equal(15_54, Total(estimate, "laborTax"));
        Assert.Equal(44_78, Total(estimate, "partsTax"));
        Assert.Equal(932_75, Total(estimate, "total"));

        await Problem(await advisor.PostAsJsonAsync($"{ro}/start", new { }, Ct), HttpStatusCode.Conflict);
        await Post(advisor, $"{ro}/decline", new { jobIds = new[] { Id(oil) } });
        var authorised = await Post(advisor, $"{ro}/authorise", new { jobIds = new[] { Id(brakes), Id(battery) } });
        Assert.Equal("authorised", authorised.GetProperty("status").GetString());
        Assert.Equal("declined", authorised.GetProperty("jobs")[2].GetProperty("status").GetString());

        using var tech = await AsAsync("tech");
        Assert.Equal("in_progress", (await Post(tech, $"{ro}/start", null)).GetProperty("status").GetString());
        await Json(await tech.PatchAsJsonAsync($"{ro}/jobs/{Id(brakes)}", new { correction = "Replaced pads and rotors, road tested" }, Ct), HttpStatusCode.OK);
        await Post(tech, $"{ro}/jobs/{Id(brakes)}/work", new { state = "done" });
        await Post(tech, $"{ro}/complete", null);

        var invoiced = await Post(advisor, $"{ro}/invoice", null);
        Assert.Equal("invoiced", invoiced.GetProperty("status").GetString());
        Assert.Equal(269_35, Total(invoiced, "labor"));
        Assert.Equal(449_49, Total(invoiced, "parts"));
        Assert.Equal(22_00, Total(invoiced, "cores"));
        Assert.Equal(17_50, Total(invoiced, "fees"));
        Assert.Equal(21_34, Total(invoiced, "discounts"));
        Assert.Equal(737_00, Total(invoiced, "subtotal"));
        Assert.Equal(12_40, Total(invoiced, "laborTax"));
        Assert.Equal(38_90, Total(invoiced, "partsTax"));
        Assert.Equal(1_44, Total(invoiced, "feesTax"));
        Assert.Equal(789_74, invoiced.GetProperty("invoicedTotal").GetInt64());
        Assert.Equal(789_74, invoiced.GetProperty("balanceDue").GetInt64());

        // Locked: no more lines or edits, only a credit note.
        await Problem(await advisor.PostAsJsonAsync($"{ro}/jobs/{Id(brakes)}/lines", new { kind = "fee", description = "Late fee", amount = 100 }, Ct), HttpStatusCode.Conflict);
        await Problem(await tech.PatchAsJsonAsync($"{ro}/jobs/{Id(brakes)}", new { concern = "changed" }, Ct), HttpStatusCode.Conflict);
        var pdf = await advisor.GetAsync($"{ro}/invoice.pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync(Ct))[..5]));

        await Problem(await advisor.PostAsJsonAsync($"{ro}/payments", new { method = "cash", amount = 800_00 }, Ct), HttpStatusCode.Conflict);
        var partly = await Post(advisor, $"{ro}/payments", new { method = "cash", amount = 200_00, reference = "till 2" });
        Assert.Equal(589_74, partly.GetProperty("balanceDue").GetInt64());
        var link = await Post(advisor, $"{ro}/payment-link", null, HttpStatusCode.Created);
        Assert.Equal(589_74, link.GetProperty("amount").GetInt64());
        // The customer pays on the hosted page; the shop's confirm with a test card stands in for it here.
        var intent = link.GetProperty("paymentIntentId").GetGuid();
        await Post(advisor, $"/api/v1/payments/intents/{intent}/confirm", new { paymentMethod = "pm_card_visa" });
        // PaymentIntentStatusChanged reaches the shop through the outbox and marks the RO paid without anyone asking.
        var paid = await advisor.GetFromJsonAsync<JsonElement>(ro, Ct);
        for (var wait = 0; wait < 100 && paid.GetProperty("status").GetString() != "paid"; wait++)
        {
            await Task.Delay(200, Ct);
            paid = await advisor.GetFromJsonAsync<JsonElement>(ro, Ct);
        }
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Equal(0, paid.GetProperty("balanceDue").GetInt64());
        Assert.Equal(789_74, paid.GetProperty("paid").GetInt64());
        Assert.Equal("paid", (await Post(advisor, $"{ro}/payment-link/sync", null)).GetProperty("status").GetString());
        Assert.Equal("closed", (await Post(advisor, $"{ro}/close", null)).GetProperty("status").GetString());

        var audit = (await advisor.GetFromJsonAsync<JsonElement>($"{ro}/audit", Ct)).EnumerateArray().ToList();
        var statuses = audit.Where(a => a.GetProperty("field").GetString() == "status").Select(a => a.GetProperty("after").GetString()).ToList();
        Assert.Equal(["Estimate", "Authorised", "InProgress", "Completed", "Invoiced", "Paid", "Closed"], statuses);
        var correction = Assert.Single(audit, a => a.GetProperty("field").GetString() == "job[1].correction");
        Assert.Equal(JsonValueKind.Null, correction.GetProperty("before").ValueKind);
        Assert.Equal("Replaced pads and rotors, road tested", correction.GetProperty("after").GetString());
        Assert.Contains(audit, a => a.GetProperty("field").GetString() == "job[3].status" && a.GetProperty("after").GetString() == "Declined");
        Assert.Contains(audit, a => a.GetProperty("field").GetString() == "payment" && a.GetProperty("after").GetString()!.Contains("cash 200.00 USD", StringComparison.Ordinal));
        Assert.All(audit, a => Assert.NotEqual(default, a.GetProperty("at").GetDateTime()));
    }

    [Fact]
    public async Task Given_invoiced_order_Then_a_credit_note_is_the_only_change_and_pays_it_off()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-002");
        var ro = $"/api/v1/shop/orders/{Id(await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created))}";
        await Post(advisor, $"{ro}/jobs", new { title = "Wiper blades", parts = new[] { new { description = "Blade", quantity = 2m, unitCost = 8_00L, unitPrice = (long?)20_00 } } }, HttpStatusCode.Created);
        await Post(advisor, $"{ro}/authorise", null);
        await Post(advisor, $"{ro}/start", null);
        await Post(advisor, $"{ro}/complete", null);
        using var manager = await AsAsync("manager");
        await Problem(await manager.PostAsJsonAsync($"{ro}/credit-notes", new { amount = 100, reason = "goodwill" }, Ct), HttpStatusCode.Conflict);
        var invoiced = await Post(advisor, $"{ro}/invoice", null);
        var total = invoiced.GetProperty("invoicedTotal").GetInt64();
        await Problem(await advisor.PostAsJsonAsync($"{ro}/credit-notes", new { amount = 100, reason = "goodwill" }, Ct), HttpStatusCode.Forbidden);
        await Problem(await manager.PostAsJsonAsync($"{ro}/credit-notes", new { amount = total + 1, reason = "too much" }, Ct), HttpStatusCode.Conflict);
        var credited = await Post(manager, $"{ro}/credit-notes", new { amount = total, reason = "Wrong blades fitted, redone free" });
        Assert.Equal("paid", credited.GetProperty("status").GetString());
        Assert.Equal(total, credited.GetProperty("invoicedTotal").GetInt64());
        Assert.Equal(0, credited.GetProperty("balanceDue").GetInt64());
    }

    [Fact]
    public async Task Given_another_organisation_Then_its_orders_and_customers_are_404_and_wrong_roles_are_403()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-001");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        var (stranger, _) = await app.NewUserAsync();
        using (stranger)
        {
            await Problem(await stranger.GetAsync($"/api/v1/shop/orders/{Id(order)}", Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.PostAsJsonAsync($"/api/v1/shop/orders/{Id(order)}/authorise", new { }, Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.GetAsync($"/api/v1/shop/orders/{Id(order)}/invoice.pdf", Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.GetAsync($"/api/v1/shop/customers/{customer}", Ct), HttpStatusCode.NotFound);
            Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/v1/shop/orders", Ct)).GetProperty("total").GetInt32());
            stranger.DefaultRequestHeaders.Add("X-Organization-Id", (await ShopAsync()).ToString());
            await Problem(await stranger.GetAsync($"/api/v1/shop/orders/{Id(order)}", Ct), HttpStatusCode.NotFound);
        }
        using var tech = await AsAsync("tech");
        var forbidden = await Problem(await tech.PostAsJsonAsync("/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, Ct), HttpStatusCode.Forbidden);
        Assert.Contains("write repair orders", forbidden.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problem(await tech.PostAsJsonAsync($"/api/v1/shop/orders/{Id(order)}/invoice", new { }, Ct), HttpStatusCode.Forbidden);
        await Problem(await advisor.PutAsJsonAsync("/api/v1/shop/settings", new { currency = "usd" }, Ct), HttpStatusCode.Forbidden);
        using var porter = await AsAsync("porter");
        await Problem(await porter.PostAsJsonAsync($"/api/v1/shop/orders/{Id(order)}/start", new { }, Ct), HttpStatusCode.Forbidden);
        using var sales = await AsAsync("sales");
        await Problem(await sales.GetAsync($"/api/v1/shop/orders/{Id(order)}", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Given_bad_input_Then_400_problem_and_nothing_changes()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-003");
        var ro = $"/api/v1/shop/orders/{Id(await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created))}";
        var before = await advisor.GetFromJsonAsync<JsonElement>(ro, Ct);
        var bad = await Problem(await advisor.PostAsJsonAsync($"{ro}/jobs", new
        {
            title = "Bad", labor = new[] { new { description = "x", hours = 1.234m, laborCategory = "underwater" } },
            parts = new[] { new { description = "y", quantity = 1m, unitCost = -5L } },
        }, Ct), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("labor[0].hours", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("labor[0].laborCategory", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("parts[0].unitCost", out _));
        await Problem(await advisor.PostAsJsonAsync("/api/v1/shop/orders", new { customerId = Guid.NewGuid(), vehicleId = vehicle }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync("/api/v1/shop/customers", new { name = "", email = "not-an-email" }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/shop/customers/{customer}/consents", new { channel = "fax", given = true }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.GetAsync("/api/v1/shop/orders?status=lost", Ct), HttpStatusCode.BadRequest);
        var after = await advisor.GetFromJsonAsync<JsonElement>(ro, Ct);
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal(0, after.GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Given_customers_Then_search_finds_them_by_partial_name_phone_email_plate_and_vin_in_any_case()
    {
        using var advisor = await AsAsync("advisor");
        var unique = Guid.NewGuid().ToString("N")[..8];
        var created = await Post(advisor, "/api/v1/shop/customers", new { name = $"Quinn Okafor {unique}", phone = "(555) 331-9040", email = $"Quinn.{unique}@Example.test", preferredContact = "email" },
            HttpStatusCode.Created);
        var vehicles = await advisor.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=PIT-004", Ct);
        await Post(advisor, $"/api/v1/shop/customers/{Id(created)}/vehicles", new { vehicleId = Id(vehicles.GetProperty("items")[0]) }, HttpStatusCode.Created);
        var consented = await Post(advisor, $"/api/v1/shop/customers/{Id(created)}/consents", new { channel = "sms", given = true, source = "web booking form" });
        Assert.True(consented.GetProperty("smsConsent").GetBoolean());
        Assert.Equal("web booking form", consented.GetProperty("smsConsentSource").GetString());
        Assert.NotEqual(JsonValueKind.Null, consented.GetProperty("smsConsentAt").ValueKind);
        foreach (var q in new[] { $"OKAFOR {unique.ToUpperInvariant()}", "331-90", $"quinn.{unique}@example", "pit-004", "jtdkb20ux935" })
        {
            var found = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers?q={Uri.EscapeDataString(q)}", Ct);
            Assert.True(found.GetProperty("items").EnumerateArray().Any(c => Id(c) == Id(created)), $"search \"{q}\" did not find the customer");
        }
        var audit = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers/{Id(created)}/audit", Ct);
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("field").GetString() == "smsConsent");
    }

    [Fact]
    public async Task Given_another_module_Then_it_adds_a_priced_pending_job_through_the_contract()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-001");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        using var scope = app.Services.CreateScope();
        var jobs = scope.ServiceProvider.GetRequiredService<IRepairOrderJobs>();
        var added = await jobs.AddJobAsync(await ShopAsync(), Id(order), new NewShopJob("P0301 misfire cylinder 1", "Engine shakes at idle", "Scan: P0301",
            [new NewShopLaborLine("Diagnose misfire", 1m, "diagnostic")], [new NewShopPartLine("Spark plug", "SP-9", 4, 9_00)], "diagnostics scan"), Ct);
        Assert.NotNull(added.JobId);
        Assert.True((await jobs.AddJobAsync(Guid.NewGuid(), Id(order), new NewShopJob("x", null, null, [], []), Ct)).NotFound);
        var ro = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{Id(order)}", Ct);
        var job = ro.GetProperty("jobs")[0];
        Assert.Equal("pending", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("lines").GetArrayLength());
    }

    [Fact]
    public async Task Given_technician_Then_one_running_job_at_a_time_even_concurrently_and_flagged_against_actual_hours()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-004");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        var ro = $"/api/v1/shop/orders/{Id(order)}";
        var a = await Post(advisor, $"{ro}/jobs", new { title = "Hybrid battery check", labor = new[] { new { description = "Test", hours = 1.5m } } }, HttpStatusCode.Created);
        var b = await Post(advisor, $"{ro}/jobs", new { title = "Cabin filter", labor = new[] { new { description = "Replace", hours = 0.3m } } }, HttpStatusCode.Created);
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsJsonAsync("/api/v1/shop/clock/in", new { repairOrderId = Id(order), jobId = Id(a) }, Ct), HttpStatusCode.Conflict);
        await Post(advisor, $"{ro}/authorise", null);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            (await tech.PostAsJsonAsync("/api/v1/shop/clock/in", new { repairOrderId = Id(order), jobId = i % 2 == 0 ? Id(a) : Id(b) }, Ct)).StatusCode, Ct)));
        Assert.Equal(1, results.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, results.Count(s => s == HttpStatusCode.Conflict));
        var running = await tech.GetFromJsonAsync<JsonElement>("/api/v1/shop/clock", Ct);
        await Post(tech, "/api/v1/shop/clock/out", null);
        await Problem(await tech.PostAsJsonAsync("/api/v1/shop/clock/out", new { }, Ct), HttpStatusCode.Conflict);
        await Post(tech, "/api/v1/shop/clock/in", new { repairOrderId = Id(order), jobId = Id(b) }, HttpStatusCode.Created);
        await Post(tech, "/api/v1/shop/clock/out", null);
        var time = (await advisor.GetFromJsonAsync<JsonElement>($"{ro}/time", Ct)).EnumerateArray().ToList();
        Assert.Equal(1.5, time[0].GetProperty("flaggedHours").GetDouble());
        Assert.Equal(0.3, time[1].GetProperty("flaggedHours").GetDouble());
        Assert.All(time, t => Assert.InRange(t.GetProperty("actualHours").GetDouble(), 0, 0.1));
        Assert.Contains(time, t => t.GetProperty("jobId").GetGuid() == running.GetProperty("jobId").GetGuid());
        using var porter = await AsAsync("porter");
        await Problem(await porter.PostAsJsonAsync("/api/v1/shop/clock/in", new { repairOrderId = Id(order), jobId = Id(a) }, Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Given_50_concurrent_conflicting_bookings_Then_exactly_one_wins_and_the_rest_are_409()
    {
        using var manager = await AsAsync("manager");
        var bay = await Post(manager, "/api/v1/shop/bays", new { name = $"Race bay {Guid.NewGuid():N}", hasLift = true, opensAt = "00:00", closesAt = "24:00", timeZone = "UTC" },
            HttpStatusCode.Created);
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(3).AddHours(9), TimeSpan.Zero);
        using var advisor = await AsAsync("advisor");
        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            // Every booking overlaps every other: all start within [09:00, 09:49) and last an hour.
            var response = await advisor.PostAsJsonAsync($"/api/v1/shop/bays/{Id(bay)}/bookings",
                new { startsAt = start.AddMinutes(i), endsAt = start.AddMinutes(i + 60), title = $"attempt {i}" }, Ct);
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType);
        }, Ct)).ToList();
        var results = await Task.WhenAll(attempts);
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.Conflict), r => Assert.Equal("application/problem+json", r.MediaType));
        var booked = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/bays/{Id(bay)}/bookings?from={Uri.EscapeDataString(start.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(3).ToString("O"))}", Ct);
        Assert.Equal(1, booked.GetArrayLength());

        // Back to back is not an overlap ([start, end) ranges); a cancelled booking frees its time.
        var next = await Post(advisor, $"/api/v1/shop/bays/{Id(bay)}/bookings", new { startsAt = start.AddHours(3), endsAt = start.AddHours(4) }, HttpStatusCode.Created);
        var cancelled = await Post(advisor, $"/api/v1/shop/bookings/{Id(next)}/cancel", null);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        await Post(advisor, $"/api/v1/shop/bays/{Id(bay)}/bookings", new { startsAt = start.AddHours(3), endsAt = start.AddHours(4) }, HttpStatusCode.Created);
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/shop/bays/{Id(bay)}/bookings", new { startsAt = start.AddHours(4), endsAt = start.AddHours(3) }, Ct), HttpStatusCode.BadRequest);

        var ics = await advisor.GetStringAsync($"/api/v1/shop/bays/{Id(bay)}/calendar.ics", Ct);
        Assert.StartsWith("BEGIN:VCALENDAR", ics, StringComparison.Ordinal);
        Assert.Equal(2, ics.Split("BEGIN:VEVENT").Length - 1);
    }

    [Fact]
    public async Task Given_bay_booking_Then_floor_starts_and_finishes_it_and_hours_are_enforced()
    {
        using var manager = await AsAsync("manager");
        var bay = await Post(manager, "/api/v1/shop/bays", new { name = $"Align {Guid.NewGuid():N}", hasAlignment = true, opensAt = "08:00", closesAt = "17:00", timeZone = "UTC" },
            HttpStatusCode.Created);
        using var porter = await AsAsync("porter");
        var day = DateTime.UtcNow.Date.AddDays(2);
        await Problem(await porter.PostAsJsonAsync($"/api/v1/shop/bays/{Id(bay)}/bookings",
            new { startsAt = new DateTimeOffset(day.AddHours(16), TimeSpan.Zero), endsAt = new DateTimeOffset(day.AddHours(18), TimeSpan.Zero) }, Ct), HttpStatusCode.BadRequest);
        var booking = await Post(porter, $"/api/v1/shop/bays/{Id(bay)}/bookings",
            new { startsAt = new DateTimeOffset(day.AddHours(8), TimeSpan.Zero), endsAt = new DateTimeOffset(day.AddHours(9), TimeSpan.Zero), title = "Alignment" }, HttpStatusCode.Created);
        await Problem(await porter.PostAsJsonAsync($"/api/v1/shop/bookings/{Id(booking)}/finish", new { }, Ct), HttpStatusCode.Conflict);
        Assert.Equal("in_progress", (await Post(porter, $"/api/v1/shop/bookings/{Id(booking)}/start", null)).GetProperty("status").GetString());
        Assert.Equal("done", (await Post(porter, $"/api/v1/shop/bookings/{Id(booking)}/finish", null)).GetProperty("status").GetString());
        await Problem(await porter.PostAsJsonAsync("/api/v1/shop/bays", new { name = "Mine" }, Ct), HttpStatusCode.Forbidden);
    }
}

public sealed class ShopTestsOnSqlite(SqliteApp app) : ShopTests(app), IClassFixture<SqliteApp>;

public sealed class ShopTestsOnPostgres(PostgresApp app) : ShopTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
