using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Modules.Messaging.Sms;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.CustomerMessaging;

/// <summary>Signing in as the demo shop's people, making customers through the Shop API, reading threads.</summary>
public abstract class MessagingTestBase(PitlaneApp app)
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

    /// <summary>A new customer with a number of their own (so tests do not share threads), with or without consent to texts.</summary>
    protected async Task<(Guid Id, string Phone)> CustomerAsync(HttpClient advisor, bool smsConsent = true, string preferred = "sms")
    {
        var digits = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var phone = $"+1555{digits}";
        var created = await Json(await advisor.PostAsJsonAsync("/api/v1/shop/customers",
            new { kind = "person", name = $"Dana Whitfield {digits}", phone, email = $"dana{digits}@example.test", preferredContact = preferred }, Ct), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        if (smsConsent)
        {
            await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/customers/{id}/consents", new { channel = "sms", given = true, source = "signed form at the counter" }, Ct),
                HttpStatusCode.OK);
        }
        await Json(await advisor.PostAsJsonAsync($"/api/v1/shop/customers/{id}/consents", new { channel = "email", given = true, source = "signed form at the counter" }, Ct),
            HttpStatusCode.OK);
        return (id, phone);
    }

    protected static async Task<JsonElement> ThreadAsync(HttpClient client, Guid customer) =>
        await Json(await client.GetAsync($"/api/v1/messaging/customers/{customer}/thread", Ct), HttpStatusCode.OK);

    protected static JsonElement[] Messages(JsonElement thread) => thread.GetProperty("messages").EnumerateArray().ToArray();

    protected static Task<HttpResponseMessage> SendAsync(HttpClient client, Guid customer, string body, string? channel = "sms") =>
        client.PostAsJsonAsync($"/api/v1/messaging/customers/{customer}/messages", new { body, channel }, Ct);

    /// <summary>Posts a form as Twilio does: form-encoded, signed over the public URL and the sorted parameters.</summary>
    protected async Task<HttpResponseMessage> TwilioPostAsync(string path, Dictionary<string, string> form, string? signature = null)
    {
        using var anonymous = app.CreateClient();
        using var content = new FormUrlEncodedContent(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add(TwilioSignature.Header, signature ?? TwilioSignature.Compute(FakeTwilio.AuthToken, TwilioMessagingApp.WebhookBase + path, form));
        return await anonymous.SendAsync(request, Ct);
    }

    protected static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 40)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }
            await Task.Delay(250, Ct);
        }
    }
}
