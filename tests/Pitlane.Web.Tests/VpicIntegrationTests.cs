using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>An in-process NHTSA vPIC: DecodeVinValues over real HTTP on loopback, switchable to failing.</summary>
public sealed class FakeVpic : IAsyncDisposable
{
    private WebApplication? _app;
    public int Requests;
    public volatile bool Failing;

    public string BaseUrl { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/api/vehicles/DecodeVinValues/{vin}", (string vin, string? format, int? modelyear, HttpContext http) =>
        {
            Interlocked.Increment(ref Requests);
            if (Failing)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            // The shape of a real answer: every value a string, "" when unknown.
            var body = $$"""
            {"Count":1,"Message":"Results returned successfully. NOTE: Any missing decoded values should be interpreted as NHTSA does not have data on the specific variable. Missing value should NOT be interpreted as an indication that a feature or technology is unavailable for a vehicle.","SearchCriteria":"VIN:{{vin}}","Results":[{"ABS":"","BodyClass":"Coupe","DisplacementL":"3.0","EngineCylinders":"6","EngineModel":"J30A4","ErrorCode":"0","ErrorText":"0 - VIN decoded clean. Check Digit (9th position) is correct","FuelTypePrimary":"Gasoline","Make":"HONDA","Manufacturer":"AMERICAN HONDA MOTOR CO., INC.","Model":"Accord","ModelYear":"{{modelyear}}","PlantCity":"MARYSVILLE","PlantCountry":"UNITED STATES (USA)","Trim":"EX-V6","VIN":"{{vin}}"}]}
            """;
            return Results.Content(body, "application/json");
        });
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed class VpicApp : PitlaneApp
{
    public FakeVpic Vpic { get; } = new();

    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Vpic.StartAsync();
        Set("Pitlane:Vpic:Enabled", "true");
        Set("Pitlane:Vpic:BaseUrl", Vpic.BaseUrl);
        Set("Pitlane:Vpic:CooldownSeconds", "600");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Vpic.DisposeAsync();
    }
}

public sealed class VpicIntegrationTests(VpicApp app) : IClassFixture<VpicApp>
{
    [Fact]
    public async Task Given_vPIC_reachable_Then_model_and_engine_come_from_it_and_are_cached()
    {
        using var client = await app.SignedInClientAsync("owner@demo.pitlane.test");
        // A failure in another test opens the cool-down; this test starts from a closed circuit.
        app.Service<Pitlane.Modules.Vehicles.VpicCircuit>().RecordSuccess();
        var before = app.Vpic.Requests;
        var vin = await client.GetFromJsonAsync<JsonElement>("/api/v1/vin/1G1ZD5ST1LF012345");
        Assert.Equal("local+vpic", vin.GetProperty("source").GetString());
        Assert.Equal("Accord", vin.GetProperty("model").GetString());
        Assert.Equal("EX-V6", vin.GetProperty("trim").GetString());
        Assert.Equal("3.0 L 6 cyl J30A4", vin.GetProperty("engine").GetString());
        var sources = vin.GetProperty("sources");
        Assert.Equal("vpic", sources.GetProperty("model").GetString());
        Assert.Equal("local", sources.GetProperty("modelYear").GetString());
        Assert.Equal(2020, vin.GetProperty("modelYear").GetInt32());

        // The second decode of the same VIN is answered from the database cache.
        var again = await client.GetFromJsonAsync<JsonElement>("/api/v1/vin/1G1ZD5ST1LF012345");
        Assert.Equal("Accord", again.GetProperty("model").GetString());
        Assert.Equal(before + 1, app.Vpic.Requests);
    }

    [Fact]
    public async Task Given_vPIC_failing_Then_local_decoder_answers_alone_and_vehicle_is_still_added()
    {
        using var client = await app.SignedInClientAsync("owner@demo.pitlane.test");
        app.Vpic.Failing = true;
        try
        {
            var vin = await client.GetFromJsonAsync<JsonElement>("/api/v1/vin/2T1BURHE3JC012345");
            Assert.Equal("local", vin.GetProperty("source").GetString());
            Assert.Equal(JsonValueKind.Null, vin.GetProperty("model").ValueKind);
            Assert.True(vin.GetProperty("isValid").GetBoolean());
            var created = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "2T1BURHE3JC012345" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            // The cool-down is open now: the next decode does not even try vPIC.
            var requests = app.Vpic.Requests;
            await client.GetFromJsonAsync<JsonElement>("/api/v1/vin/3VW2B7AJ2HM312345");
            Assert.Equal(requests, app.Vpic.Requests);
        }
        finally
        {
            app.Vpic.Failing = false;
        }
    }
}
