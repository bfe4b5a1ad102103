using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Protocol;
using Pitlane.Obd.Scanning;

namespace Pitlane.Obd.Tests;

public class AdapterTranscriptTests
{
    private static readonly ElmOptions Fast = new() { CommandTimeout = TimeSpan.FromSeconds(2), SearchTimeout = TimeSpan.FromSeconds(2), ResetTimeout = TimeSpan.FromSeconds(2) };

    private static async Task<Elm327Adapter> Connect(FakeElm elm)
    {
        var adapter = new Elm327Adapter(elm, Fast);
        await adapter.InitializeAsync(TestContext.Current.CancellationToken);
        return adapter;
    }

    [Fact]
    public async Task Given_two_can_ecus_Then_full_scan_finds_codes_readiness_freeze_frame_and_live_values_in_few_requests()
    {
        var elm = Transcripts.Can11Misfire();
        await using var adapter = await Connect(elm);
        var stages = new List<string>();
        var report = await new ObdScanner(new ObdClient(adapter)).ScanAsync(progress: new SyncProgress<ScanProgress>(p => stages.Add(p.StageName)), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ObdProtocol.Iso15765_4Can11Bit500k, report.Protocol);
        Assert.Equal(Transcripts.Vin, report.Vin);
        Assert.Equal(["7E8", "7E9"], report.Ecus.Select(e => e.Id));
        Assert.Equal("Engine", report.Ecus[0].Role);
        Assert.Equal(
            ["P0300/7E8/Stored", "P0301/7E8/Stored", "P0133/7E8/Stored", "P0171/7E8/Pending"],
            report.Dtcs.Select(d => $"{d.Code}/{d.Ecu}/{d.Kind}"));
        var engine = report.Readiness.Single(r => r.Ecu == "7E8");
        Assert.True(engine.MilOn);
        Assert.Equal(3, engine.DtcCount);
        Assert.False(engine.Monitors.Single(m => m.Name == "Evaporative system").Complete);
        Assert.True(engine.Monitors.Single(m => m.Name == "Catalyst").Complete);
        var frame = Assert.Single(report.FreezeFrames);
        Assert.Equal("P0300", frame.Trigger.ToString());
        Assert.Equal(750, frame.Values.Single(v => v.Pid == 0x0C).Value);
        Assert.Equal(1726, report.LiveValues.Single(v => v.Pid == 0x0C).Value);
        Assert.Equal(83, report.LiveValues.Single(v => v.Pid == 0x05).Value);
        Assert.Equal(14.0, report.LiveValues.Single(v => v.Pid == 0x42).Value, 3);
        Assert.Equal(10, report.RequestCount);
        Assert.Equal(10, elm.ObdRequests.Count());
        Assert.Equal(["identify", "trouble codes", "readiness", "freeze frame", "live snapshot"], stages);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public async Task Given_clone_that_echoes_despite_ATE0_and_keeps_spaces_Then_answers_parse()
    {
        var elm = Transcripts.Can11Misfire(new FakeElm { EchoAlways = true, Banner = "ELM327 v2.1" });
        elm.At["ATS0"] = ["?"];
        await using var adapter = await Connect(elm);
        var vin = await new ObdClient(adapter).ReadVinAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Transcripts.Vin, vin!.Text);
        Assert.Equal("ELM327 V2.1", adapter.Version);
    }

    [Fact]
    public async Task Given_lowercase_answers_without_spaces_and_crlf_Then_answers_parse()
    {
        var elm = new FakeElm { LowerCase = true, LineEnd = "\r\n" };
        elm.Answers["0100"] = ["7e8064100be3fa813"];
        elm.Answers["010C"] = ["7e804410c1af8"];
        await using var adapter = await Connect(elm);
        var values = await new ObdClient(adapter).ReadLiveValuesAsync([0x0C], TestContext.Current.CancellationToken);
        Assert.Equal(1726, Assert.Single(values).Value);
    }

    [Fact]
    public async Task Given_headers_off_Then_multi_line_0_1_2_form_is_reassembled()
    {
        var elm = new FakeElm();
        elm.At["ATH1"] = ["?"];
        elm.Answers["0100"] = ["41 00 BE 3F A8 13"];
        elm.Answers["0902"] = ["014", "0: 49 02 01 31 48 47", "1: 43 4D 38 32 36 33 33", "2: 41 30 30 34 33 35 32"];
        await using var adapter = await Connect(elm);
        Assert.False(adapter.HeadersEnabled);
        var vin = await new ObdClient(adapter).ReadVinAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Transcripts.Vin, vin!.Text);
    }

    [Fact]
    public async Task Given_stn_adapter_and_searching_Then_device_and_protocol_are_reported()
    {
        var elm = new FakeElm { Banner = "ELM327 v1.4b" };
        elm.At["STI"] = ["STN1110 v4.2.1"];
        elm.Answers["0100"] = ["SEARCHING...", "7E8 06 41 00 BE 3F A8 13 00"];
        await using var adapter = await Connect(elm);
        Assert.Equal("STN1110 V4.2.1", adapter.StnDevice);
        Assert.Equal(ObdProtocol.Iso15765_4Can11Bit500k, adapter.Protocol);
        Assert.Equal("AUTO, ISO 15765-4 (CAN 11/500)", adapter.ProtocolDescription);
        Assert.Equal("12.6V", adapter.BatteryVoltage);
        Assert.Equal(1, adapter.ObdRequestCount);
    }

    [Fact]
    public async Task Given_can_29_bit_Then_ecus_are_named_by_their_29_bit_ids()
    {
        var elm = new FakeElm { Protocol = "A7", ProtocolText = "AUTO, ISO 15765-4 (CAN 29/500)" };
        elm.Answers["0100"] = ["18 DA F1 10 06 41 00 98 18 00 01", "18 DA F1 18 06 41 00 80 00 00 00"];
        elm.Answers["03"] = ["18 DA F1 10 04 43 01 04 20", "18 DA F1 18 02 43 00"];
        await using var adapter = await Connect(elm);
        var codes = await new ObdClient(adapter).ReadTroubleCodesAsync(DtcKind.Stored, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("P0420", Assert.Single(codes.Single(c => c.Ecu == "18DAF110").Codes).ToString());
        Assert.Empty(codes.Single(c => c.Ecu == "18DAF118").Codes);
        Assert.Equal("Transmission", ObdProtocols.RoleOf("18DAF118"));
    }

    [Fact]
    public async Task Given_can_29_bit_clone_that_acknowledges_ATH1_but_hides_headers_Then_answers_still_parse()
    {
        var elm = new FakeElm { Protocol = "A7", ProtocolText = "AUTO, ISO 15765-4 (CAN 29/500)" };
        elm.Answers["0100"] = ["41 00 98 18 00 01"];
        elm.Answers["0105"] = ["41 05 7B"];
        await using var adapter = await Connect(elm);
        var coolant = Assert.Single(await new ObdClient(adapter).ReadLiveValuesAsync([0x05], TestContext.Current.CancellationToken));
        Assert.Equal(("", 83.0), (coolant.Ecu, coolant.Value));
    }

    [Fact]
    public async Task Given_iso9141_Then_checksums_are_checked_and_answers_attributed_to_source_address()
    {
        var elm = new FakeElm { Protocol = "A3", ProtocolText = "AUTO, ISO 9141-2" };
        elm.Answers["0100"] = ["BUS INIT: ...OK", Legacy("48 6B 10 41 00 98 18 00 01")];
        elm.Answers["010C"] = [Legacy("48 6B 10 41 0C 1A F8")];
        elm.Answers["0902"] =
        [
            Legacy("48 6B 10 49 02 01 00 00 00 31"), Legacy("48 6B 10 49 02 02 48 47 43 4D"), Legacy("48 6B 10 49 02 03 38 32 36 33"),
            Legacy("48 6B 10 49 02 04 33 41 30 30"), Legacy("48 6B 10 49 02 05 34 33 35 32"),
        ];
        elm.Answers["03"] = [Legacy("48 6B 10 43 03 00 03 01 01 71"), Legacy("48 6B 10 43 00 00 00 00 00 00")];
        await using var adapter = await Connect(elm);
        var client = new ObdClient(adapter);
        Assert.False(client.SupportsMultiPidRequests);
        var rpm = Assert.Single(await client.ReadLiveValuesAsync([0x0C], TestContext.Current.CancellationToken));
        Assert.Equal(("10", 1726.0), (rpm.Ecu, rpm.Value));
        Assert.Equal(Transcripts.Vin, (await client.ReadVinAsync(TestContext.Current.CancellationToken))!.Text);
        var codes = Assert.Single(await client.ReadTroubleCodesAsync(DtcKind.Stored, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(["P0300", "P0301", "P0171"], codes.Codes.Select(c => c.ToString()));

        elm.Answers["010D"] = ["48 6B 10 41 0D 3C 00"];
        await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => client.ReadLiveValuesAsync([0x0D], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_kwp2000_with_length_in_format_byte_Then_data_is_cut_at_the_length()
    {
        var elm = new FakeElm { Protocol = "A5", ProtocolText = "AUTO, ISO 14230-4 (KWP FAST)" };
        elm.Answers["0100"] = [Legacy("86 F1 11 41 00 98 18 00 01")];
        elm.Answers["0105"] = [Legacy("83 F1 11 41 05 7B")];
        await using var adapter = await Connect(elm);
        var coolant = Assert.Single(await new ObdClient(adapter).ReadLiveValuesAsync([0x05], TestContext.Current.CancellationToken));
        Assert.Equal(("11", 83.0), (coolant.Ecu, coolant.Value));
    }

    [Fact]
    public async Task Given_j1850_vpw_Then_trailing_crc_is_dropped()
    {
        var elm = new FakeElm { Protocol = "A2", ProtocolText = "AUTO, SAE J1850 VPW" };
        elm.Answers["0100"] = ["48 6B 10 41 00 98 18 00 01 5C"];
        elm.Answers["010D"] = ["48 6B 10 41 0D 3C 9A"];
        await using var adapter = await Connect(elm);
        Assert.Equal(60, Assert.Single(await new ObdClient(adapter).ReadLiveValuesAsync([0x0D], TestContext.Current.CancellationToken)).Value);
    }

    [Theory]
    [InlineData("UNABLE TO CONNECT", ElmError.UnableToConnect)]
    [InlineData("BUS INIT: ...ERROR", ElmError.BusInitError)]
    [InlineData("CAN ERROR", ElmError.CanError)]
    [InlineData("BUFFER FULL", ElmError.BufferFull)]
    [InlineData("STOPPED", ElmError.Stopped)]
    [InlineData("?", ElmError.UnknownCommand)]
    [InlineData("NO DATA", ElmError.NoData)]
    public async Task Given_adapter_error_on_first_request_Then_typed_error_names_it(string line, ElmError expected)
    {
        var elm = new FakeElm();
        elm.Answers["0100"] = ["SEARCHING...", line];
        var e = await Assert.ThrowsAsync<ElmErrorException>(() => Connect(elm));
        Assert.Equal(expected, e.Error);
        Assert.Contains(expected.ToDisplayText(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_data_for_permanent_codes_Then_answer_is_empty_not_an_error()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["0A"] = ["NO DATA"];
        await using var adapter = await Connect(elm);
        Assert.Empty(await new ObdClient(adapter).ReadTroubleCodesAsync(DtcKind.Permanent, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_adapter_that_answers_garbage_to_ATE0_Then_it_is_rejected_as_not_an_elm327()
    {
        var elm = new FakeElm();
        elm.At["ATE0"] = ["#$%^&*"];
        var e = await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => Connect(elm));
        Assert.Contains("not an ELM327", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_requires_explicit_confirmation()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["04"] = ["7E8 01 44 00 00 00 00 00 00", "7E9 01 44 00 00 00 00 00 00"];
        await using var adapter = await Connect(elm);
        var client = new ObdClient(adapter);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ClearTroubleCodesAsync(ClearConfirmation.NotConfirmed, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("04", elm.ObdRequests);
        Assert.Equal(["7E8", "7E9"], await client.ClearTroubleCodesAsync(ClearConfirmation.EraseCodesFreezeFramesAndReadiness, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_clear_refused_by_ecu_Then_nrc_is_named()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["04"] = ["7E8 03 7F 04 22 00 00 00 00"];
        await using var adapter = await Connect(elm);
        var e = await Assert.ThrowsAsync<UdsNegativeResponseException>(() => new ObdClient(adapter).ClearTroubleCodesAsync(ClearConfirmation.EraseCodesFreezeFramesAndReadiness, TestContext.Current.CancellationToken));
        Assert.Contains("conditionsNotCorrect", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mode_09_identification_reads_ecu_name_calibration_ids_and_cvns()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["090A"] = ["7E8 10 17 49 0A 01 45 43 4D", "7E8 21 00 2D 45 6E 67 69 6E", "7E8 22 65 43 6F 6E 74 72 6F", "7E8 23 6C 00 00 00 00 00 00"];
        elm.Answers["0904"] = ["7E8 10 13 49 04 01 4A 4D 42", "7E8 21 2A 31 32 33 34 35 36", "7E8 22 37 38 39 00 00 00 00"];
        elm.Answers["0906"] = ["7E8 07 49 06 01 1A 2B 3C 4D"];
        await using var adapter = await Connect(elm);
        var id = Assert.Single(await new ObdClient(adapter).ReadIdentificationAsync(TestContext.Current.CancellationToken));
        Assert.Equal("ECM-EngineControl", id.Name);
        Assert.Equal(["JMB*123456789"], id.CalibrationIds);
        Assert.Equal(["1A2B3C4D"], id.CalibrationVerificationNumbers);
    }

    [Fact]
    public async Task Mode_06_results_are_scaled_by_unit_and_scaling_id()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["0600"] = ["7E8 06 46 00 00 00 00 01 00"];
        elm.Answers["0620"] = ["7E8 06 46 20 80 00 00 00 00"];
        elm.Answers["0621"] = ["7E8 10 0A 46 21 81 0C 01 2C", "7E8 21 00 00 01 F4 00 00 00"];
        await using var adapter = await Connect(elm);
        var result = Assert.Single(await new ObdClient(adapter).ReadMonitorResultsAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Catalyst monitor bank 1", result.Monitor);
        Assert.Equal((3.0, 0.0, 5.0, "V"), (result.Value, result.Min, result.Max, result.Unit));
        Assert.True(result.Passed);
    }

    [Fact]
    public async Task Given_a_garbled_answer_Then_the_read_is_asked_again()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Once["0902"] = new([["7E8 10 14 49 02 01 31 48 47", "7E8 22 41 30 30 34 33 35 32"]]);
        await using var adapter = await Connect(elm);
        var vin = await new ObdClient(adapter).ReadVinAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Transcripts.Vin, vin!.Text);
        Assert.Equal(2, elm.ObdRequests.Count(r => r == "0902"));
    }

    [Fact]
    public async Task Given_an_ecu_missing_from_the_codes_answer_Then_it_is_asked_again_twice_and_then_accepted()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["07"] = ["7E8 04 47 01 01 71 00 00 00"];
        await using var adapter = await Connect(elm);
        var codes = await new ObdClient(adapter).ReadTroubleCodesAsync(DtcKind.Pending, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("P0171", Assert.Single(Assert.Single(codes).Codes).ToString());
        Assert.Equal(3, elm.ObdRequests.Count(r => r == "07"));
    }

    [Fact]
    public async Task Given_garbled_answers_every_time_Then_the_error_surfaces_after_two_retries()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Answers["0902"] = ["7E8 10 14 49 02 01 31 48 47", "7E8 23 41 30 30 34 33 35 32"];
        await using var adapter = await Connect(elm);
        await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => new ObdClient(adapter).ReadVinAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, elm.ObdRequests.Count(r => r == "0902"));
    }

    [Fact]
    public async Task Given_stored_codes_fewer_than_pid_01_counts_Then_service_03_is_asked_again()
    {
        var elm = Transcripts.Can11Misfire();
        elm.Once["03"] = new([["7E8 04 43 01 03 00 00 00 00", "7E9 02 43 00 00 00 00 00 00"]]);
        await using var adapter = await Connect(elm);
        var report = await new ObdScanner(new ObdClient(adapter)).ScanAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, report.Dtcs.Count(d => d.Kind == DtcKind.Stored));
        Assert.Equal(2, elm.ObdRequests.Count(r => r == "03"));
        Assert.Empty(report.Warnings);
    }

    internal static string Legacy(string bytesWithoutChecksum)
    {
        var bytes = Hex.Parse(bytesWithoutChecksum);
        byte sum = 0;
        foreach (var b in bytes) sum += b;
        return $"{bytesWithoutChecksum} {sum:X2}";
    }
}

/// <summary>IProgress that reports on the caller's thread, so a test sees every stage in order.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
