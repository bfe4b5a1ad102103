using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pitlane.Web.Tests.CustomerMessaging;

/// <summary>The embedded profile's defaults: the SMS simulator (delivery reports, the customer's phone) and the e-mail outbox; follow-ups.</summary>
public sealed class MessagingSimulatorTests(SimulatorMessagingApp app) : MessagingTestBase(app), IClassFixture<SimulatorMessagingApp>
{
    [Fact]
    public async Task Given_simulator_Then_text_is_delivered_the_phone_replies_and_STOP_blocks_the_next_text()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerAsync(advisor);
        var sent = await Json(await SendAsync(advisor, customer, "Your brakes are done."), HttpStatusCode.Created);
        Assert.StartsWith("SM", sent.GetProperty("providerId").GetString(), StringComparison.Ordinal);
        var delivered = await EventuallyAsync(async () => Messages(await ThreadAsync(advisor, customer)).Single().GetProperty("status").GetString(), s => s == "delivered");
        Assert.Equal("delivered", delivered);

        var phone = await Json(await advisor.GetAsync($"/api/v1/messaging/simulator/customers/{customer}/phone", Ct), HttpStatusCode.OK);
        Assert.Equal("Your brakes are done.", Messages(phone).Single().GetProperty("body").GetString());
        await Json(await advisor.PostAsJsonAsync($"/api/v1/messaging/simulator/customers/{customer}/phone", new { body = "Great, coming at 5" }, Ct), HttpStatusCode.OK);
        var stop = await Json(await advisor.PostAsJsonAsync($"/api/v1/messaging/simulator/customers/{customer}/phone", new { body = "STOP" }, Ct), HttpStatusCode.OK);
        Assert.Contains("unsubscribed", stop.GetProperty("reply").GetString(), StringComparison.Ordinal);
        await Problem(await SendAsync(advisor, customer, "One more thing"), HttpStatusCode.Conflict);
        Assert.Equal(["outbound", "inbound", "inbound"], Messages(await ThreadAsync(advisor, customer)).Select(m => m.GetProperty("direction").GetString()));
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/messaging/simulator/customers/{customer}/phone", new { body = "" }, Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_outbox_profile_Then_email_is_stored_not_sent_and_listed_in_the_outbox()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerAsync(advisor, preferred: "email");
        var sent = await Json(await SendAsync(advisor, customer, "Your invoice is ready.", channel: null), HttpStatusCode.Created);
        Assert.Equal("email", sent.GetProperty("channel").GetString());
        Assert.Equal("stored", sent.GetProperty("status").GetString());
        var outbox = await Json(await advisor.GetAsync("/api/v1/messaging/outbox", Ct), HttpStatusCode.OK);
        Assert.Contains(outbox.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetGuid() == sent.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Given_maintenance_follow_up_Then_the_job_sends_the_reminder_when_due_and_STOP_cancels_the_waiting_ones()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, phone) = await CustomerAsync(advisor);
        var soon = await Json(await advisor.PostAsJsonAsync("/api/v1/messaging/follow-ups/maintenance",
            new { customerId = customer, text = "your oil change is due", dueAt = DateTimeOffset.UtcNow.AddSeconds(1) }, Ct), HttpStatusCode.Created);
        var later = await Json(await advisor.PostAsJsonAsync("/api/v1/messaging/follow-ups/maintenance",
            new { customerId = customer, text = "your tyre rotation is due", dueAt = DateTimeOffset.UtcNow.AddDays(30) }, Ct), HttpStatusCode.Created);
        var status = await EventuallyAsync(async () => (await FollowUpsAsync(advisor, customer)).Single(f => f.GetProperty("id").GetGuid() == soon.GetProperty("id").GetGuid())
            .GetProperty("status").GetString(), s => s != "scheduled");
        Assert.Equal("sent", status);
        var reminder = Messages(await ThreadAsync(advisor, customer)).Single(m => m.GetProperty("template").GetString() == "reminder");
        Assert.Contains("oil change", reminder.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("Reply STOP", reminder.GetProperty("body").GetString(), StringComparison.Ordinal);

        await Json(await advisor.PostAsJsonAsync($"/api/v1/messaging/simulator/customers/{customer}/phone", new { body = "STOP" }, Ct), HttpStatusCode.OK);
        Assert.Equal("cancelled", (await FollowUpsAsync(advisor, customer)).Single(f => f.GetProperty("id").GetGuid() == later.GetProperty("id").GetGuid())
            .GetProperty("status").GetString());
        Assert.NotNull(phone);
        await Problem(await advisor.PostAsJsonAsync("/api/v1/messaging/follow-ups/maintenance", new { customerId = customer, text = "", dueAt = DateTimeOffset.UtcNow.AddYears(9) }, Ct),
            HttpStatusCode.BadRequest);
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsJsonAsync("/api/v1/messaging/follow-ups/maintenance", new { customerId = customer, text = "x", dueAt = DateTimeOffset.UtcNow.AddDays(1) }, Ct),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Given_job_declined_on_the_ro_Then_shops_event_schedules_one_declined_work_reminder_for_it_alone()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerAsync(advisor);
        var vehicle = (await Json(await advisor.GetAsync("/api/v1/vehicles?q=PIT-005", Ct), HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid();
        await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/customers/{customer}/vehicles", new { vehicleId = vehicle }, Ct), HttpStatusCode.Created);
        var ro = (await Json(await advisor.PostAsJsonAsync("/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, Ct), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        async Task<Guid> JobAsync(string title) => (await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/orders/{ro}/jobs",
            new { title, labor = new[] { new { description = title, hours = 1.0m } } }, Ct), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var wipers = await JobAsync("Replace wiper blades");
        var flush = await JobAsync("Brake fluid flush");
        Assert.Empty(await FollowUpsAsync(advisor, customer));

        await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/orders/{ro}/decline", new { jobIds = new[] { flush } }, Ct), HttpStatusCode.OK);
        await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/orders/{ro}/authorise", new { jobIds = new[] { wipers } }, Ct), HttpStatusCode.OK);

        var followUps = await EventuallyAsync(() => FollowUpsAsync(advisor, customer), f => f.Length > 0);
        var reminder = Assert.Single(followUps);
        Assert.Equal(("declined", flush, ro, "scheduled"), (reminder.GetProperty("kind").GetString(), reminder.GetProperty("jobId").GetGuid(),
            reminder.GetProperty("repairOrderId").GetGuid(), reminder.GetProperty("status").GetString()));
        Assert.Contains("Brake fluid flush", reminder.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(reminder.GetProperty("dueAt").GetDateTime() > DateTime.UtcNow.AddDays(1), "sent days later, not now");
        // Asking by hand as well (the old way) adds nothing for a job that already has its reminder.
        await advisor.PostAsJsonAsync("/api/v1/messaging/follow-ups/declined", new { repairOrderId = ro }, Ct);
        Assert.Single(await FollowUpsAsync(advisor, customer));
    }

    private static async Task<JsonElement[]> FollowUpsAsync(HttpClient client, Guid customer) =>
        (await Json(await client.GetAsync($"/api/v1/messaging/follow-ups?customerId={customer}", Ct), HttpStatusCode.OK)).EnumerateArray().ToArray();
}
