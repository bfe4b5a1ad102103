using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;

namespace Pitlane.Obd.Tests;

/// <summary>
/// Scans over a lossy link, scripted frame by frame: an ECU whose frames are lost must never turn into
/// "no trouble codes". The engine 7E8 (MIL on, two confirmed codes in PID 01) loses its frame of the
/// protocol search answer (0100), which made it unknown to every later check; the CI failure of
/// SimulatorTests.Under_injected_faults... (drop, seed 2) was that frame and the engine's 03 frame lost.
/// </summary>
public class LostFrameTests
{
    private static readonly ElmOptions Fast = new() { CommandTimeout = TimeSpan.FromSeconds(2), SearchTimeout = TimeSpan.FromSeconds(2), ResetTimeout = TimeSpan.FromSeconds(2) };

    private const string EngineOnly03 = "7E8 06 43 02 03 00 03 01 00";
    private const string Transmission03 = "7E9 02 43 00 00 00 00 00 00";

    /// <summary>The two-ECU misfire car, with the engine's frame missing from the protocol search answer.</summary>
    private static FakeElm EngineLostFromTheSearch()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Once["0100"] = new([["SEARCHING...", "7E9 06 41 00 80 00 00 00 00"]]);
        // 7E9 supports no bitmap beyond 0100, so PID 01 is asked alone: MIL on, two confirmed codes on 7E8.
        elm.Answers["0101"] = ["7E8 06 41 01 82 07 65 04 00", "7E9 06 41 01 00 04 00 00 00"];
        elm.Answers["0120406080A0"] = ["7E8 10 0B 41 20 00 00 00 01", "7E8 21 40 40 00 00 00 00 00"];
        elm.Answers["03"] = [EngineOnly03, Transmission03];
        return elm;
    }

    private static async Task<(ScanReport Report, FakeElm Elm)> ScanAsync(FakeElm elm)
    {
        var adapter = new Elm327Adapter(elm, Fast);
        await adapter.InitializeAsync(TestContext.Current.CancellationToken);
        await using (adapter)
        {
            return (await new ObdScanner(new ObdClient(adapter)).ScanAsync(cancellationToken: TestContext.Current.CancellationToken), elm);
        }
    }

    private static IEnumerable<string> Stored(ScanReport report) =>
        report.Dtcs.Where(d => d.Kind == DtcKind.Stored).Select(d => $"{d.Code}/{d.Ecu}");

    [Fact]
    public async Task Given_the_engines_search_and_stored_codes_frames_lost_Then_both_are_asked_again_and_the_codes_found()
    {
        var elm = EngineLostFromTheSearch();
        elm.Once["03"] = new([[Transmission03]]);
        var (report, _) = await ScanAsync(elm);

        Assert.Equal(["P0300/7E8", "P0301/7E8"], Stored(report));
        Assert.Empty(report.Warnings);
        // 0100 asked again once 7E8 showed up in the PID 01 answer: its supported PIDs and live values are not lost either.
        Assert.Equal(["7E8", "7E9"], report.Ecus.Select(e => e.Id));
        Assert.Contains(report.LiveValues, v => v.Ecu == "7E8" && v.Pid == 0x0C);
        Assert.Equal(2, elm.ObdRequests.Count(r => r == "0100"));
        Assert.Equal(2, elm.ObdRequests.Count(r => r == "03"));
    }

    [Fact]
    public async Task Given_the_engine_never_answers_service_03_Then_the_scan_warns_instead_of_reporting_no_codes()
    {
        var elm = EngineLostFromTheSearch();
        elm.Answers["03"] = [Transmission03];
        var (report, _) = await ScanAsync(elm);

        Assert.Empty(Stored(report));
        Assert.Contains("ECU 7E8 did not answer the stored codes request (PID 01 reports 2 confirmed codes)", report.Warnings);
        Assert.Equal(3, elm.ObdRequests.Count(r => r == "03"));
    }

    [Fact]
    public async Task Given_the_engines_search_and_pid_01_frames_lost_Then_its_vin_answer_makes_service_03_wait_for_it()
    {
        var elm = EngineLostFromTheSearch();
        elm.Answers["0101"] = ["7E9 06 41 01 00 04 00 00 00"];
        elm.Once["03"] = new([[Transmission03]]);
        var (report, _) = await ScanAsync(elm);

        Assert.Equal(Transcripts.Vin, report.Vin);
        Assert.Equal(["P0300/7E8", "P0301/7E8"], Stored(report));
        Assert.Equal(2, elm.ObdRequests.Count(r => r == "03"));
    }

    [Fact]
    public async Task Given_an_ecu_first_heard_in_the_pending_codes_answer_Then_the_stored_codes_are_read_again()
    {
        var elm = EngineLostFromTheSearch();
        elm.Answers["0101"] = ["7E9 06 41 01 00 04 00 00 00"];
        elm.Answers["0902"] = ["NO DATA"];
        elm.Once["03"] = new([[Transmission03]]);
        var (report, _) = await ScanAsync(elm);

        Assert.Equal(["P0300/7E8", "P0301/7E8"], Stored(report));
        Assert.Equal(["P0171/7E8"], report.Dtcs.Where(d => d.Kind == DtcKind.Pending).Select(d => $"{d.Code}/{d.Ecu}"));
        Assert.Equal(2, elm.ObdRequests.Count(r => r == "03"));
    }
}
