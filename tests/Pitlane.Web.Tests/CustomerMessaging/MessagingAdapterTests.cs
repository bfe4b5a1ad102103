using Pitlane.Modules.Messaging;
using Pitlane.Modules.Messaging.Email;
using Pitlane.Modules.Messaging.Sms;
using Twilio.Clients;

namespace Pitlane.Web.Tests.CustomerMessaging;

/// <summary>The Twilio signature, keywords, quiet hours and templates, and both adapters against in-process fakes of their protocols.</summary>
public sealed class MessagingAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Twilio's documented example (WIRE-FACTS.md): URL with query, five POST parameters, token 12345.</summary>
    [Fact]
    public void Given_Twilio_test_vector_Then_signature_matches_and_any_change_breaks_it()
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE", ["Caller"] = "+14158675309", ["Digits"] = "1234", ["From"] = "+14158675309", ["To"] = "+18005551212",
        };
        const string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.Compute("12345", url, form));
        Assert.True(TwilioSignature.Valid("12345", url, form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.Valid("12346", url, form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.Valid("12345", url.Replace("foo=1", "foo=2", StringComparison.Ordinal), form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.Valid("12345", url, new Dictionary<string, string>(form) { ["Digits"] = "1235" }, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        foreach (var hostile in new[] { null, "", "RSOYDt4T1cUTdK1PDd93/VVr8B8", "not base64 !!!", new string('A', 5000) })
        {
            Assert.False(TwilioSignature.Valid("12345", url, form, hostile));
        }
    }

    [Theory]
    [InlineData("STOP", SmsKeyword.Stop)]
    [InlineData(" stop ", SmsKeyword.Stop)]
    [InlineData("Unsubscribe", SmsKeyword.Stop)]
    [InlineData("quit.", SmsKeyword.Stop)]
    [InlineData("start", SmsKeyword.Start)]
    [InlineData("UNSTOP", SmsKeyword.Start)]
    [InlineData("help", SmsKeyword.Help)]
    [InlineData("Stop by at 3", SmsKeyword.None)]
    [InlineData("", SmsKeyword.None)]
    [InlineData("yes please", SmsKeyword.None)]
    public void Given_whole_message_keyword_Then_recognised_and_sentences_are_not(string body, SmsKeyword expected) =>
        Assert.Equal(expected, SmsKeywords.Of(body));

    [Fact]
    public void Given_quiet_hours_across_midnight_Then_held_until_local_end_including_daylight_saving()
    {
        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        // 22:30 CST (UTC-6) on 10 Jan → held until 08:00 CST next day = 14:00 UTC.
        Assert.Equal(new DateTime(2026, 1, 11, 14, 0, 0, DateTimeKind.Utc), QuietHours.HeldUntil(new DateTime(2026, 1, 11, 4, 30, 0, DateTimeKind.Utc), chicago, 21 * 60, 8 * 60));
        // 07:59 CDT (UTC-5) on 10 Jul → 08:00 CDT = 13:00 UTC.
        Assert.Equal(new DateTime(2026, 7, 10, 13, 0, 0, DateTimeKind.Utc), QuietHours.HeldUntil(new DateTime(2026, 7, 10, 12, 59, 0, DateTimeKind.Utc), chicago, 21 * 60, 8 * 60));
        // Noon: not quiet.
        Assert.Null(QuietHours.HeldUntil(new DateTime(2026, 7, 10, 17, 0, 0, DateTimeKind.Utc), chicago, 21 * 60, 8 * 60));
        // The night the clocks go forward (8 Mar 2026): 23:00 CST → 08:00 CDT = 13:00 UTC, not 14:00.
        Assert.Equal(new DateTime(2026, 3, 8, 13, 0, 0, DateTimeKind.Utc), QuietHours.HeldUntil(new DateTime(2026, 3, 8, 5, 0, 0, DateTimeKind.Utc), chicago, 21 * 60, 8 * 60));
        // Equal start and end: no quiet hours.
        Assert.Null(QuietHours.HeldUntil(new DateTime(2026, 3, 8, 5, 0, 0, DateTimeKind.Utc), chicago, 0, 0));
        Assert.Null(QuietHours.ParseClock("25:00"));
        Assert.Null(QuietHours.ParseClock("9pm"));
    }

    [Fact]
    public void Given_templates_Then_plain_words_encoded_html_and_missing_values_named()
    {
        var (approval, _) = Templates.Render("approval", new Dictionary<string, string> { ["link"] = "https://shop.test/a/x", ["vehicle"] = "your <b>Accord</b>" }, "Harbor Auto", null);
        Assert.NotNull(approval);
        Assert.Contains("https://shop.test/a/x", approval.Text, StringComparison.Ordinal);
        Assert.Contains("your &lt;b&gt;Accord&lt;/b&gt;", approval.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("RO", approval.Text, StringComparison.Ordinal);
        var (reminder, _) = Templates.Render("reminder", new Dictionary<string, string> { ["text"] = "your oil change is due" }, "Harbor Auto", "https://shop.test/reminders/stop/t");
        Assert.Contains("Reply STOP", reminder!.Text, StringComparison.Ordinal);
        Assert.Contains("https://shop.test/reminders/stop/t", reminder.Html, StringComparison.Ordinal);
        Assert.Equal("link", Templates.Render("invoice", new Dictionary<string, string>(), "Harbor Auto", null).Missing);
        Assert.Equal("template", Templates.Render("nope", new Dictionary<string, string>(), "Harbor Auto", null).Missing);
    }

    private static CustomerMessagingOptions TwilioOptions(string apiBase) => new()
    {
        SmsProvider = "twilio",
        Twilio = new TwilioOptions { AccountSid = FakeTwilio.AccountSid, AuthToken = FakeTwilio.AuthToken, From = "+15005550006", ApiBase = apiBase },
    };

    private static TwilioSmsSender Sender(string apiBase, string token = FakeTwilio.AuthToken)
    {
        var http = new HttpClient(new TwilioBaseAddressHandler(new Uri(apiBase)) { InnerHandler = new HttpClientHandler() });
        var client = new TwilioRestClient(FakeTwilio.AccountSid, token, httpClient: new Twilio.Http.SystemNetHttpClient(http));
        return new TwilioSmsSender(client, TwilioOptions(apiBase));
    }

    [Fact]
    public async Task Given_Twilio_fake_Then_SDK_posts_form_with_basic_auth_and_status_callback_and_21610_means_opted_out()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var sender = Sender(twilio.BaseUrl);
        var callback = new Uri("https://shop.test/api/v1/messaging/twilio/00000000-0000-0000-0000-000000000001/status");
        var sent = await sender.SendAsync(Guid.NewGuid(), Guid.NewGuid(), "+15550100001", "Your car is ready", callback, Ct);
        Assert.StartsWith("SM", sent.ProviderId, StringComparison.Ordinal);
        Assert.Equal("queued", sent.Status);
        var request = Assert.Single(twilio.Requests);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("+15550100001", request.Form["To"]);
        Assert.Equal("+15005550006", request.Form["From"]);
        Assert.Equal("Your car is ready", request.Form["Body"]);
        Assert.Equal(callback.ToString(), request.Form["StatusCallback"]);

        twilio.OptedOut["+15550100002"] = true;
        var refused = await sender.SendAsync(Guid.NewGuid(), Guid.NewGuid(), "+15550100002", "Hello", callback, Ct);
        Assert.True(refused.OptedOut);
        Assert.Null(refused.ProviderId);
        Assert.Equal("21610", refused.ErrorCode);

        twilio.Down = true;
        await Assert.ThrowsAsync<SmsProviderUnavailableException>(() => sender.SendAsync(Guid.NewGuid(), Guid.NewGuid(), "+15550100001", "Hello", callback, Ct));
        twilio.Down = false;
        var wrongToken = await Sender(twilio.BaseUrl, "wrong").SendAsync(Guid.NewGuid(), Guid.NewGuid(), "+15550100001", "Hello", callback, Ct);
        Assert.Null(wrongToken.ProviderId);
        Assert.Equal("20003", wrongToken.ErrorCode);
    }

    [Fact]
    public async Task Given_SMTP_fake_Then_MailKit_sends_multipart_text_and_html_and_a_refused_recipient_throws_5xx()
    {
        await using var smtp = new FakeSmtp();
        var options = new CustomerMessagingOptions
        {
            EmailProvider = "smtp",
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "none", From = "service@harbor.test", FromName = "Harbor Auto" },
        };
        var sender = new SmtpEmailSender(options);
        var id = Guid.NewGuid();
        var outcome = await sender.SendAsync(id, "dana@example.test", "Harbor Auto: your bill", "Your bill is ready.", "<p>Your bill is ready.</p>", Ct);
        Assert.Equal("sent", outcome.Status);
        Assert.Equal($"{id:N}@harbor.test", outcome.ProviderId);
        var (from, to, data) = Assert.Single(smtp.Messages);
        Assert.Equal("service@harbor.test", from);
        Assert.Equal(["dana@example.test"], to);
        Assert.Contains("multipart/alternative", data, StringComparison.Ordinal);
        Assert.Contains("text/plain", data, StringComparison.Ordinal);
        Assert.Contains("text/html", data, StringComparison.Ordinal);
        Assert.Contains("Subject: Harbor Auto: your bill", data, StringComparison.Ordinal);

        smtp.Reject["gone@example.test"] = true;
        var refused = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() =>
            sender.SendAsync(Guid.NewGuid(), "gone@example.test", "x", "x", "<p>x</p>", Ct));
        Assert.Equal(550, (int)refused.StatusCode);
    }

    [Fact]
    public void Given_bad_settings_Then_each_fault_names_its_setting()
    {
        var faults = new List<string>();
        new CustomerMessagingOptions
        {
            SmsProvider = "carrier-pigeon", EmailProvider = "smtp", Smtp = new SmtpOptions { Host = "", Port = 0 }, DefaultTimeZone = "Mars/Olympus", DefaultQuietStart = "9pm",
        }.Validate(faults, new Pitlane.Platform.PitlaneOptions());
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:SmsProvider", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:Smtp:Host", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:Smtp:Port", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:DefaultTimeZone", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:DefaultQuietStart", StringComparison.Ordinal));
        faults.Clear();
        new CustomerMessagingOptions { SmsProvider = "twilio" }.Validate(faults, new Pitlane.Platform.PitlaneOptions());
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:Twilio:AccountSid", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:CustomerMessaging:Twilio:AuthToken", StringComparison.Ordinal));
    }
}
