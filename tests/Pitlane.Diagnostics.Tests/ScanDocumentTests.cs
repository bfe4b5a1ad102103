using System.Text.Json;
using Pitlane.Obd.Elm;
using Pitlane.Obd.Scanning;
using Pitlane.Obd.Simulator;

namespace Pitlane.Diagnostics.Tests;

/// <summary>The stored and uploaded form of a scan: lossless for the health engine, strict about what comes from outside.</summary>
public sealed class ScanDocumentTests
{
    private static readonly ElmOptions Elm = new() { CommandTimeout = TimeSpan.FromSeconds(5), SearchTimeout = TimeSpan.FromSeconds(10) };
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static async Task<ScanReport> ScanAsync(string scenario)
    {
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = scenario, Port = 0, Seed = 7 });
        await sim.StartAsync(TestContext.Current.CancellationToken);
        return await ObdScanner.ScanAsync($"tcp://127.0.0.1:{sim.Port}", Elm, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("misfire")]
    [InlineData("healthy")]
    [InlineData("lean")]
    public async Task Given_a_real_scan_When_stored_as_JSON_and_read_back_Then_the_health_engine_sees_the_same_facts(string scenario)
    {
        var report = await ScanAsync(scenario);
        var json = JsonSerializer.Serialize(ScanDocument.From(report), ScanDocument.Json);
        var back = JsonSerializer.Deserialize<ScanDocument>(json, ScanDocument.Json)!;

        Assert.Empty(back.Check());
        var direct = HealthEngine.Evaluate(new HealthInput { Now = Now, Scan = ScanFacts.From(report) });
        var stored = HealthEngine.Evaluate(new HealthInput { Now = Now, Scan = back.ToFacts() });
        Assert.Equal(direct.Score, stored.Score);
        Assert.Equal(direct.Findings.Select(f => (f.Rule, f.Seen, f.Points)), stored.Findings.Select(f => (f.Rule, f.Seen, f.Points)));
        Assert.Equal(report.Dtcs.Select(d => d.Code), back.Dtcs.Select(d => d.Code));
        if (report.Dtcs.Count > 0) Assert.Contains("\"kind\":\"stored\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"code":"P0300","ecu":"7E8","kind":99,"description":"x","severity":"high","system":"Ignition","manufacturerSpecific":false}""", "dtcs[0].kind")]
    [InlineData("""{"code":"P03001","ecu":"7E8","kind":"stored","description":"x","severity":"high","system":"Ignition","manufacturerSpecific":false}""", "dtcs[0].code")]
    [InlineData("""{"code":"X0300","ecu":"7E8","kind":"stored","description":"x","severity":"high","system":"Ignition","manufacturerSpecific":false}""", "dtcs[0].code")]
    [InlineData("""{"code":"P0300","ecu":"","kind":"stored","description":"x","severity":"high","system":"Ignition","manufacturerSpecific":false}""", "dtcs[0].ecu")]
    [InlineData("""{"code":"P0300","ecu":"7E8","kind":"stored","description":"x","severity":7,"system":"Ignition","manufacturerSpecific":false}""", "dtcs[0].kind")]
    public void Given_a_hostile_trouble_code_Then_check_names_the_field(string dtc, string field)
    {
        var json = $$"""{"adapter":"ELM327 v1.5","protocol":"ISO 15765-4 (CAN 11/500)","milOn":true,"ecus":[],"dtcs":[{{dtc}}],"readinessByEcu":[],"freezeFrames":[],"snapshot":[],"requestCount":14,"durationMs":90,"warnings":[]}""";
        var document = JsonSerializer.Deserialize<ScanDocument>(json, ScanDocument.Json)!;
        Assert.Contains(document.Check(), f => f.Field == field);
    }

    [Fact]
    public void Given_oversized_or_non_finite_parts_Then_check_refuses_them()
    {
        var ok = new ScanDocument("ELM327", null, "CAN", "1HGCM82633A004352", "12.4V", false, [], [], [], [], [], 14, 90, []);
        Assert.Empty(ok.Check());
        Assert.Contains((ok with { Warnings = [new string('w', 501)] }).Check(), f => f.Field == "warnings[0]");
        Assert.Contains((ok with { Warnings = [.. Enumerable.Repeat("w", 65)] }).Check(), f => f.Field == "warnings");
        Assert.Contains((ok with { Snapshot = [new ScanDocument.Value("7E8", "0C", "rpm", double.NaN, "rpm", 0, 16383)] }).Check(), f => f.Field == "snapshot[0]");
        Assert.Contains((ok with { Snapshot = [new ScanDocument.Value("7E8", "ZZ", "rpm", 800, "rpm", 0, 16383)] }).Check(), f => f.Field == "snapshot[0]");
        Assert.Contains((ok with { Vin = "1HGCM82633A00435'; DROP" }).Check(), f => f.Field == "vin");
        Assert.Contains((ok with { RequestCount = -1 }).Check(), f => f.Field == "requestCount");
        Assert.Contains((ok with { Dtcs = [.. Enumerable.Repeat(new ScanDocument.Dtc("P0300", "7E8", Obd.J1979.DtcKind.Stored, "", Obd.Dtc.DtcSeverity.High, "", false), 257)] }).Check(), f => f.Field == "dtcs");
    }
}
