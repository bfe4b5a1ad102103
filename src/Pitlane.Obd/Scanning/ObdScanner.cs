using System.Diagnostics;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Protocol;
using Pitlane.Vin;

namespace Pitlane.Obd.Scanning;

/// <summary>
/// The full vehicle scan used by <c>pitlane obd scan</c> and the server: identity, trouble codes of
/// every ECU with descriptions, readiness, freeze frame and a live snapshot, in as few requests as
/// the protocol allows. On CAN: 0100 (protocol search), one batch for the remaining support
/// bitmaps plus PID 01, 0902, 03, 07, 0A, the freeze frame, and the live PIDs six at a time.
/// </summary>
public sealed class ObdScanner
{
    // Most useful first: what a technician looks at before anything else.
    private static readonly byte[] LivePriority =
    [
        0x0C, 0x0D, 0x05, 0x04, 0x42, 0x06, 0x07, 0x08, 0x09, 0x0F, 0x10, 0x0B, 0x11, 0x0E, 0x2F, 0x5C,
        0x46, 0x33, 0x1F, 0x21, 0x31, 0x30, 0x4D, 0x4E, 0x3C, 0x3D, 0x14, 0x15, 0x44, 0x45, 0x49, 0x4C,
    ];

    private readonly ObdClient _client;
    private readonly TimeProvider _time;

    public ObdScanner(ObdClient client, TimeProvider? timeProvider = null)
    {
        _client = client;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Connects to the adapter at <paramref name="adapterAddress"/> (tcp:// or serial://), scans, and disconnects.</summary>
    public static async Task<ScanReport> ScanAsync(
        string adapterAddress,
        ElmOptions? elmOptions = null,
        ScanOptions? options = null,
        IProgress<ScanProgress>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        var started = (timeProvider ?? TimeProvider.System).GetTimestamp();
        progress?.Report(new ScanProgress(ScanStage.Connect, 0));
        await using var adapter = await Elm327Adapter.ConnectAsync(adapterAddress, elmOptions, timeProvider, cancellationToken);
        return await new ObdScanner(new ObdClient(adapter), timeProvider).ScanAsync(options, progress, started, cancellationToken);
    }

    /// <summary>Scans through an adapter that is already initialised.</summary>
    public Task<ScanReport> ScanAsync(ScanOptions? options = null, IProgress<ScanProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ScanAsync(options, progress, _time.GetTimestamp(), cancellationToken);

    private async Task<ScanReport> ScanAsync(ScanOptions? options, IProgress<ScanProgress>? progress, long started, CancellationToken cancellationToken)
    {
        options ??= new ScanOptions();
        var adapter = _client.Adapter;
        var warnings = new List<string>();
        void Report(ScanStage stage) => progress?.Report(new ScanProgress(stage, adapter.ObdRequestCount));

        Report(ScanStage.Identify);
        var (supported, extra) = await _client.ReadSupportedPidsAsync([0x01], cancellationToken);
        var vin = await _client.ReadVinAsync(cancellationToken);
        var vinDetails = vin is null ? null : VinDecoder.Decode(vin.Text);
        if (vinDetails is { Errors.Count: > 0 })
        {
            // CAN frames carry no checksum the adapter shows: a VIN failing ISO 3779 / 49 CFR 565 rules was likely mangled on the way. Ask once more.
            var again = await _client.ReadVinAsync(cancellationToken);
            var againDetails = again is null ? null : VinDecoder.Decode(again.Text);
            if (againDetails is { Errors.Count: 0 })
                (vin, vinDetails) = (again, againDetails);
            else
                warnings.Add($"VIN {vin!.Text} fails validation: {vinDetails.Errors[0].Message}");
        }
        var ecuIds = supported.Select(s => s.Ecu).OrderBy(e => e, StringComparer.Ordinal).ToList();

        Report(ScanStage.TroubleCodes);
        var readiness = ObdClient.ToReadiness(extra);
        var confirmedCounts = readiness.ToDictionary(r => r.Ecu, r => r.DtcCount);
        // Who must answer 03, 07 and 0A: every ECU heard so far, including one whose 0100 frames were lost
        // but that answered PID 01 or the VIN (the client learns them as answers arrive).
        HashSet<string> Expected() => [.. ecuIds.Concat(_client.KnownEcus).Concat(confirmedCounts.Keys).Where(id => id.Length > 0)];
        var kinds = Enum.GetValues<DtcKind>();
        var expected = new Dictionary<DtcKind, HashSet<string>>();
        var answers = new Dictionary<DtcKind, IReadOnlyList<EcuTroubleCodes>>();
        foreach (var kind in kinds)
        {
            expected[kind] = Expected();
            answers[kind] = await _client.ReadTroubleCodesAsync(kind, confirmedCounts, cancellationToken);
        }
        // An ECU first heard in a later answer (07 or 0A) and missing from an earlier one lost its frames there:
        // that list is read again, now expecting it, rather than reported empty. Never happens on a clean link.
        foreach (var kind in kinds)
        {
            var now = Expected();
            if (now.Any(id => !expected[kind].Contains(id) && answers[kind].All(a => a.Ecu != id)))
                answers[kind] = await _client.ReadTroubleCodesAsync(kind, confirmedCounts, cancellationToken);
        }
        var dtcs = new List<ScannedDtc>();
        var everyEcu = Expected();
        foreach (var kind in kinds)
        {
            foreach (var silent in everyEcu.Order(StringComparer.Ordinal).Where(id => answers[kind].All(a => a.Ecu != id)))
            {
                // A silent ECU is not an ECU without codes: say so, with what PID 01 announced.
                var announced = kind == DtcKind.Stored && confirmedCounts.TryGetValue(silent, out int n) && n > 0 ? $" (PID 01 reports {n} confirmed codes)" : "";
                warnings.Add($"ECU {silent} did not answer the {kind.ToString().ToLowerInvariant()} codes request{announced}");
            }
            foreach (var ecuCodes in answers[kind])
            {
                if (kind == DtcKind.Stored && confirmedCounts.TryGetValue(ecuCodes.Ecu, out int count) && count != ecuCodes.Codes.Count)
                    warnings.Add($"ECU {ecuCodes.Ecu} reports {count} confirmed codes in PID 01 but listed {ecuCodes.Codes.Count}");
                foreach (var code in ecuCodes.Codes)
                {
                    var d = DtcKnowledge.Describe(code);
                    dtcs.Add(new ScannedDtc(d.Code, ecuCodes.Ecu, kind, d.Description, d.Severity, d.System, d.ManufacturerSpecific));
                }
            }
        }

        Report(ScanStage.Readiness);
        if (readiness.Count == 0 && supported.Any(s => s.Pids.Contains(0x01)))
            readiness = await _client.ReadReadinessAsync(cancellationToken);

        var livePids = ChooseLivePids(supported, options.MaxLivePids);
        bool can = _client.SupportsMultiPidRequests;
        int liveRequests = can ? (livePids.Count + ObdClient.MaxPidsPerCanRequest - 1) / ObdClient.MaxPidsPerCanRequest : livePids.Count;

        Report(ScanStage.FreezeFrame);
        IReadOnlyList<FreezeFrame> freezeFrames = [];
        bool hasFreezeFrame = dtcs.Any(d => d.Kind == DtcKind.Stored) || readiness.Any(r => r.MilOn);
        if (hasFreezeFrame)
        {
            // One request for the frame's supported PIDs, then three PID/frame pairs per request (the first being PID 02, the trigger code).
            int maxPids = can
                ? (options.RequestBudget - adapter.ObdRequestCount - liveRequests - 1) * ObdClient.MaxFreezeFramePidsPerCanRequest - 1
                : options.LegacyFreezeFramePids;
            if (maxPids > 0)
            {
                try
                {
                    freezeFrames = await _client.ReadFreezeFrameAsync(maxPids, 0, cancellationToken);
                }
                catch (Exception e) when (e is ObdMalformedAnswerException or ElmErrorException)
                {
                    warnings.Add($"freeze frame unreadable: {e.Message}");
                }
            }
            else
            {
                warnings.Add("freeze frame skipped: no requests left in the scan budget");
            }
        }

        Report(ScanStage.LiveSnapshot);
        var live = new List<LiveValue>();
        foreach (var batch in livePids.Chunk(can ? ObdClient.MaxPidsPerCanRequest : 1))
        {
            // One unreadable batch costs its own values, not the whole snapshot.
            try
            {
                live.AddRange(await _client.ReadLiveValuesAsync(batch, cancellationToken));
            }
            catch (Exception e) when (e is ObdMalformedAnswerException or ElmErrorException)
            {
                warnings.Add($"live values {string.Join(' ', batch.Select(p => p.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))} unreadable: {e.Message}");
            }
        }

        var ecus = ecuIds.Select(id => new ScannedEcu(id, ObdProtocols.RoleOf(id), supported.First(s => s.Ecu == id).Pids.Pids.ToList())).ToList();
        return new ScanReport(
            adapter.TransportDescription,
            adapter.StnDevice ?? adapter.Version,
            adapter.Protocol,
            adapter.ProtocolDescription ?? adapter.Protocol.DisplayName(),
            vin?.Text,
            vin?.Ecu,
            adapter.BatteryVoltage,
            ecus,
            dtcs,
            readiness,
            freezeFrames,
            live,
            adapter.ObdRequestCount,
            _time.GetElapsedTime(started),
            warnings)
        {
            VinDetails = vinDetails,
        };
    }

    /// <summary>Up to <paramref name="max"/> supported PIDs with a physical scaling, most useful first.</summary>
    public static IReadOnlyList<byte> ChooseLivePids(IEnumerable<EcuSupportedPids> supported, int max)
    {
        var union = new PidSet();
        foreach (var s in supported) union.UnionWith(s.Pids);
        var chosen = LivePriority.Where(union.Contains).ToList();
        chosen.AddRange(union.Pids.Where(p => PidTable.HasScaling(p) && !chosen.Contains(p)));
        Debug.Assert(chosen.All(PidTable.HasScaling));
        return chosen.Take(max).ToList();
    }
}
