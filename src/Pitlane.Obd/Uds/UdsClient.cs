using System.Globalization;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.Elm;
using Pitlane.Obd.Protocol;

namespace Pitlane.Obd.Uds;

public enum DiagnosticSession : byte
{
    Default = 0x01,
    Programming = 0x02,
    Extended = 0x03,
}

/// <summary>ISO 14229-1 DTC status bits (Annex D.2).</summary>
[Flags]
public enum DtcStatus : byte
{
    None = 0,
    TestFailed = 0x01,
    TestFailedThisOperationCycle = 0x02,
    PendingDtc = 0x04,
    ConfirmedDtc = 0x08,
    TestNotCompletedSinceLastClear = 0x10,
    TestFailedSinceLastClear = 0x20,
    TestNotCompletedThisOperationCycle = 0x40,
    WarningIndicatorRequested = 0x80,
    All = 0xFF,
}

/// <summary>A DTC from ReadDTCInformation: the J2012 code, ISO 14229 failure type byte and status bits.</summary>
public sealed record UdsDtc(TroubleCode Code, byte FailureType, DtcStatus Status)
{
    public string DisplayCode => $"{Code}-{FailureType:X2}";
}

/// <summary>
/// ISO 14229-1 (UDS) requests to one ECU over ISO 15765-2, physically addressed through the ELM's
/// ATSH. Negative responses become <see cref="UdsNegativeResponseException"/>; 0x78
/// (response pending) is waited out with the adapter's longest timeout, a bounded number of times.
/// </summary>
public sealed class UdsClient
{
    private readonly Elm327Adapter _adapter;
    private readonly int _maxPendingWaits;

    /// <param name="requestHeader">The ECU's physical request id: "7E0" (11 bit) or "DA10F1" (29 bit, target 10).</param>
    /// <param name="responseEcu">The id its answers carry: "7E8" or "18DAF110".</param>
    /// <param name="maxPendingWaits">How many times NRC 0x78 (response pending) alone is waited out, each with ATST FF (about 1 s).</param>
    public UdsClient(Elm327Adapter adapter, string requestHeader, string responseEcu, int maxPendingWaits = 5)
    {
        if (!adapter.Protocol.IsCan()) throw new NotSupportedException("UDS is supported over ISO 15765 (CAN) only");
        _adapter = adapter;
        RequestHeader = requestHeader;
        ResponseEcu = responseEcu;
        _maxPendingWaits = maxPendingWaits;
    }

    public string RequestHeader { get; }

    public string ResponseEcu { get; }

    /// <summary>The engine ECU's conventional ids for the adapter's protocol (7E0/7E8 or DA10F1/18DAF110).</summary>
    public static UdsClient ForEngine(Elm327Adapter adapter) =>
        adapter.Protocol.IsCan29Bit() ? new UdsClient(adapter, "DA10F1", "18DAF110") : new UdsClient(adapter, "7E0", "7E8");

    public async Task DiagnosticSessionControlAsync(DiagnosticSession session, CancellationToken cancellationToken = default) =>
        await RequestAsync([0x10, (byte)session], cancellationToken);

    /// <summary>Tester present (3E 00) keeps a non-default session open.</summary>
    public async Task TesterPresentAsync(CancellationToken cancellationToken = default) =>
        await RequestAsync([0x3E, 0x00], cancellationToken);

    /// <summary>ReadDataByIdentifier (22): returns the data record after the echoed identifier.</summary>
    public async Task<byte[]> ReadDataByIdentifierAsync(ushort identifier, CancellationToken cancellationToken = default)
    {
        var response = await RequestAsync([0x22, (byte)(identifier >> 8), (byte)identifier], cancellationToken);
        if (response.Length < 3 || ((response[1] << 8) | response[2]) != identifier)
            throw new ObdMalformedAnswerException($"ReadDataByIdentifier {identifier:X4}: answer for another identifier");
        return response[3..];
    }

    public async Task<string> ReadVinAsync(CancellationToken cancellationToken = default) => Ascii(await ReadDataByIdentifierAsync(0xF190, cancellationToken));

    public async Task<string> ReadEcuSerialNumberAsync(CancellationToken cancellationToken = default) => Ascii(await ReadDataByIdentifierAsync(0xF18C, cancellationToken));

    public async Task<string> ReadSparePartNumberAsync(CancellationToken cancellationToken = default) => Ascii(await ReadDataByIdentifierAsync(0xF187, cancellationToken));

    /// <summary>ReadDTCInformation reportDTCByStatusMask (19 02): codes whose status matches <paramref name="mask"/>.</summary>
    public async Task<IReadOnlyList<UdsDtc>> ReadDtcsByStatusMaskAsync(DtcStatus mask = DtcStatus.All, CancellationToken cancellationToken = default)
    {
        var response = await RequestAsync([0x19, 0x02, (byte)mask], cancellationToken);
        return ParseDtcRecords(response);
    }

    /// <summary>Parses "59 02 availabilityMask (DTC high, middle, low, status)*".</summary>
    public static IReadOnlyList<UdsDtc> ParseDtcRecords(ReadOnlySpan<byte> response)
    {
        if (response.Length < 3 || response[0] != 0x59 || response[1] != 0x02)
            throw new ObdMalformedAnswerException("not a ReadDTCInformation 02 answer");
        var records = response[3..];
        if (records.Length % 4 != 0)
            throw new ObdMalformedAnswerException($"ReadDTCInformation answer has {records.Length} record bytes, not a multiple of 4");
        var list = new List<UdsDtc>(records.Length / 4);
        for (int i = 0; i < records.Length; i += 4)
            list.Add(new UdsDtc(TroubleCode.FromBytes(records[i], records[i + 1]), records[i + 2], (DtcStatus)records[i + 3]));
        return list;
    }

    /// <summary>Sends one request and returns the positive response (SID + 0x40 first).</summary>
    public async Task<byte[]> RequestAsync(byte[] request, CancellationToken cancellationToken = default)
    {
        await _adapter.SetHeaderAsync(RequestHeader, cancellationToken);
        bool slow = false;
        try
        {
            var hex = Hex.Format(request);
            for (int attempt = 0; ; attempt++)
            {
                var answer = await _adapter.QueryAsync(hex, cancellationToken, slow ? TimeSpan.FromSeconds(3) : null);
                var messages = answer.Messages.Where(m => m.Ecu == ResponseEcu || m.Ecu.Length == 0).ToList();
                var final = messages.LastOrDefault(m => !IsResponsePending(m.Payload, request[0]));
                if (final is not null) return Check(final, request[0]);
                if (messages.Count == 0) throw new ElmErrorException(ElmError.NoData, hex);
                // Only 7F xx 78 arrived: the ECU is still working. Listen longer (ATST FF, about 1 s) and ask again.
                if (attempt >= _maxPendingWaits)
                    throw new ObdTimeoutException($"ECU {ResponseEcu} still answered 'response pending' to {hex} after {_maxPendingWaits} waits");
                if (!slow) slow = await _adapter.SetTimeoutAsync(0xFF, cancellationToken);
            }
        }
        finally
        {
            // ATST 32 is the ELM327 power-on default answer timeout (about 200 ms).
            if (slow) await _adapter.SetTimeoutAsync(0x32, CancellationToken.None);
            await _adapter.SetHeaderAsync(_adapter.FunctionalHeader, CancellationToken.None);
        }
    }

    private static bool IsResponsePending(byte[] payload, byte sid) =>
        payload is [0x7F, _, NegativeResponseCodes.ResponsePending, ..] && payload[1] == sid;

    private byte[] Check(EcuMessage message, byte sid)
    {
        var p = message.Payload;
        if (p is [0x7F, _, _, ..] && p[1] == sid) throw new UdsNegativeResponseException(sid, p[2], message.Ecu);
        if (p.Length == 0 || p[0] != sid + 0x40)
            throw new ObdMalformedAnswerException($"ECU {message.Ecu} answered {Hex.Format(p)} to service {sid:X2}");
        return p;
    }

    private static string Ascii(byte[] data) => Hex.PrintableAscii(data);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"UDS {RequestHeader}->{ResponseEcu}");
}
