using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>
/// Live part: dashboards receive a committed batch through /hubs/live. The .NET SignalR client is not available here, so this
/// speaks the SignalR JSON hub protocol itself: negotiate, a WebSocket, the handshake, records ended by 0x1E.
/// </summary>
public abstract partial class TelemetryTests
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task Given_member_joined_vehicle_group_Then_ingested_batch_arrives_and_a_stranger_receives_nothing()
    {
        var fleet = await FleetAsync();
        await using var owner = await HubClient.ConnectAsync(App, (await App.TokensAsync(fleet.Email, "Correct-horse-9")).AccessToken);
        Assert.True(await owner.InvokeAsync("JoinVehicle", fleet.VehicleId));

        var (_, strangerEmail) = await App.NewUserAsync();
        await using var stranger = await HubClient.ConnectAsync(App, (await App.TokensAsync(strangerEmail, "Correct-horse-9")).AccessToken);
        Assert.False(await stranger.InvokeAsync("JoinVehicle", fleet.VehicleId));

        var t = BaseTime;
        var response = await PostAsync(fleet.Key, BatchJson("live-1", [(t, "0C", 812.5), (t.AddSeconds(1), "0D", 42)]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var message = await owner.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(10));
        Assert.NotNull(message);
        var payload = message.Value.GetProperty("arguments")[0];
        Assert.Equal(fleet.VehicleId, payload.GetProperty("vehicleId").GetGuid());
        Assert.Equal("live-1", payload.GetProperty("batchId").GetString());
        var samples = payload.GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal(2, samples.Count);
        Assert.Equal("0C", samples[0].GetProperty("pid").GetString());
        Assert.Equal(812.5, samples[0].GetProperty("value").GetDouble());

        // A replay is acknowledged but not published again: dashboards see each sample once.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("live-1", [(t, "0C", 812.5), (t.AddSeconds(1), "0D", 42)]))).StatusCode);
        Assert.Null(await owner.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(1)));
        Assert.Null(await stranger.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Given_signed_in_member_Then_live_page_shows_latest_values_and_loads_its_scripts_and_a_stranger_gets_404()
    {
        var fleet = await FleetAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("page-1", [(BaseTime, "0C", 812.5), (BaseTime, "9F", 3)]))).StatusCode);
        using var browser = await BrowserAsync(fleet.Email);
        var page = await browser.GetAsync($"/Vehicles/Live/{fleet.VehicleId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"data-vehicle-id=\"{fleet.VehicleId}\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-pid=\"0C\">", html, StringComparison.Ordinal);
        Assert.Contains("Engine speed", html, StringComparison.Ordinal);
        Assert.Contains("812.5", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-pid=\"9F\">", html, StringComparison.Ordinal);
        Assert.Contains("/js/telemetry-live.js", html, StringComparison.Ordinal);
        Assert.Contains("/lib/signalr/signalr.min.js", html, StringComparison.Ordinal);
        Assert.Contains("/lib/chartjs/chart.umd.min.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/js/telemetry-live.js")).StatusCode);
        var details = await browser.GetStringAsync($"/Vehicles/Details/{fleet.VehicleId}");
        Assert.Contains($"href=\"/Vehicles/Live/{fleet.VehicleId}\"", details, StringComparison.Ordinal);

        var (_, strangerEmail) = await App.NewUserAsync();
        using var stranger = await BrowserAsync(strangerEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/Vehicles/Live/{fleet.VehicleId}")).StatusCode);
    }

    private async Task<HttpClient> BrowserAsync(string email)
    {
        var browser = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await browser.GetStringAsync("/Account/Login");
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = "Correct-horse-9",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(signedIn.IsSuccessStatusCode || signedIn.StatusCode == HttpStatusCode.Redirect, signedIn.StatusCode.ToString());
        return browser;
    }

    internal sealed class HubClient : IAsyncDisposable
    {
        private readonly WebSocket _socket;
        private readonly StringBuilder _pending = new();
        private int _invocation;

        private HubClient(WebSocket socket) => _socket = socket;

        public static Task<HubClient> ConnectAsync(PitlaneApp app, string accessToken) =>
            ConnectAsync(app, $"access_token={Uri.EscapeDataString(accessToken)}", "Authorization", $"Bearer {accessToken}");

        /// <summary>A browser's connection: the sign-in cookie (a "Cookie" header value), no bearer token.</summary>
        public static Task<HubClient> ConnectWithCookieAsync(PitlaneApp app, string cookieHeader) =>
            ConnectAsync(app, "", "Cookie", cookieHeader);

        private static async Task<HubClient> ConnectAsync(PitlaneApp app, string query, string header, string value)
        {
            using var http = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1");
            request.Headers.TryAddWithoutValidation(header, value);
            var negotiate = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
            var connectionToken = (await negotiate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString()!;
            var ws = app.Server.CreateWebSocketClient();
            ws.ConfigureRequest = request => request.Headers[header] = value;
            var socket = await ws.ConnectAsync(
                new Uri($"ws://localhost/hubs/live?id={Uri.EscapeDataString(connectionToken)}{(query.Length > 0 ? "&" + query : "")}"),
                CancellationToken.None);
            var client = new HubClient(socket);
            await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            var handshake = await client.NextAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(handshake);
            Assert.False(handshake.Value.TryGetProperty("error", out _));
            return client;
        }

        public async Task<bool> InvokeAsync(string target, Guid argument)
        {
            var id = (++_invocation).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments = new object[] { argument } }));
            while (await NextAsync(TimeSpan.FromSeconds(10)) is { } message)
            {
                if (message.GetProperty("type").GetInt32() == 3 && message.GetProperty("invocationId").GetString() == id)
                {
                    Assert.False(message.TryGetProperty("error", out var error), error.ToString());
                    return message.GetProperty("result").GetBoolean();
                }
            }
            throw new TimeoutException($"No completion for {target}.");
        }

        public async Task<JsonElement?> NextInvocationAsync(string target, TimeSpan wait)
        {
            var deadline = DateTime.UtcNow + wait;
            while (DateTime.UtcNow < deadline && await NextAsync(deadline - DateTime.UtcNow) is { } message)
            {
                if (message.GetProperty("type").GetInt32() == 1 && message.GetProperty("target").GetString() == target)
                {
                    return message;
                }
            }
            return null;
        }

        /// <summary>True once the server ends the connection (a close record or the socket closing) within <paramref name="wait"/>.</summary>
        public async Task<bool> ClosedWithinAsync(TimeSpan wait)
        {
            var deadline = DateTime.UtcNow + wait;
            while (DateTime.UtcNow < deadline)
            {
                if (_socket.State is WebSocketState.Closed or WebSocketState.CloseReceived or WebSocketState.Aborted)
                {
                    return true;
                }
                try
                {
                    if (await NextAsync(deadline - DateTime.UtcNow) is { } message)
                    {
                        if (message.TryGetProperty("type", out var type) && type.GetInt32() == 7)
                        {
                            return true;
                        }
                        continue;
                    }
                }
                catch (WebSocketException)
                {
                    return true;
                }
                if (_socket.State != WebSocketState.Open)
                {
                    return true;
                }
            }
            return false;
        }

        private Task SendAsync(string json) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

        /// <summary>The next record (pings included), or null when none arrives in time.</summary>
        private async Task<JsonElement?> NextAsync(TimeSpan wait)
        {
            var buffer = new byte[16 * 1024];
            using var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1));
            while (true)
            {
                var text = _pending.ToString();
                var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
                if (end >= 0)
                {
                    _pending.Remove(0, end + 1);
                    return JsonDocument.Parse(text[..end]).RootElement.Clone();
                }
                try
                {
                    var result = await _socket.ReceiveAsync(buffer, timeout.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return null;
                    }
                    _pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            _socket.Dispose();
        }
    }
}
