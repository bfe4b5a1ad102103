using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Protocol;
using Pitlane.Obd.Transport;
using Pitlane.Obd.Uds;

namespace Pitlane.Obd.Tests;

public class PidDecoderTests
{
    [Fact]
    public void Multi_pid_answer_decodes_every_value_without_allocating()
    {
        byte[] payload = Hex.Parse("410C1AF80D3C057B048042 36B0");
        Span<PidReading> readings = stackalloc PidReading[16];
        PidDecoder.TryDecode(payload, readings, out _); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ok = PidDecoder.TryDecode(payload, readings, out int n);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ok);
        Assert.Equal(0, allocated);
        Assert.Equal([1726, 60, 83, 50.196, 14.0], readings[..n].ToArray().Select(r => Math.Round(r.Value, 3)));
    }

    [Theory]
    [InlineData("4106807F", 0x06, 0.0)] // STFT (A-128)*100/128
    [InlineData("410E00", 0x0E, -64.0)] // timing advance A/2-64
    [InlineData("41100190", 0x10, 4.0)] // MAF (256A+B)/100
    [InlineData("413C0FA0", 0x3C, 360.0)] // catalyst (256A+B)/10-40
    [InlineData("4132FFFC", 0x32, -1.0)] // evap vapour pressure, signed /4
    [InlineData("41A600000064", 0xA6, 10.0)] // odometer /10
    public void Single_pid_scaling_follows_j1979(string hex, byte pid, double expected)
    {
        Span<PidReading> readings = stackalloc PidReading[8];
        Assert.True(PidDecoder.TryDecode(Hex.Parse(hex), readings, out int n));
        Assert.True(n >= 1);
        Assert.Equal(pid, readings[0].Pid);
        Assert.Equal(expected, readings[0].Value, 3);
    }

    [Fact]
    public void Fuel_trim_with_bank_3_byte_is_split_by_backtracking()
    {
        // PID 06 with the optional bank 3 byte, then 0C: only the 2-byte reading of 06 consumes the payload exactly.
        Span<PidSegment> segments = stackalloc PidSegment[8];
        Assert.True(PidDecoder.TrySplit(Hex.Parse("410680800C1AF8"), segments, out int n));
        Assert.Equal([(0x06, 2), (0x0C, 2)], segments[..n].ToArray().Select(s => ((int)s.Pid, s.Length)));
    }

    [Fact]
    public void Freeze_frame_answer_skips_frame_numbers()
    {
        Span<PidReading> readings = stackalloc PidReading[8];
        Assert.True(PidDecoder.TryDecode(Hex.Parse("420C000BB80D0000"), readings, out int n));
        Assert.Equal([750.0, 0.0], readings[..n].ToArray().Select(r => r.Value));
    }

    [Fact]
    public void Every_scaled_pid_has_sane_range_and_length()
    {
        foreach (var d in PidTable.All)
        {
            Assert.True(d.Length > 0, $"{d.Pid:X2}");
            foreach (var v in d.Values)
            {
                Assert.True(v.Min <= v.Max, $"{d.Pid:X2} {v.Name}");
                Assert.True(v.Offset + v.Length <= Math.Max(d.Length, d.AlternativeLength), $"{d.Pid:X2} {v.Name}");
            }
        }
        Assert.True(PidTable.All.Count(d => !d.Primary.Encoded) > 80);
    }
}

public class DtcTests
{
    [Theory]
    [InlineData(0x01, 0x33, "P0133")]
    [InlineData(0x03, 0x00, "P0300")]
    [InlineData(0x41, 0x00, "C0100")]
    [InlineData(0x81, 0x23, "B0123")]
    [InlineData(0xC1, 0x00, "U0100")]
    [InlineData(0x24, 0x0A, "P240A")]
    [InlineData(0xFF, 0xFF, "U3FFF")]
    public void Two_bytes_decode_to_j2012_code(byte a, byte b, string expected)
    {
        var code = TroubleCode.FromBytes(a, b);
        Assert.Equal(expected, code.ToString());
        Assert.Equal(code, TroubleCode.Parse(expected));
    }

    [Fact]
    public void Pairs_skip_zero_fillers_without_allocating()
    {
        byte[] pairs = [0x03, 0x00, 0x00, 0x00, 0x01, 0x71];
        Span<TroubleCode> codes = stackalloc TroubleCode[4];
        Assert.Equal(2, TroubleCode.ParsePairs(pairs, codes));
        Assert.Equal("P0171", codes[1].ToString());
    }

    [Theory]
    [InlineData("P1234", true, "Fuel and air metering")]
    [InlineData("P3000", true, "Powertrain")]
    [InlineData("P3400", false, "Cylinder deactivation")]
    [InlineData("P2300", false, "Ignition system or misfire")]
    [InlineData("P0A80", false, "Hybrid propulsion")]
    [InlineData("U1234", true, "Network")]
    [InlineData("U0401", false, "Network data")]
    [InlineData("B1000", true, "Body")]
    [InlineData("C0000", false, "Chassis")]
    public void Range_description_follows_j2012(string code, bool manufacturer, string system)
    {
        var d = DtcKnowledge.DescribeByRange(TroubleCode.Parse(code));
        Assert.Equal(manufacturer, d.ManufacturerSpecific);
        Assert.Equal(system, d.System);
        Assert.Equal(DtcDescriptionSource.Range, d.Source);
        Assert.Contains(code, d.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void P0300_is_described_by_the_shipped_database()
    {
        if (DtcKnowledge.DatabaseCount == 0) Assert.Skip("src/Pitlane.Obd/Dtc/generic-dtcs.tsv is not there yet");
        var d = DtcKnowledge.Describe("P0300");
        Assert.Equal(DtcDescriptionSource.Database, d.Source);
        Assert.Contains("misfire", d.Description, StringComparison.OrdinalIgnoreCase);
        Assert.True(d.Severity >= DtcSeverity.Medium);
    }

    [Fact]
    public void Unknown_manufacturer_code_falls_back_to_its_range()
    {
        var d = DtcKnowledge.Describe("P1FFF");
        Assert.Equal(DtcDescriptionSource.Range, d.Source);
        Assert.True(d.ManufacturerSpecific);
    }

    [Fact]
    public void Database_parser_rejects_bad_severity_with_the_line_number()
    {
        var e = Assert.Throws<InvalidDataException>(() => DtcKnowledge.Parse(new StringReader("code\tsystem\tseverity\tdescription\nP0300\tIgnition\tfatal\tMisfire\n")));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }
}

public class ReadinessTests
{
    [Fact]
    public void Spark_ignition_monitors_decode_supported_and_incomplete()
    {
        var r = ReadinessStatus.Decode("7E8", [0x83, 0x07, 0x65, 0x04]);
        Assert.True(r.MilOn);
        Assert.Equal(3, r.DtcCount);
        Assert.Equal(IgnitionType.Spark, r.Ignition);
        Assert.Equal(["Misfire", "Fuel system", "Components", "Catalyst", "Evaporative system", "Oxygen sensor", "Oxygen sensor heater"], r.Monitors.Where(m => m.Supported).Select(m => m.Name));
        Assert.Equal(["Evaporative system"], r.Monitors.Where(m => m.Supported && !m.Complete).Select(m => m.Name));
        Assert.False(r.AllSupportedComplete);
    }

    [Fact]
    public void Compression_ignition_uses_the_diesel_monitor_names()
    {
        var r = ReadinessStatus.Decode("7E8", [0x00, 0x0F, 0xE9, 0x40]);
        Assert.Equal(IgnitionType.Compression, r.Ignition);
        Assert.Equal(["NMHC catalyst", "Boost pressure", "Exhaust gas sensor", "PM filter", "EGR/VVT system"], r.Monitors.Skip(3).Where(m => m.Supported).Select(m => m.Name));
        Assert.False(r.Monitors.Single(m => m.Name == "PM filter").Complete);
    }
}

public class UdsParsingTests
{
    [Fact]
    public void Dtc_records_decode_status_bits()
    {
        var dtcs = UdsClient.ParseDtcRecords(Hex.Parse("5902FF030000AF0301132C"));
        Assert.Equal(2, dtcs.Count);
        Assert.Equal("P0300-00", dtcs[0].DisplayCode);
        Assert.Equal(DtcStatus.TestFailed | DtcStatus.TestFailedThisOperationCycle | DtcStatus.PendingDtc | DtcStatus.ConfirmedDtc | DtcStatus.TestFailedSinceLastClear | DtcStatus.WarningIndicatorRequested, dtcs[0].Status);
        Assert.Equal("P0301-13", dtcs[1].DisplayCode);
        Assert.True(dtcs[1].Status.HasFlag(DtcStatus.ConfirmedDtc));
    }

    [Theory]
    [InlineData(0x31, "requestOutOfRange")]
    [InlineData(0x78, "requestCorrectlyReceivedResponsePending")]
    [InlineData(0x7F, "serviceNotSupportedInActiveSession")]
    [InlineData(0x22, "conditionsNotCorrect")]
    public void Nrc_names_follow_iso_14229(byte nrc, string name) => Assert.Equal(name, NegativeResponseCodes.Name(nrc));
}

public class AdapterAddressTests
{
    [Fact]
    public void Tcp_and_serial_addresses_parse()
    {
        Assert.Equal(new TcpAdapterAddress("192.168.0.10", 35000), AdapterAddress.Parse("tcp://192.168.0.10:35000"));
        Assert.Equal(new SerialAdapterAddress("/dev/ttyUSB0", 38400), AdapterAddress.Parse("serial:///dev/ttyUSB0?baud=38400"));
        Assert.Equal(new SerialAdapterAddress("/dev/rfcomm0", 38400), AdapterAddress.Parse("serial:///dev/rfcomm0"));
    }

    [Theory]
    [InlineData("192.168.0.10:35000", "not a URI")]
    [InlineData("http://host:1", "scheme 'http'")]
    [InlineData("tcp://host", "no port")]
    [InlineData("serial:///dev/ttyUSB0?baud=12345", "baud '12345'")]
    [InlineData("serial://dev/ttyUSB0", "three slashes")]
    [InlineData("serial:///tmp/x", "not a device")]
    [InlineData("serial:///dev/ttyUSB0?parity=even", "unknown option 'parity'")]
    public void Bad_addresses_say_what_is_wrong(string text, string message)
    {
        var e = Assert.Throws<AdapterUriException>(() => AdapterAddress.Parse(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}

public class ElmOptionsTests
{
    [Fact]
    public void Impossible_settings_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Pitlane.Obd.Elm.ElmOptions { CommandTimeout = TimeSpan.Zero }.Validate());
        Assert.Equal("CommandTimeout", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pitlane.Obd.Elm.ElmOptions { AdaptiveTiming = 3 }.Validate());
    }
}
