using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Uds;

namespace Pitlane.Obd.Tests;

public class UdsTranscriptTests
{
    private static async Task<(FakeElm Elm, UdsClient Uds)> Connect()
    {
        var elm = Transcripts.Can11Misfire();
        var adapter = new Elm327Adapter(elm, new ElmOptions { CommandTimeout = TimeSpan.FromSeconds(2) });
        await adapter.InitializeAsync(TestContext.Current.CancellationToken);
        return (elm, UdsClient.ForEngine(adapter));
    }

    [Fact]
    public async Task Response_pending_alone_is_waited_out_with_a_longer_timeout_then_restored()
    {
        var (elm, uds) = await Connect();
        elm.Once["22F190"] = new([["7E8 03 7F 22 78 00 00 00 00"], ["7E8 03 7F 22 78 00 00 00 00"]]);
        elm.Answers["22F190"] = ["7E8 10 14 62 F1 90 31 48 47", "7E8 21 43 4D 38 32 36 33 33", "7E8 22 41 30 30 34 33 35 32"];
        Assert.Equal(Transcripts.Vin, await uds.ReadVinAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, elm.Received.Count(r => r == "22F190"));
        var after = elm.Received.SkipWhile(r => r != "ATSH7E0").ToList();
        Assert.Equal(["ATSH7E0", "22F190", "ATSTFF", "22F190", "22F190", "ATST32", "ATSH7DF"], after);
    }

    [Fact]
    public async Task Response_pending_followed_by_the_answer_in_one_read_is_accepted()
    {
        var (elm, uds) = await Connect();
        elm.Answers["1902FF"] = ["7E8 03 7F 19 78 00 00 00 00", "7E8 10 0B 59 02 FF 03 00 00", "7E8 21 2F 03 01 00 2F 00 00"];
        var dtcs = await uds.ReadDtcsByStatusMaskAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["P0300-00", "P0301-00"], dtcs.Select(d => d.DisplayCode));
        Assert.True(dtcs[0].Status.HasFlag(DtcStatus.ConfirmedDtc));
    }

    [Fact]
    public async Task Endless_response_pending_ends_in_a_timeout_error()
    {
        var (elm, uds) = await Connect();
        elm.Answers["22F18C"] = ["7E8 03 7F 22 78 00 00 00 00"];
        await Assert.ThrowsAsync<ObdTimeoutException>(() => uds.ReadEcuSerialNumberAsync(TestContext.Current.CancellationToken));
        Assert.Equal("ATSH7DF", elm.Received.Last());
    }

    [Fact]
    public async Task Negative_response_is_named()
    {
        var (elm, uds) = await Connect();
        elm.Answers["22F187"] = ["7E8 03 7F 22 31 00 00 00 00"];
        var e = await Assert.ThrowsAsync<UdsNegativeResponseException>(() => uds.ReadSparePartNumberAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0x31, e.ResponseCode);
        Assert.Contains("requestOutOfRange", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_control_and_tester_present_are_acknowledged()
    {
        var (elm, uds) = await Connect();
        elm.Answers["1003"] = ["7E8 06 50 03 00 32 01 F4 00"];
        elm.Answers["3E00"] = ["7E8 02 7E 00 00 00 00 00 00"];
        await uds.DiagnosticSessionControlAsync(DiagnosticSession.Extended, TestContext.Current.CancellationToken);
        await uds.TesterPresentAsync(TestContext.Current.CancellationToken);
        Assert.Contains("1003", elm.Received);
    }
}
