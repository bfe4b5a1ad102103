using System.Globalization;
using System.Text.Json;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry;

/// <summary>One measurement: a time (UTC), a signal and its value in the signal's standard unit.</summary>
public readonly record struct Sample(DateTime T, string Pid, double Value);

public sealed record ParsedBatch(string BatchId, Sample[] Samples);

/// <summary>The outcome of parsing device bytes: a batch, field errors (400), or a size fault (413).</summary>
public sealed record ParseResult(ParsedBatch? Batch, Dictionary<string, string[]>? Errors, string? TooLarge)
{
    public static ParseResult Invalid(string field, string message) => new(null, new Dictionary<string, string[]> { [field] = [message] }, null);
}

/// <summary>
/// Parses a batch, <c>{"batchId": "...", "samples": [{"t": "...", "pid": "0C", "value": 812.5}, ...]}</c>, straight
/// from the device's UTF-8 bytes with <see cref="Utf8JsonReader"/>: bytes from devices are hostile until proven
/// otherwise, so depth, counts, lengths and number ranges are bounded and invalid UTF-8 is a 400, never an exception
/// that escapes. A batch with any invalid sample is rejected whole (all or nothing).
/// </summary>
public sealed class BatchParser(int maxSamples, TimeSpan maxClockSkew, TimeProvider time)
{
    public const int MaxBatchIdLength = 64;
    public const int MaxErrors = 20;
    public const int MaxMessagesPerField = 3;

    /// <summary>OBD-II became mandatory for US model year 1996: an earlier timestamp is a device clock that was never set.</summary>
    public static readonly DateTime EarliestSample = new(1996, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Far beyond any physical quantity a vehicle reports, and exactly representable as a double.</summary>
    public const double MaxAbsValue = 1e15;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        // Batch JSON is two levels deep (object, array of objects); a little slack for ignored extension fields.
        MaxDepth = 6,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public ParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        // RFC 8259 §8.1: JSON exchanged between systems is UTF-8. Checked once up front (vectorised), so no later
        // transcoding of a string can fail half-way through a batch.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return ParseResult.Invalid("body", "The body is not valid UTF-8.");
        }
        try
        {
            return ParseCore(utf8);
        }
        catch (JsonException e)
        {
            // Syntax, depth and invalid UTF-8 faults all surface as JsonException with a position.
            return ParseResult.Invalid("body", $"The body is not valid batch JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }
    }

    private ParseResult ParseCore(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ParseResult.Invalid("body", "The body must be a JSON object with batchId and samples.");
        }
        string? batchId = null;
        var batchIdSeen = false;
        var samplesSeen = false;
        bool batchIdRepeated = false, samplesRepeated = false;
        List<Sample>? samples = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var now = time.GetUtcNow().UtcDateTime;
        var latest = now + maxClockSkew;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("batchId"u8))
            {
                reader.Read();
                if (batchIdSeen)
                {
                    Duplicate(ref reader, errors, ref batchIdRepeated, null, "batchId");
                    continue;
                }
                batchIdSeen = true;
                batchId = ReadBatchId(ref reader, errors);
            }
            else if (reader.ValueTextEquals("samples"u8))
            {
                reader.Read();
                if (samplesSeen)
                {
                    Duplicate(ref reader, errors, ref samplesRepeated, null, "samples");
                    continue;
                }
                samplesSeen = true;
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    Add(errors, "samples", "samples must be an array.");
                    continue;
                }
                samples = new List<Sample>(Math.Min(maxSamples, 1024));
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (index >= maxSamples)
                    {
                        return new ParseResult(null, null, $"A batch holds at most {maxSamples} samples (Pitlane:VehicleTelemetry:MaxBatchSamples).");
                    }
                    if (ReadSample(ref reader, index, errors, latest) is { } sample)
                    {
                        samples.Add(sample);
                    }
                    index++;
                }
            }
            else
            {
                // Extension fields a device firmware may add are ignored, within the depth bound.
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return ParseResult.Invalid("body", "The body must be one JSON object.");
        }
        if (reader.Read())
        {
            return ParseResult.Invalid("body", "Nothing may follow the batch object.");
        }
        if (!batchIdSeen)
        {
            Add(errors, "batchId", "batchId is required.");
        }
        if (samples is null)
        {
            Add(errors, "samples", "samples is required.");
        }
        else if (samples.Count == 0 && errors.Count == 0)
        {
            Add(errors, "samples", "A batch holds at least one sample.");
        }
        return errors.Count > 0 ? new ParseResult(null, errors, null) : new ParseResult(new ParsedBatch(batchId!, [.. samples!]), null, null);
    }

    private static string? ReadBatchId(ref Utf8JsonReader reader, Dictionary<string, string[]> errors)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            Add(errors, "batchId", "batchId must be a string.");
            return null;
        }
        var id = reader.GetString()!;
        if (id.Length is 0 or > MaxBatchIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            Add(errors, "batchId", $"batchId is 1 to {MaxBatchIdLength} characters of A-Z, a-z, 0-9, '-', '_', '.', ':'.");
            return null;
        }
        return id;
    }

    private static Sample? ReadSample(ref Utf8JsonReader reader, int index, Dictionary<string, string[]> errors, DateTime latest)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            Add(errors, $"samples[{index}]", "A sample must be an object with t, pid and value.");
            return null;
        }
        DateTime? t = null;
        string? pid = null;
        double? value = null;
        bool tSeen = false, pidSeen = false, valueSeen = false, valid = true;
        bool tRepeated = false, pidRepeated = false, valueRepeated = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                if (tSeen)
                {
                    // Reported once: the repeats of a flood cost no allocation.
                    valid = Duplicate(ref reader, errors, ref tRepeated, index, "t");
                    continue;
                }
                tSeen = true;
                t = ReadTime(ref reader, index, errors, latest);
                valid &= t is not null;
            }
            else if (reader.ValueTextEquals("pid"u8))
            {
                reader.Read();
                if (pidSeen)
                {
                    // Reported once: the repeats of a flood cost no allocation.
                    valid = Duplicate(ref reader, errors, ref pidRepeated, index, "pid");
                    continue;
                }
                pidSeen = true;
                pid = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? Signals.Canonical(reader.ValueSpan) : null;
                if (pid is null)
                {
                    reader.Skip();
                    valid = false;
                    Add(errors, $"samples[{index}].pid", "pid is a mode 01 PID as two hex digits (e.g. \"0C\") or a named signal such as \"gps.lat\".");
                }
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (valueSeen)
                {
                    // Reported once: the repeats of a flood cost no allocation.
                    valid = Duplicate(ref reader, errors, ref valueRepeated, index, "value");
                    continue;
                }
                valueSeen = true;
                // JSON (RFC 8259 §6) has no NaN or Infinity literals, but 1e400 parses to infinity: bounded explicitly.
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var v) && double.IsFinite(v) && Math.Abs(v) <= MaxAbsValue)
                {
                    value = v;
                }
                else
                {
                    reader.Skip();
                    valid = false;
                    Add(errors, $"samples[{index}].value", $"value must be a finite number within ±{MaxAbsValue:0e0}.");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (!tSeen)
        {
            Add(errors, $"samples[{index}].t", "t is required.");
        }
        if (!pidSeen)
        {
            Add(errors, $"samples[{index}].pid", "pid is required.");
        }
        if (!valueSeen)
        {
            Add(errors, $"samples[{index}].value", "value is required.");
        }
        return valid && t is { } time && pid is not null && value is { } number ? new Sample(time, pid, number) : null;
    }

    private static DateTime? ReadTime(ref Utf8JsonReader reader, int index, Dictionary<string, string[]> errors, DateTime latest)
    {
        var field = $"samples[{index}].t";
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            Add(errors, field, "t must be an ISO 8601 UTC timestamp string, e.g. \"2026-11-22T05:00:00.250Z\".");
            return null;
        }
        // ISO 8601 with an explicit offset only: a time without one would be read in the server's zone.
        var raw = reader.ValueSpan;
        var explicitOffset = !reader.ValueIsEscaped && raw.Length >= 20
            && (raw[^1] == (byte)'Z' || (raw.Length >= 25 && raw[^3] == (byte)':' && raw[^6] is (byte)'+' or (byte)'-'));
        if (!explicitOffset || !reader.TryGetDateTimeOffset(out var stamp))
        {
            Add(errors, field, "t must be an ISO 8601 timestamp with Z or an offset, e.g. \"2026-11-22T05:00:00.250Z\".");
            return null;
        }
        var utc = stamp.UtcDateTime;
        if (utc < EarliestSample || utc > latest)
        {
            Add(errors, field, string.Create(CultureInfo.InvariantCulture,
                $"t must lie between {EarliestSample:yyyy-MM-dd} and the server's clock plus the allowed skew ({latest:O})."));
            return null;
        }
        return utc;
    }

    /// <summary>
    /// A key given twice in one object (RFC 8259 §4 leaves the meaning to the receiver): refused, naming the field, rather
    /// than letting the last one win. Skips the repeated value; always false (the sample is invalid).
    /// </summary>
    private static bool Duplicate(ref Utf8JsonReader reader, Dictionary<string, string[]> errors, ref bool reported, int? sample, string name)
    {
        reader.Skip();
        if (!reported)
        {
            reported = true;
            Add(errors, sample is { } index ? $"samples[{index}].{name}" : name, $"{name} appears more than once; give each field once.");
        }
        return false;
    }

    /// <summary>At most <see cref="MaxErrors"/> fields and <see cref="MaxMessagesPerField"/> distinct messages per field, so hostile input cannot grow the answer.</summary>
    private static void Add(Dictionary<string, string[]> errors, string field, string message)
    {
        if (errors.TryGetValue(field, out var existing))
        {
            if (existing.Length < MaxMessagesPerField && Array.IndexOf(existing, message) < 0)
            {
                errors[field] = [.. existing, message];
            }
            return;
        }
        if (errors.Count < MaxErrors)
        {
            errors[field] = [message];
        }
    }
}
