using System.Text;
using Pitlane.Platform;
using Pitlane.Modules.Telemetry;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>The batch parser against hostile device bytes: it answers with a field error, never an exception.</summary>
public sealed class BatchParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);

    private static BatchParser Parser(int maxSamples = 100) => new(maxSamples, TimeSpan.FromMinutes(5), new FixedTime(Now));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static ParseResult Parse(string json, int maxSamples = 100) => Parser(maxSamples).Parse(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"batchId":"d","samples":[{"t":"2026-11-22T05:00:00Z","pid":"0C","value":1,"value":2}]}""", "samples[0].value")]
    [InlineData("""{"batchId":"d","samples":[{"t":"2026-11-22T05:00:00Z","pid":"0C","pid":"0D","value":1}]}""", "samples[0].pid")]
    [InlineData("""{"batchId":"d","samples":[{"t":"2026-11-22T05:00:00Z","t":"2026-11-22T05:00:01Z","pid":"0C","value":1}]}""", "samples[0].t")]
    [InlineData("""{"batchId":"d","batchId":"e","samples":[{"t":"2026-11-22T05:00:00Z","pid":"0C","value":1}]}""", "batchId")]
    [InlineData("""{"batchId":"d","samples":[{"t":"2026-11-22T05:00:00Z","pid":"0C","value":1}],"samples":[]}""", "samples")]
    public void Given_a_key_twice_in_one_object_Then_400_names_the_field_and_nothing_is_taken(string json, string field)
    {
        var result = Parse(json);
        Assert.Null(result.Batch);
        Assert.NotNull(result.Errors);
        Assert.Contains(result.Errors[field], m => m.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_key_repeated_87_thousand_times_Then_the_answer_and_the_work_stay_small()
    {
        // 6 bytes a repeat: about 87,000 of them in the 512 KiB a batch may be.
        var body = new StringBuilder("""{"batchId":"flood","samples":[{"t":"2026-11-22T05:00:00Z","pid":"0C","value":1""");
        while (body.Length < 512 * 1024 - 16)
        {
            body.Append(""","t":1""");
        }
        body.Append("}]}");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        var parser = Parser();
        parser.Parse(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = parser.Parse(bytes);
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(result.Batch);
        Assert.True(result.Errors!.Values.Sum(v => v.Length) <= BatchParser.MaxErrors * BatchParser.MaxMessagesPerField);
        Assert.True(allocated < 256 * 1024, $"parsing the flood allocated {allocated:N0} bytes");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"parsing the flood took {watch.Elapsed.TotalMilliseconds:N0} ms");
    }

    [Fact]
    public void Given_valid_batch_Then_samples_in_UTC_with_canonical_pids()
    {
        var result = Parse("""{"batchId":"a-1","samples":[{"t":"2026-11-22T06:00:00+01:00","pid":"0c","value":812.25},{"t":"2026-11-22T04:59:59.5Z","pid":"gps.lat","value":-33.9}],"firmware":{"v":[1,2]}}""");
        var batch = Assert.IsType<ParsedBatch>(result.Batch);
        Assert.Equal("a-1", batch.BatchId);
        Assert.Equal(new DateTime(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc), batch.Samples[0].T);
        Assert.Equal(DateTimeKind.Utc, batch.Samples[0].T.Kind);
        Assert.Equal("0C", batch.Samples[0].Pid);
        Assert.Equal("gps.lat", batch.Samples[1].Pid);
        Assert.Equal(-33.9, batch.Samples[1].Value);
    }

    [Fact]
    public void Given_deep_nesting_Then_body_error_not_stack_overflow()
    {
        var deep = "{\"batchId\":\"d\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + ",\"samples\":[]}";
        var result = Parse(deep);
        Assert.True(result.Errors!.ContainsKey("body"));
    }

    [Fact]
    public void Given_non_UTF8_bytes_Then_body_error()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":1}]}").ToList();
        bytes.InsertRange(12, new byte[] { 0xC3, 0x28, 0xFF });
        var result = Parser().Parse(bytes.ToArray());
        Assert.True(result.Errors!.ContainsKey("body"));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e16")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("\"NaN\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("{\"v\":1}")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890e300")]
    public void Given_unacceptable_value_Then_rejected(string value)
    {
        var result = Parse($$"""{"batchId":"v","samples":[{"t":"2026-11-22T05:00:00Z","pid":"0C","value":{{value}}}]}""");
        Assert.Null(result.Batch);
        Assert.True(result.Errors!.ContainsKey("samples[0].value") || result.Errors.ContainsKey("body"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("\"batch\"")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[]} trailing")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[],}")]
    [InlineData("{\"batchId\":\"x\",/*c*/\"samples\":[]}")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":1}")]
    public void Given_malformed_JSON_Then_body_error(string json)
    {
        var result = Parse(json);
        Assert.Null(result.Batch);
        Assert.True(result.Errors!.ContainsKey("body"), string.Join(",", result.Errors.Keys));
    }

    [Theory]
    [InlineData("0G")]
    [InlineData("012")]
    [InlineData("GPS.lat")]
    [InlineData("gps")]
    [InlineData("gps.")]
    [InlineData("a.b.c.d.e")]
    [InlineData("gps.l\\u0061t")]
    [InlineData("gps.lat\u0000")]
    [InlineData("very.long.signal_name_that_goes_past_32")]
    public void Given_bad_pid_Then_rejected_naming_it(string pid)
    {
        var result = Parse($$"""{"batchId":"p","samples":[{"t":"2026-11-22T05:00:00Z","pid":"{{pid.Replace("\u0000", "\\u0000", StringComparison.Ordinal)}}","value":1}]}""");
        Assert.Null(result.Batch);
        Assert.True(result.Errors!.ContainsKey("samples[0].pid"));
    }

    [Fact]
    public void Given_more_samples_than_allowed_Then_too_large_without_reading_on()
    {
        var samples = string.Join(",", Enumerable.Repeat("{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":1}", 11));
        var result = Parse($$"""{"batchId":"n","samples":[{{samples}}]}""", maxSamples: 10);
        Assert.NotNull(result.TooLarge);
        Assert.Contains("MaxBatchSamples", result.TooLarge, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_many_bad_samples_Then_error_count_is_bounded()
    {
        var samples = string.Join(",", Enumerable.Repeat("{\"t\":\"x\",\"pid\":\"?\",\"value\":\"y\"}", 100));
        var result = Parse($$"""{"batchId":"n","samples":[{{samples}}]}""");
        Assert.True(result.Errors!.Count <= BatchParser.MaxErrors);
    }

    [Fact]
    public void Given_sample_before_OBD_II_or_in_the_future_Then_t_rejected()
    {
        Assert.True(Parse("""{"batchId":"x","samples":[{"t":"1970-01-01T00:00:00Z","pid":"0C","value":1}]}""").Errors!.ContainsKey("samples[0].t"));
        Assert.True(Parse("""{"batchId":"x","samples":[{"t":"2026-11-22T05:06:00Z","pid":"0C","value":1}]}""").Errors!.ContainsKey("samples[0].t"));
        Assert.NotNull(Parse("""{"batchId":"x","samples":[{"t":"2026-11-22T05:04:00Z","pid":"0C","value":1}]}""").Batch);
    }

    [Fact]
    public void Given_telemetry_options_out_of_range_Then_each_fault_names_its_setting()
    {
        var platform = new PitlaneOptions { MaxRequestBodyBytes = 1 << 20 };
        var faults = new List<string>();
        new TelemetryOptions { MaxBatchBytes = 2_000_000, RetentionDays = 0, MaxBatchSamples = 0 }.Validate(faults, platform);
        Assert.Contains(faults, f => f.StartsWith("Pitlane:VehicleTelemetry:MaxBatchBytes", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:VehicleTelemetry:RetentionDays", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:VehicleTelemetry:MaxBatchSamples", StringComparison.Ordinal));
        var none = new List<string>();
        new TelemetryOptions().Validate(none, platform);
        Assert.Empty(none);
    }
}
