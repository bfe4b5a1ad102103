using System.Globalization;
using System.Text;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.Elm;
using Pitlane.Obd.Protocol;

namespace Pitlane.Obd.J1979;

/// <summary>The data of one PID in one ECU's answer.</summary>
public sealed record PidData(string Ecu, byte Pid, byte[] Data);

/// <summary>Explicit consent for service 04, which also erases freeze frames, monitor results and readiness.</summary>
public enum ClearConfirmation
{
    NotConfirmed = 0,
    EraseCodesFreezeFramesAndReadiness = 1,
}

/// <summary>
/// SAE J1979 / ISO 15031-5 services over an ELM327 adapter, functionally addressed so every
/// emissions ECU answers. On CAN, service 01 requests carry up to six PIDs and service 02
/// requests up to three PID/frame pairs (ISO 15765-4); legacy protocols get one PID per request.
/// </summary>
public sealed class ObdClient
{
    public const int MaxPidsPerCanRequest = 6;
    public const int MaxFreezeFramePidsPerCanRequest = 3;
    private static readonly byte[] SupportBitmapPids = [0x00, 0x20, 0x40, 0x60, 0x80, 0xA0, 0xC0, 0xE0];

    private readonly int _retries;

    // Supported PIDs per ECU as discovered so far: who must answer a service 01 request.
    private readonly Dictionary<string, PidSet> _supported = [];

    // Every ECU that has given a positive answer to a J1979 read so far: an emissions ECU, which must answer 03, 07 and 0A.
    private readonly HashSet<string> _responders = new(StringComparer.Ordinal);

    /// <param name="retries">
    /// Extra attempts for a read whose answer arrived garbled (checksum, ISO-TP sequence, RX/CAN
    /// errors) or lacked an ECU known to be on the bus (<see cref="KnownEcus"/>): Bluetooth clones drop and mangle frames.
    /// </param>
    public ObdClient(Elm327Adapter adapter, int retries = 2)
    {
        Adapter = adapter;
        _retries = retries;
    }

    public Elm327Adapter Adapter { get; }

    public bool SupportsMultiPidRequests => Adapter.Protocol.IsCan();

    /// <summary>
    /// The ECUs known to be on the bus: those in the answer to the protocol search and every ECU that has
    /// given a positive answer to a read of this client (PIDs, VIN, trouble codes). Each of them must answer
    /// services 03, 07 and 0A; one missing from such an answer lost its frames. Empty ids (headers off) are left out.
    /// </summary>
    public IReadOnlyCollection<string> KnownEcus
    {
        get
        {
            var known = new SortedSet<string>(_responders, StringComparer.Ordinal);
            foreach (var m in Adapter.SearchAnswer?.Messages ?? []) known.Add(m.Ecu);
            known.Remove("");
            return known;
        }
    }

    private int PidsPerRequest => SupportsMultiPidRequests ? MaxPidsPerCanRequest : 1;

    /// <summary>Reads raw PID data with service 01, batching PIDs into as few requests as the protocol allows.</summary>
    public async Task<IReadOnlyList<PidData>> ReadPidDataAsync(IReadOnlyList<byte> pids, CancellationToken cancellationToken = default)
    {
        var result = new List<PidData>();
        foreach (var batch in pids.Distinct().Chunk(PidsPerRequest))
        {
            if (batch is [0x00] && Adapter.SearchAnswer is { } search && TryCollect(search, batch, out var searched))
                result.AddRange(searched);
            else
                result.AddRange(await RequestAsync("01" + Hex.Format(batch), (answer, last) =>
                {
                    var data = CollectPidData(answer, 0x41, 1, batch, last);
                    // An ECU known to support one of these PIDs that did not answer lost its frames.
                    var silent = _supported.FirstOrDefault(kv => batch.Any(kv.Value.Contains) && !data.Any(d => d.Ecu == kv.Key)).Key;
                    if (!last && silent is not null) throw new ObdMalformedAnswerException($"ECU {silent} did not answer 01{Hex.Format(batch)}");
                    return data;
                }, cancellationToken));
        }
        return result;
    }

    /// <summary>
    /// Supported PIDs per ECU (services 01 PIDs 00, 20, 40...). On CAN the bitmap PIDs are asked
    /// together (ECUs answer only those they support); <paramref name="alsoRead"/> PIDs ride along
    /// in the same requests, so PID 01 readiness costs no extra round trip.
    /// </summary>
    public async Task<(IReadOnlyList<EcuSupportedPids> Supported, IReadOnlyList<PidData> Extra)> ReadSupportedPidsAsync(IReadOnlyList<byte>? alsoRead = null, CancellationToken cancellationToken = default)
    {
        var sets = _supported;
        sets.Clear();
        var extra = new List<PidData>();
        // ECUs whose 0100 bitmap arrived, ECUs seen in any answer, and the bitmap PIDs asked for so far.
        var withBase = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var asked = new HashSet<byte> { 0x00 };
        void Apply(IEnumerable<PidData> data)
        {
            foreach (var d in data)
            {
                seen.Add(d.Ecu);
                if (PidTable.IsSupportBitmap(d.Pid))
                {
                    if (!sets.TryGetValue(d.Ecu, out var set)) sets[d.Ecu] = set = new PidSet();
                    set.AddBitmap(d.Pid, d.Data);
                    if (d.Pid == 0x00) withBase.Add(d.Ecu);
                }
                else
                {
                    extra.Add(d);
                }
            }
        }
        bool Any(byte pid) => sets.Values.Any(s => s.Contains(pid));

        // The bitmaps some ECU claims that were not asked for yet; on CAN, pending PIDs ride along.
        async Task ReadBitmapsAsync(List<byte> pending)
        {
            if (SupportsMultiPidRequests)
            {
                var round = new List<byte>(pending);
                pending.Clear();
                if (Any(0x20) && !asked.Contains(0x20))
                {
                    // 20 to A0 together: each ECU answers those it supports.
                    var next = SupportBitmapPids[1..6];
                    asked.UnionWith(next);
                    round.AddRange(next);
                }
                foreach (var batch in round.Chunk(MaxPidsPerCanRequest))
                    Apply(await ReadPidDataAsync(batch, cancellationToken));
                if (Any(0xC0) && asked.Add(0xC0))
                {
                    asked.Add(0xE0);
                    Apply(await ReadPidDataAsync([0xC0, 0xE0], cancellationToken));
                }
            }
            else
            {
                for (int i = 1; i < SupportBitmapPids.Length && Any(SupportBitmapPids[i]); i++)
                {
                    if (asked.Add(SupportBitmapPids[i])) Apply(await ReadPidDataAsync([SupportBitmapPids[i]], cancellationToken));
                }
            }
        }

        Apply(await ReadPidDataAsync([0x00], cancellationToken));
        var pending = new List<byte>(alsoRead ?? []);
        await ReadBitmapsAsync(pending);
        if (pending.Count > 0) Apply(await ReadPidDataAsync(pending, cancellationToken));

        // An ECU that answered a later request but not 0100 lost its frames of the protocol search answer, which
        // nothing asks again: without its bitmap its PIDs would be missing and it would not be expected in the
        // trouble-code answers. Ask 0100 again, until every such ECU is in it, then the bitmaps it claims.
        var late = seen.Where(e => !withBase.Contains(e)).ToList();
        if (late.Count > 0)
        {
            Apply(await RequestAsync("0100", (answer, last) =>
            {
                var data = CollectPidData(answer, 0x41, 1, [0x00], last);
                var silent = late.FirstOrDefault(e => !data.Any(d => d.Ecu == e && d.Pid == 0x00));
                if (!last && silent is not null) throw new ObdMalformedAnswerException($"ECU {silent} did not answer 0100");
                return data;
            }, cancellationToken));
            await ReadBitmapsAsync([]);
        }
        return (sets.Select(kv => new EcuSupportedPids(kv.Key, kv.Value)).ToList(), extra);
    }

    public async Task<IReadOnlyList<LiveValue>> ReadLiveValuesAsync(IReadOnlyList<byte> pids, CancellationToken cancellationToken = default) =>
        ToLiveValues(await ReadPidDataAsync(pids, cancellationToken));

    public static IReadOnlyList<LiveValue> ToLiveValues(IEnumerable<PidData> data)
    {
        var values = new List<LiveValue>();
        Span<PidReading> readings = stackalloc PidReading[8];
        foreach (var d in data)
        {
            int n = PidDecoder.DecodePid(d.Pid, d.Data, readings);
            for (int i = 0; i < n; i++)
            {
                if (!readings[i].Definition.Encoded) values.Add(LiveValue.From(d.Ecu, readings[i]));
            }
        }
        return values;
    }

    public async Task<IReadOnlyList<ReadinessStatus>> ReadReadinessAsync(CancellationToken cancellationToken = default) =>
        ToReadiness(await ReadPidDataAsync([0x01], cancellationToken));

    public static IReadOnlyList<ReadinessStatus> ToReadiness(IEnumerable<PidData> data) =>
        data.Where(d => d.Pid == 0x01).OrderBy(d => d.Ecu, StringComparer.Ordinal).Select(d => ReadinessStatus.Decode(d.Ecu, d.Data)).ToList();

    /// <summary>Service 02: the freeze frame's supported PIDs, then its trigger DTC and up to <paramref name="maxPids"/> scaled values.</summary>
    public async Task<IReadOnlyList<FreezeFrame>> ReadFreezeFrameAsync(int maxPids = 16, byte frame = 0, CancellationToken cancellationToken = default)
    {
        var frameHex = frame.ToString("X2", CultureInfo.InvariantCulture);
        var support = await RequestAsync("0200" + frameHex, (answer, _) => CollectPidData(answer, 0x42, 2, [0x00], last: true), cancellationToken);
        var frames = new List<FreezeFrame>();
        if (support.Count == 0) return frames;
        var perEcu = new Dictionary<string, PidSet>();
        foreach (var s in support)
        {
            if (!perEcu.TryGetValue(s.Ecu, out var set)) perEcu[s.Ecu] = set = new PidSet();
            set.AddBitmap(0x00, s.Data);
        }
        var union = new PidSet();
        foreach (var set in perEcu.Values) union.UnionWith(set);
        var wanted = union.Pids.Where(p => p == 0x02 || (PidTable.HasScaling(p) && !PidTable.IsSupportBitmap(p))).Take(maxPids + 1).ToList();
        var data = new List<PidData>();
        int perRequest = SupportsMultiPidRequests ? MaxFreezeFramePidsPerCanRequest : 1;
        foreach (var batch in wanted.Chunk(perRequest))
        {
            var request = new StringBuilder("02");
            foreach (var pid in batch) request.Append(CultureInfo.InvariantCulture, $"{pid:X2}{frameHex}");
            // NO DATA is a plausible answer here (an ECU may hold no frame), so only garbled answers are asked again.
            data.AddRange(await RequestAsync(request.ToString(), (answer, _) => CollectPidData(answer, 0x42, 2, batch, last: true), cancellationToken));
            // The first batch starts with PID 02: when no ECU names a trigger code there is no freeze frame to read.
            if (batch.Contains((byte)0x02) && !data.Any(d => d.Pid == 0x02 && d.Data.Length >= 2 && (d.Data[0] | d.Data[1]) != 0)) break;
        }
        foreach (var group in data.GroupBy(d => d.Ecu))
        {
            var trigger = group.FirstOrDefault(d => d.Pid == 0x02 && d.Data.Length >= 2);
            TroubleCode? code = trigger is null ? null : TroubleCode.FromBytes(trigger.Data[0], trigger.Data[1]);
            if (code is { IsEmpty: true }) continue; // 00 00: this ECU holds no freeze frame
            frames.Add(new FreezeFrame(group.Key, frame, code, ToLiveValues(group.Where(d => d.Pid != 0x02))));
        }
        return frames;
    }

    /// <summary>Services 03 (stored), 07 (pending) and 0A (permanent) trouble codes, per answering ECU.</summary>
    /// <param name="confirmedCounts">
    /// Per ECU, the confirmed-code count of PID 01 (byte A, bits 0-6). Service 03 must list that
    /// many codes; a shorter or longer list is treated as a garbled answer and asked again. Every ECU
    /// named here, like every one of <see cref="KnownEcus"/>, must answer: one missing is asked again too,
    /// and after the last attempt it is left out of the result: unknown, which a caller must not read as "no codes".
    /// </param>
    public async Task<IReadOnlyList<EcuTroubleCodes>> ReadTroubleCodesAsync(DtcKind kind, IReadOnlyDictionary<string, int>? confirmedCounts = null, CancellationToken cancellationToken = default)
    {
        byte service = kind switch { DtcKind.Stored => 0x03, DtcKind.Pending => 0x07, _ => 0x0A };
        // Not only the ECUs of the search answer: one whose 0100 frames were lost may have answered PID 01 or the VIN since.
        var known = KnownEcus.ToHashSet(StringComparer.Ordinal);
        if (confirmedCounts is not null) known.UnionWith(confirmedCounts.Keys.Where(e => e.Length > 0));
        return await RequestAsync(service.ToString("X2", CultureInfo.InvariantCulture), (answer, last) =>
        {
            var codes = ParseTroubleCodes(answer.Messages, kind, service, SupportsMultiPidRequests);
            // Every OBD ECU answers 03/07/0A, with zero codes if need be: a missing one lost its frames.
            var missing = known.FirstOrDefault(ecu => !answer.Messages.Any(m => m.Ecu == ecu));
            if (!last && missing is not null)
                throw new ObdMalformedAnswerException($"ECU {missing} did not answer service {service:X2}");
            var mismatch = kind == DtcKind.Stored && confirmedCounts is not null
                ? codes.FirstOrDefault(c => confirmedCounts.TryGetValue(c.Ecu, out int expected) && expected != c.Codes.Count)
                : null;
            if (!last && mismatch is not null)
                throw new ObdMalformedAnswerException($"ECU {mismatch.Ecu} listed {mismatch.Codes.Count} stored codes, PID 01 says {confirmedCounts![mismatch.Ecu]}");
            return codes;
        }, cancellationToken);
    }

    /// <summary>
    /// Parses service 03/07/0A answers: on CAN one message per ECU with a count byte; on legacy
    /// protocols several messages of three code slots each, padded with 00 00.
    /// </summary>
    public static IReadOnlyList<EcuTroubleCodes> ParseTroubleCodes(IReadOnlyList<EcuMessage> messages, DtcKind kind, byte service, bool can)
    {
        var perEcu = new Dictionary<string, List<TroubleCode>>();
        Span<TroubleCode> codes = stackalloc TroubleCode[128];
        foreach (var m in messages)
        {
            if (m.Payload.Length == 0 || m.Payload[0] != service + 0x40) continue;
            ReadOnlySpan<byte> pairs = m.Payload.AsSpan(1);
            if (can)
            {
                if (pairs.IsEmpty) throw new ObdMalformedAnswerException($"service {service:X2} answer from {m.Ecu} has no DTC count");
                int count = pairs[0];
                pairs = pairs[1..];
                if (pairs.Length < count * 2)
                    throw new ObdMalformedAnswerException($"service {service:X2} answer from {m.Ecu} announces {count} codes but carries {pairs.Length / 2}");
                pairs = pairs[..(count * 2)];
            }
            if (!perEcu.TryGetValue(m.Ecu, out var list)) perEcu[m.Ecu] = list = [];
            for (int offset = 0; offset < pairs.Length; offset += codes.Length * 2)
            {
                var chunk = pairs[offset..Math.Min(pairs.Length, offset + codes.Length * 2)];
                int n = TroubleCode.ParsePairs(chunk, codes);
                foreach (var code in codes[..n])
                {
                    if (!list.Contains(code)) list.Add(code);
                }
            }
        }
        return perEcu.Select(kv => new EcuTroubleCodes(kv.Key, kind, kv.Value)).ToList();
    }

    /// <summary>Service 04. Erases codes, freeze frames, monitor results and readiness; requires explicit confirmation.</summary>
    public async Task<IReadOnlyList<string>> ClearTroubleCodesAsync(ClearConfirmation confirmation, CancellationToken cancellationToken = default)
    {
        if (confirmation != ClearConfirmation.EraseCodesFreezeFramesAndReadiness)
            throw new InvalidOperationException("clearing trouble codes also erases freeze frames and readiness; pass ClearConfirmation.EraseCodesFreezeFramesAndReadiness to confirm");
        var answer = await Adapter.QueryAsync("04", cancellationToken);
        var rejected = answer.Messages.FirstOrDefault(m => m.Payload is [0x7F, 0x04, _, ..]);
        if (rejected is not null)
            throw new UdsNegativeResponseException(0x04, rejected.Payload[2], rejected.Ecu);
        var confirmed = answer.Messages.Where(m => m.Payload is [0x44, ..]).Select(m => m.Ecu).Distinct().ToList();
        if (confirmed.Count == 0) throw new ElmErrorException(ElmError.NoData, "04");
        return confirmed;
    }

    /// <summary>Service 06 (ISO 15765-4 format, CAN only): supported monitor ids, then each monitor's test results with scaling.</summary>
    public async Task<IReadOnlyList<MonitorTestResult>> ReadMonitorResultsAsync(CancellationToken cancellationToken = default)
    {
        if (!SupportsMultiPidRequests) throw new NotSupportedException("service 06 is decoded for ISO 15765-4 (CAN) only");
        var supported = new PidSet();
        for (int i = 0; i < SupportBitmapPids.Length; i++)
        {
            byte basePid = SupportBitmapPids[i];
            if (i > 0 && !supported.Contains(basePid)) break;
            var answer = await RequestAsync($"06{basePid:X2}", (a, _) => a, cancellationToken);
            foreach (var m in answer.Messages)
            {
                if (m.Payload.Length >= 6 && m.Payload[0] == 0x46 && m.Payload[1] == basePid) supported.AddBitmap(basePid, m.Payload.AsSpan(2, 4));
            }
        }
        var results = new List<MonitorTestResult>();
        foreach (var mid in supported.Pids.Where(p => !PidTable.IsSupportBitmap(p)))
        {
            results.AddRange(await RequestAsync($"06{mid:X2}", (answer, _) => answer.Messages.SelectMany(ParseMonitorResults).ToList(), cancellationToken));
        }
        return results;
    }

    public static IEnumerable<MonitorTestResult> ParseMonitorResults(EcuMessage message)
    {
        var p = message.Payload;
        if (p.Length < 1 || p[0] != 0x46) yield break;
        for (int i = 1; i + 9 <= p.Length; i += 9)
        {
            byte mid = p[i], tid = p[i + 1], uas = p[i + 2];
            var scaling = MonitorScaling.For(uas);
            double Value(int offset)
            {
                int raw = (p[offset] << 8) | p[offset + 1];
                if (scaling.Signed) raw = (short)raw;
                return raw * scaling.Scale + scaling.Add;
            }
            yield return new MonitorTestResult(message.Ecu, mid, MonitorScaling.MonitorName(mid), tid, uas, Value(i + 3), Value(i + 5), Value(i + 7), scaling.Unit);
        }
    }

    /// <summary>Service 09 InfoType 02: the VIN and the ECU that reported it (null when no ECU answers).</summary>
    public async Task<EcuText?> ReadVinAsync(CancellationToken cancellationToken = default) =>
        await RequestAsync("0902", (answer, last) =>
        {
            foreach (var (ecu, bytes) in ParseInfoType(answer.Messages, 0x02, SupportsMultiPidRequests))
            {
                var vin = Ascii(bytes);
                if (vin.Length >= 17) return new EcuText(ecu, vin[^17..]);
                if (!last) throw new ObdMalformedAnswerException($"ECU {ecu} sent a VIN of {vin.Length} printable characters");
            }
            // Every 2005+ vehicle reports its VIN; NO DATA is more often a lost answer than a missing VIN.
            if (!last) throw new ObdMalformedAnswerException("no ECU answered 0902");
            return null;
        }, cancellationToken);

    /// <summary>Service 09 InfoTypes 0A (ECU name), 04 (calibration ids) and 06 (CVNs), per ECU.</summary>
    public async Task<IReadOnlyList<EcuIdentification>> ReadIdentificationAsync(CancellationToken cancellationToken = default)
    {
        var names = await ReadInfoTypeAsync(0x0A, cancellationToken);
        var calIds = await ReadInfoTypeAsync(0x04, cancellationToken);
        var cvns = await ReadInfoTypeAsync(0x06, cancellationToken);
        var ecus = names.Keys.Concat(calIds.Keys).Concat(cvns.Keys).Distinct();
        return ecus.Select(ecu => new EcuIdentification(
            ecu,
            names.TryGetValue(ecu, out var n) ? Ascii(n) : null,
            calIds.TryGetValue(ecu, out var c) ? c.Chunk(16).Select(Ascii).Where(s => s.Length > 0).ToList() : [],
            cvns.TryGetValue(ecu, out var v) ? v.Chunk(4).Where(x => x.Length == 4).Select(x => Hex.Format(x)).ToList() : [])).ToList();
    }

    /// <summary>
    /// Service 09 data per ECU, without the framing: on CAN, "49 type count data..."; on legacy
    /// protocols one message per 4 data bytes, "49 type index a b c d", ordered by index.
    /// </summary>
    public async Task<Dictionary<string, byte[]>> ReadInfoTypeAsync(byte infoType, CancellationToken cancellationToken = default)
    {
        return await RequestAsync($"09{infoType:X2}", (answer, _) => ParseInfoType(answer.Messages, infoType, SupportsMultiPidRequests), cancellationToken);
    }

    public static Dictionary<string, byte[]> ParseInfoType(IReadOnlyList<EcuMessage> messages, byte infoType, bool can)
    {
        var result = new Dictionary<string, byte[]>();
        foreach (var group in messages.Where(m => m.Payload.Length >= 3 && m.Payload[0] == 0x49 && m.Payload[1] == infoType).GroupBy(m => m.Ecu))
        {
            result[group.Key] = can
                ? group.First().Payload[3..]
                : group.OrderBy(m => m.Payload[2]).SelectMany(m => m.Payload[3..]).ToArray();
        }
        return result;
    }

    private static string Ascii(byte[] data) => Hex.PrintableAscii(data);

    /// <summary>Sends a read and parses it; a garbled answer is asked for again, up to the retry count.</summary>
    private async Task<T> RequestAsync<T>(string request, Func<ElmAnswer, bool, T> parse, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            bool last = attempt >= _retries;
            try
            {
                var answer = await Adapter.QueryAsync(request, cancellationToken);
                var result = parse(answer, last);
                Remember(answer);
                return result;
            }
            catch (Exception e) when (!last && IsTransient(e))
            {
                // Asked again below.
            }
        }
    }

    // The senders of positive answers in an accepted answer (a rejected one may carry a garbled identifier).
    private void Remember(ElmAnswer answer)
    {
        if (answer.Request.Length < 2 || !byte.TryParse(answer.Request.AsSpan(0, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte service)) return;
        foreach (var m in answer.Messages)
        {
            if (m.Ecu.Length > 0 && m.Payload.Length > 0 && m.Payload[0] == service + 0x40) _responders.Add(m.Ecu);
        }
    }

    private static bool IsTransient(Exception e) =>
        e is ObdMalformedAnswerException
        || e is ElmErrorException { Error: ElmError.DataError or ElmError.CanError or ElmError.BusError or ElmError.BufferFull or ElmError.Stopped };

    // The answer to the protocol search is reused for 0100 unless it arrived garbled, in which case 0100 is asked again.
    private static bool TryCollect(ElmAnswer answer, IReadOnlyList<byte> batch, out List<PidData> data)
    {
        try
        {
            data = CollectPidData(answer, 0x41, 1, batch, last: true);
            return true;
        }
        catch (ObdMalformedAnswerException)
        {
            data = [];
            return false;
        }
    }

    /// <param name="last">When false, NO DATA counts as a lost answer (only PIDs known to be supported are asked for) and is asked again.</param>
    private static List<PidData> CollectPidData(ElmAnswer answer, byte responseService, int header, IReadOnlyList<byte> requested, bool last)
    {
        if (answer.NoData && !last) throw new ObdMalformedAnswerException($"no ECU answered {answer.Request}");
        var result = new List<PidData>();
        Span<PidSegment> segments = stackalloc PidSegment[16];
        foreach (var m in answer.Messages)
        {
            var p = m.Payload;
            if (p.Length < 2 || p[0] != responseService) continue; // 7F negative answers: PID not supported by that ECU
            if (PidDecoder.TrySplit(p, segments, out int count))
            {
                foreach (var s in segments[..count])
                {
                    if (requested.Contains(s.Pid)) result.Add(new PidData(m.Ecu, s.Pid, p.AsSpan(s.Offset, s.Length).ToArray()));
                }
            }
            else if (requested.Count == 1 && p[1] == requested[0] && p.Length > header)
            {
                result.Add(new PidData(m.Ecu, p[1], p[(1 + header)..]));
            }
            else
            {
                throw new ObdMalformedAnswerException($"cannot split the answer of {m.Ecu} to {answer.Request}: {Hex.Format(p)}");
            }
        }
        return result;
    }
}
