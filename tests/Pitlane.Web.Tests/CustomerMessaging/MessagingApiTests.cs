using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.CustomerMessaging;

/// <summary>
/// Two-way texts through Twilio (the SDK against <see cref="FakeTwilio"/>, webhooks signed as Twilio signs them) and
/// e-mail through SMTP (<see cref="FakeSmtp"/>), over HTTP on SQLite and PostgreSQL.
/// </summary>
public abstract class MessagingApiTests(TwilioMessagingApp app) : MessagingTestBase(app)
{
    private async Task<string> StatusPathAsync() => $"/api/v1/messaging/twilio/{await ShopAsync()}/status";

    private async Task<string> InboundPathAsync() => $"/api/v1/messaging/twilio/{await ShopAsync()}/inbound";

    private static Dictionary<string, string> InboundForm(string sid, string from, string body) => new()
    {
        ["MessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = FakeTwilio.AccountSid, ["From"] = from, ["To"] = "+15005550006", ["Body"] = body,
        ["NumMedia"] = "0", ["NumSegments"] = "1",
    };

    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Given_outbound_text_Then_Twilio_gets_it_with_a_status_callback_and_the_delivered_callback_is_applied_once()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, phone) = await CustomerAsync(advisor);
        var before = app.Twilio.Requests.Count;
        var sent = await Json(await SendAsync(advisor, customer, "Hi Dana, your car is ready for pick-up."), HttpStatusCode.Created);
        Assert.Equal("queued", sent.GetProperty("status").GetString());
        var sid = sent.GetProperty("providerId").GetString()!;
        Assert.StartsWith("SM", sid, StringComparison.Ordinal);
        var request = app.Twilio.Requests.Skip(before).Single();
        Assert.Equal(phone, request.Form["To"]);
        Assert.Equal(TwilioMessagingApp.WebhookBase + await StatusPathAsync(), request.Form["StatusCallback"]);

        var delivered = new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = "delivered", ["AccountSid"] = FakeTwilio.AccountSid, ["To"] = phone };
        await Json(await TwilioPostAsync(await StatusPathAsync(), delivered), HttpStatusCode.NoContent);
        var first = Messages(await ThreadAsync(advisor, customer)).Single();
        Assert.Equal("delivered", first.GetProperty("status").GetString());
        var at = first.GetProperty("statusAt").GetDateTime();

        // Replayed, and a late "sent" after "delivered": nothing changes.
        await Json(await TwilioPostAsync(await StatusPathAsync(), delivered), HttpStatusCode.NoContent);
        await Json(await TwilioPostAsync(await StatusPathAsync(), new Dictionary<string, string>(delivered) { ["MessageStatus"] = "sent" }), HttpStatusCode.NoContent);
        var again = Messages(await ThreadAsync(advisor, customer)).Single();
        Assert.Equal("delivered", again.GetProperty("status").GetString());
        Assert.Equal(at, again.GetProperty("statusAt").GetDateTime());

        // Unsigned, or signed for another organisation's address: refused or not found there.
        await Problem(await TwilioPostAsync(await StatusPathAsync(), new Dictionary<string, string>(delivered) { ["MessageStatus"] = "failed" }, "bm90IGEgc2lnbmF0dXJl"),
            HttpStatusCode.Forbidden);
        await Json(await TwilioPostAsync($"/api/v1/messaging/twilio/{Guid.NewGuid()}/status", new Dictionary<string, string>(delivered) { ["MessageStatus"] = "failed" }),
            HttpStatusCode.NoContent);
        Assert.Equal("delivered", Messages(await ThreadAsync(advisor, customer)).Single().GetProperty("status").GetString());
        await Problem(await TwilioPostAsync(await StatusPathAsync(), new Dictionary<string, string>(delivered) { ["MessageStatus"] = "exploded" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_inbound_with_a_bad_signature_Then_403_and_nothing_is_stored()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, phone) = await CustomerAsync(advisor);
        var path = await InboundPathAsync();
        var form = InboundForm(NewSid(), phone, "Is my car ready?");
        var good = TwilioSignatureOf(path, form);
        await Problem(await TwilioPostAsync(path, form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), HttpStatusCode.Forbidden);
        await Problem(await TwilioPostAsync(path, new Dictionary<string, string>(form) { ["Body"] = "Tampered" }, good), HttpStatusCode.Forbidden);
        await Problem(await TwilioPostAsync(path, form, ""), HttpStatusCode.Forbidden);
        using (var anonymous = app.CreateClient())
        {
            // Not a form at all, with a signature header: still 403, nothing read.
            using var json = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { MessageSid = "SMx" }) };
            json.Headers.Add("X-Twilio-Signature", good);
            await Problem(await anonymous.SendAsync(json, Ct), HttpStatusCode.Forbidden);
        }
        Assert.Empty(Messages(await ThreadAsync(advisor, customer)));
        var inbox = await Json(await advisor.GetAsync("/api/v1/messaging/threads?pageSize=200", Ct), HttpStatusCode.OK);
        Assert.DoesNotContain(inbox.GetProperty("items").EnumerateArray(), t => t.GetProperty("lastPreview").GetString() is "Is my car ready?" or "Tampered");
    }

    private static string TwilioSignatureOf(string path, Dictionary<string, string> form) =>
        Pitlane.Modules.Messaging.Sms.TwilioSignature.Compute(FakeTwilio.AuthToken, TwilioMessagingApp.WebhookBase + path, form);

    [Fact]
    public async Task Given_inbound_text_replayed_Then_stored_once_and_counted_unread_once()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, phone) = await CustomerAsync(advisor);
        var form = InboundForm(NewSid(), phone, "Can you also look at the wipers?");
        var first = await TwilioPostAsync(await InboundPathAsync(), form);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/xml", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Response/>", await first.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await TwilioPostAsync(await InboundPathAsync(), form)).StatusCode);
        var inbound = Messages(await ThreadAsync(advisor, customer));
        Assert.Single(inbound);
        Assert.Equal("inbound", inbound[0].GetProperty("direction").GetString());
        var thread = (await Json(await advisor.GetAsync("/api/v1/messaging/threads?pageSize=200&unread=true", Ct), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(t => t.GetProperty("customerId").GetGuid() == customer);
        Assert.Equal(1, thread.GetProperty("unread").GetInt32());
        await Json(await advisor.PostAsync($"/api/v1/messaging/customers/{customer}/read", null, Ct), HttpStatusCode.NoContent);
        Assert.DoesNotContain((await Json(await advisor.GetAsync("/api/v1/messaging/threads?pageSize=200&unread=true", Ct), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray(), t => t.GetProperty("customerId").GetGuid() == customer);
    }

    [Fact]
    public async Task Given_STOP_Then_the_next_text_is_refused_without_calling_Twilio_until_START()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, phone) = await CustomerAsync(advisor);
        var stop = await TwilioPostAsync(await InboundPathAsync(), InboundForm(NewSid(), phone, "stop"));
        Assert.Contains("<Response/>", await stop.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True((await ThreadAsync(advisor, customer)).GetProperty("optedOut").GetBoolean());
        var shopCustomer = await Json(await advisor.GetAsync($"/api/v1/shop/customers/{customer}", Ct), HttpStatusCode.OK);
        Assert.False(shopCustomer.GetProperty("smsConsent").GetBoolean());

        var before = app.Twilio.Requests.Count;
        var refused = await Problem(await SendAsync(advisor, customer, "Your car is ready."), HttpStatusCode.Conflict);
        Assert.Contains("STOP", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, app.Twilio.Requests.Count);

        var help = await TwilioPostAsync(await InboundPathAsync(), InboundForm(NewSid(), phone, "HELP"));
        Assert.Contains("Reply STOP", await help.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var start = await TwilioPostAsync(await InboundPathAsync(), InboundForm(NewSid(), phone, "Start"));
        Assert.Contains("<Message>", await start.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False((await ThreadAsync(advisor, customer)).GetProperty("optedOut").GetBoolean());
        await Json(await SendAsync(advisor, customer, "Welcome back."), HttpStatusCode.Created);
        Assert.Equal(before + 1, app.Twilio.Requests.Count);
    }

    [Fact]
    public async Task Given_Twilio_answers_21610_Then_the_text_is_refused_and_the_number_is_treated_as_opted_out()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, phone) = await CustomerAsync(advisor);
        app.Twilio.OptedOut[phone] = true;
        await Problem(await SendAsync(advisor, customer, "Your car is ready."), HttpStatusCode.Conflict);
        var thread = await ThreadAsync(advisor, customer);
        Assert.True(thread.GetProperty("optedOut").GetBoolean());
        var message = Messages(thread).Single();
        Assert.Equal("refused", message.GetProperty("status").GetString());
        Assert.Equal("21610", message.GetProperty("errorCode").GetString());
        var before = app.Twilio.Requests.Count;
        await Problem(await SendAsync(advisor, customer, "Hello again."), HttpStatusCode.Conflict);
        Assert.Equal(before, app.Twilio.Requests.Count);
    }

    [Fact]
    public async Task Given_quiet_hours_now_Then_the_text_is_held_until_they_end_and_Twilio_is_not_called()
    {
        using var manager = await AsAsync("manager");
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerAsync(advisor);
        var now = DateTime.UtcNow;
        var start = now.AddHours(-1);
        var end = now.AddHours(2);
        try
        {
            await Json(await manager.PutAsJsonAsync("/api/v1/messaging/settings", new { timeZone = "UTC", quietStart = start.ToString("HH:mm"), quietEnd = end.ToString("HH:mm") }, Ct),
                HttpStatusCode.OK);
            var before = app.Twilio.Requests.Count;
            var held = await Json(await SendAsync(advisor, customer, "Reminder: pick-up tomorrow."), HttpStatusCode.Created);
            Assert.Equal("held", held.GetProperty("status").GetString());
            var after = held.GetProperty("sendAfter").GetDateTime().ToUniversalTime();
            Assert.Equal(new DateTime(end.Year, end.Month, end.Day, end.Hour, end.Minute, 0, DateTimeKind.Utc), after);
            Assert.Equal(before, app.Twilio.Requests.Count);
        }
        finally
        {
            await manager.PutAsJsonAsync("/api/v1/messaging/settings", new { quietStart = "00:00", quietEnd = "00:00" }, Ct);
        }
        await Problem(await manager.PutAsJsonAsync("/api/v1/messaging/settings", new { timeZone = "Mars/Olympus", quietStart = "9pm" }, Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_email_Then_sent_through_SMTP_and_kept_in_the_thread()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerAsync(advisor);
        var before = app.Smtp.Messages.Count;
        var sent = await Json(await advisor.PostAsJsonAsync($"/api/v1/messaging/customers/{customer}/messages",
            new { channel = "email", subject = "Your estimate", body = "Hi Dana,\nthe estimate is attached to your visit." }, Ct), HttpStatusCode.Created);
        Assert.Equal("sent", sent.GetProperty("status").GetString());
        var mail = app.Smtp.Messages.Skip(before).Single();
        Assert.Contains("Subject: Your estimate", mail.Data, StringComparison.Ordinal);
        Assert.Equal("email", Messages(await ThreadAsync(advisor, customer)).Single().GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Given_another_organisation_Then_404_and_wrong_role_Then_403()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerAsync(advisor);
        var (stranger, _) = await App.NewUserAsync();
        using (stranger)
        {
            await Problem(await stranger.GetAsync($"/api/v1/messaging/customers/{customer}/thread", Ct), HttpStatusCode.NotFound);
            await Problem(await SendAsync(stranger, customer, "Hello"), HttpStatusCode.NotFound);
            stranger.DefaultRequestHeaders.Add("X-Organization-Id", (await ShopAsync()).ToString());
            await Problem(await stranger.GetAsync("/api/v1/messaging/threads", Ct), HttpStatusCode.NotFound);
        }
        using var tech = await AsAsync("tech");
        await Problem(await tech.GetAsync("/api/v1/messaging/threads", Ct), HttpStatusCode.Forbidden);
        await Problem(await tech.GetAsync($"/api/v1/messaging/customers/{customer}/thread", Ct), HttpStatusCode.Forbidden);
        using var porter = await AsAsync("porter");
        await Problem(await SendAsync(porter, customer, "Hello"), HttpStatusCode.Forbidden);
        await Problem(await advisor.PutAsJsonAsync("/api/v1/messaging/settings", new { quietStart = "22:00" }, Ct), HttpStatusCode.Forbidden);
        await Problem(await SendAsync(advisor, Guid.NewGuid(), "Hello"), HttpStatusCode.NotFound);
        await Problem(await SendAsync(advisor, customer, ""), HttpStatusCode.BadRequest);
        await Problem(await SendAsync(advisor, customer, new string('x', 1601)), HttpStatusCode.BadRequest);
        await Problem(await SendAsync(advisor, customer, "Hello", "pigeon"), HttpStatusCode.BadRequest);
    }
}

public sealed class MessagingApiTestsOnSqlite(TwilioSqliteApp app) : MessagingApiTests(app), IClassFixture<TwilioSqliteApp>;

public sealed class MessagingApiTestsOnPostgres(TwilioPostgresApp app) : MessagingApiTests(app), IClassFixture<TwilioPostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
