using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Web;

namespace Pitlane.Web.Tests;

/// <summary>
/// Behind a reverse proxy (issue 11 item 11): forwarded headers believed only from the configured proxies, rate limits
/// keyed on the client's address, HSTS and Secure cookies for https, and the settings the distributed profile requires.
/// The host runs on a real loopback socket so the peer address is real.
/// </summary>
public sealed class ProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration["Pitlane:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"pitlane-proxy-{Guid.NewGuid():N}");
        builder.Configuration["Pitlane:Demo:Seed"] = "false";
        builder.Configuration["Pitlane:Vpic:Enabled"] = "false";
        builder.Configuration["Pitlane:Diagnostics:Simulator:Enabled"] = "false";
        builder.Configuration["Pitlane:Auth:AuthRequestsPerMinute"] = "2";
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        Assert.True(PitlaneHost.TryReadOptions(builder.Configuration, out var options, out var fault), fault);
        var app = PitlaneHost.Build(builder, options);
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    private static async Task<HttpStatusCode> TokenAsync(HttpClient client, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = JsonContent.Create(new { email = "nobody@example.test", password = "wrong-password-1" }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return (await client.SendAsync(request, Ct)).StatusCode;
    }

    [Fact]
    public async Task Given_known_proxy_Then_each_forwarded_client_has_its_own_rate_limit()
    {
        var (app, client) = await StartAsync("Production", ("Pitlane:Proxy:KnownProxies:0", "127.0.0.1"));
        await using var _ = app;
        using var __ = client;

        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenAsync(client, "203.0.113.10"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenAsync(client, "203.0.113.10"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await TokenAsync(client, "203.0.113.10"));
        // Another client behind the same proxy is not punished for the first one's attempts.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenAsync(client, "198.51.100.7"));
    }

    [Fact]
    public async Task Given_no_configured_proxy_Then_forwarded_headers_are_ignored_and_the_peer_is_limited()
    {
        var (app, client) = await StartAsync("Production");
        await using var _ = app;
        using var __ = client;

        // A client cannot escape the limit by inventing a new X-Forwarded-For on each request.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenAsync(client, "203.0.113.1"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await TokenAsync(client, "203.0.113.3"));
    }

    [Fact]
    public async Task Given_https_at_the_proxy_in_production_Then_HSTS_and_Secure_cookies()
    {
        var (app, client) = await StartAsync("Production",
            ("Pitlane:Proxy:KnownNetworks:0", "127.0.0.0/8"), ("Pitlane:PublicBaseUrl", "https://shop.example.test"));
        await using var _ = app;
        using var __ = client;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Host = "shop.example.test";
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "no HSTS header");
        Assert.Contains("max-age=31536000", hsts!.Single(), StringComparison.Ordinal);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        // Plain http without a proxy's word: no HSTS (a browser would ignore it anyway).
        using var plain = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        plain.Headers.Host = "shop.example.test";
        Assert.False((await client.SendAsync(plain, Ct)).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Given_ingest_limit_Then_a_flood_of_batches_from_one_address_is_429_before_any_key_lookup()
    {
        var (app, client) = await StartAsync("Production", ("Pitlane:VehicleTelemetry:IngestRequestsPerMinute", "2"));
        await using var _ = app;
        using var __ = client;
        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches")
            {
                Content = JsonContent.Create(new { batchId = "b", samples = Array.Empty<object>() }),
            };
            request.Headers.Add("X-Device-Key", Guid.NewGuid().ToString("N"));
            return await client.SendAsync(request, Ct);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync()).StatusCode);
        var limited = await PostAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter is not null);
        // Made-up keys are not remembered: the shared cache holds no entry for them.
        var cache = (Microsoft.Extensions.Caching.Memory.MemoryCache)app.Services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>();
        Assert.DoesNotContain(cache.Keys, k => k is string s && s.StartsWith("telemetry-device:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/v1/kiosk")]
    [InlineData("/api/v1/diagnostics/agent/work?waitSeconds=0")]
    public async Task Given_device_limit_Then_agent_and_kiosk_floods_are_429(string path)
    {
        var (app, client) = await StartAsync("Production", ("Pitlane:Diagnostics:DeviceRequestsPerMinute", "2"));
        await using var _ = app;
        using var __ = client;
        async Task<HttpStatusCode> GetAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Agent-Key", Guid.NewGuid().ToString("N"));
            return (await client.SendAsync(request, Ct)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync());
    }

    [Fact]
    public void Device_streams_are_counted_per_device_and_released_once()
    {
        var streams = new Pitlane.Modules.Telemetry.DeviceStreams(Microsoft.Extensions.Options.Options.Create(
            new Pitlane.Modules.Telemetry.TelemetryOptions { MaxStreamsPerDevice = 2 }));
        var device = Guid.NewGuid();
        Assert.True(streams.TryOpen(device));
        var first = streams.Holding(device);
        Assert.True(streams.TryOpen(device));
        using var second = streams.Holding(device);
        Assert.False(streams.TryOpen(device));
        Assert.True(streams.TryOpen(Guid.NewGuid()));
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, streams.OpenCount(device));
        Assert.True(streams.TryOpen(device));
    }

    [Fact]
    public async Task Given_development_Then_no_HSTS()
    {
        var (app, client) = await StartAsync("Development", ("Pitlane:Proxy:KnownProxies:0", "127.0.0.1"));
        await using var _ = app;
        using var __ = client;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Host = "shop.example.test";
        request.Headers.Add("X-Forwarded-Proto", "https");
        Assert.False((await client.SendAsync(request, Ct)).Headers.Contains("Strict-Transport-Security"));
    }
}
