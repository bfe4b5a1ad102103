using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pitlane.Web.Tests.CustomerMessaging;

/// <summary>
/// An in-process fake of Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json): form-encoded,
/// HTTP basic auth with the account SID and auth token, 201 with the message resource (sid SM…, status queued), and
/// Twilio's error body {code, message, more_info, status}: 400 code 21610 for a number that opted out, 401 code 20003
/// for wrong credentials. The official SDK is pointed at it through Pitlane:CustomerMessaging:Twilio:ApiBase.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "fake-twilio-auth-token";

    private readonly WebApplication _app;
    private int _next;

    public ConcurrentQueue<FakeTwilioRequest> Requests { get; } = new();

    /// <summary>Numbers Twilio has as opted out of this sender (answered with 21610).</summary>
    public ConcurrentDictionary<string, bool> OptedOut { get; } = new();

    /// <summary>When set, every send answers 503 (an outage).</summary>
    public bool Down { get; set; }

    public string BaseUrl { get; private set; } = "";

    private FakeTwilio()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (string account, HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var request = new FakeTwilioRequest(account, c.Request.Headers.Authorization.ToString(), c.Request.ContentType ?? "",
                form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
            Requests.Enqueue(request);
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
            if (request.Authorization != expected || account != AccountSid)
            {
                return Error(c, 401, 20003, "Authenticate");
            }
            if (Down)
            {
                return Error(c, 503, 20503, "Service unavailable");
            }
            var to = request.Form.GetValueOrDefault("To") ?? "";
            if (to.Length == 0 || (!request.Form.ContainsKey("From") && !request.Form.ContainsKey("MessagingServiceSid")))
            {
                return Error(c, 400, 21604, "A 'To' phone number is required.");
            }
            if (OptedOut.ContainsKey(to))
            {
                return Error(c, 400, 21610, "Attempt to send to unsubscribed recipient");
            }
            var sid = $"SM{Interlocked.Increment(ref _next):x32}";
            var body = new JsonObject
            {
                ["account_sid"] = AccountSid, ["api_version"] = "2010-04-01", ["body"] = request.Form.GetValueOrDefault("Body"), ["direction"] = "outbound-api",
                ["from"] = request.Form.GetValueOrDefault("From"), ["to"] = to, ["num_segments"] = "1", ["num_media"] = "0", ["sid"] = sid, ["status"] = "queued",
                ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json", ["error_code"] = null, ["error_message"] = null, ["price"] = null,
                ["date_created"] = DateTimeOffset.UtcNow.ToString("r"),
            };
            return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, 201);
        });
    }

    private static IResult Error(HttpContext c, int status, int code, string message) => Results.Text(
        new JsonObject { ["code"] = code, ["message"] = message, ["more_info"] = $"https://www.twilio.com/docs/errors/{code}", ["status"] = status }.ToJsonString(),
        "application/json", Encoding.UTF8, status);

    public static async Task<FakeTwilio> StartAsync()
    {
        var fake = new FakeTwilio();
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Urls.First();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record FakeTwilioRequest(string Account, string Authorization, string ContentType, Dictionary<string, string> Form);
