using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>An OTLP/HTTP collector stand-in: records what arrives on /v1/traces and /v1/metrics.</summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<(string Path, string? ContentType, long Bytes)> Received { get; } = new();

    public string Endpoint { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/{signal}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            Received.Enqueue((http.Request.Path, http.Request.ContentType, body.Length));
            return Results.Ok();
        });
        await _app.StartAsync();
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed class OtlpApp : PitlaneApp
{
    public OtlpCollector Collector { get; } = new();

    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Collector.StartAsync();
        Set("Pitlane:Telemetry:OtlpEndpoint", Collector.Endpoint);
        Set("Pitlane:Telemetry:OtlpProtocol", "HttpProtobuf");
        Set("Pitlane:Demo:Seed", "false");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Collector.DisposeAsync();
    }
}

public sealed class OpenTelemetryTests(OtlpApp app) : IClassFixture<OtlpApp>
{
    [Fact]
    public async Task Given_an_OTLP_endpoint_Then_request_traces_are_exported_as_OTLP_protobuf()
    {
        using var client = app.CreateClient();
        Assert.True((await client.GetAsync("/health/live")).IsSuccessStatusCode);
        // The server ends the request's activity just after the client has the response, so flush until it is out.
        var tracer = app.Services.GetRequiredService<TracerProvider>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!app.Collector.Received.Any(r => r.Path == "/v1/traces") && DateTime.UtcNow < deadline)
        {
            Assert.True(tracer.ForceFlush(5_000));
            await Task.Delay(100);
        }
        var traces = app.Collector.Received.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, t => Assert.Equal("application/x-protobuf", t.ContentType));
        Assert.All(traces, t => Assert.True(t.Bytes > 0));
    }
}
