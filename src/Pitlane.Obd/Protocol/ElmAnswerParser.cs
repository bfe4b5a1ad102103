using System.Globalization;

namespace Pitlane.Obd.Protocol;

/// <summary>One complete answer message (service byte first) and the ECU that sent it.</summary>
/// <param name="Ecu">CAN identifier ("7E8", "18DAF110"), legacy source address ("10"), or "" when headers were off.</param>
public sealed record EcuMessage(string Ecu, byte[] Payload);

/// <summary>
/// Turns the data lines of an ELM327 answer into messages per ECU: CAN with 11 or 29-bit headers
/// (ISO 15765-2 frames reassembled per sender), the headers-off CAN form (a length line then
/// "0:", "1:"... lines), and ISO 9141-2 / ISO 14230-4 / SAE J1850 messages with their three
/// header bytes and trailing checksum.
/// </summary>
public static class ElmAnswerParser
{
    private const int MaxLineBytes = 64;

    public static IReadOnlyList<EcuMessage> Parse(IReadOnlyList<string> lines, ObdProtocol protocol, bool headers)
    {
        var messages = new List<EcuMessage>();
        if (lines.Count == 0) return messages;
        if (protocol.IsCan() && headers && LooksLikeCanWithHeaders(lines[0], protocol))
            ParseCan(lines, protocol.IsCan29Bit() ? 8 : 3, messages);
        else if (protocol.IsCan() || protocol == ObdProtocol.Automatic)
            ParseHeaderless(lines, messages);
        else if (headers)
            ParseLegacy(lines, protocol, messages);
        else
            ParseHeaderless(lines, messages);
        return messages;
    }

    private static bool LooksLikeCanWithHeaders(string line, ObdProtocol protocol)
    {
        int digits = CountHexDigits(line);
        if (line.Contains(':', StringComparison.Ordinal)) return false;
        // A 29-bit diagnostic id starts with priority 18 (ISO 15765-4); no service response byte is 0x18.
        return protocol.IsCan29Bit()
            ? digits >= 10 && digits % 2 == 0 && line.StartsWith("18", StringComparison.Ordinal)
            : digits >= 5 && digits % 2 == 1;
    }

    private static int CountHexDigits(string line)
    {
        int n = 0;
        foreach (char c in line)
        {
            if (c != ' ') n++;
        }
        return n;
    }

    private static void ParseCan(IReadOnlyList<string> lines, int headerDigits, List<EcuMessage> messages)
    {
        var reassembler = new IsoTpReassembler(16);
        Span<byte> data = stackalloc byte[MaxLineBytes];
        foreach (var line in lines)
        {
            var compact = line.Replace(" ", "", StringComparison.Ordinal);
            if (compact.Length <= headerDigits || (compact.Length - headerDigits) % 2 != 0)
                throw new ObdMalformedAnswerException($"truncated CAN frame '{line}'");
            if (!uint.TryParse(compact.AsSpan(0, headerDigits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint id)
                || !Hex.TryParse(compact.AsSpan(headerDigits), data, out int length))
                throw new ObdMalformedAnswerException($"not a CAN frame: '{line}'");
            if (length > 8) throw new ObdMalformedAnswerException($"CAN frame longer than 8 bytes: '{line}'");
            int completed = reassembler.Push(id, data[..length]);
            if (completed >= 0 && reassembler.TryGetMessage(completed, out uint sender, out var payload))
                messages.Add(new EcuMessage(sender.ToString(headerDigits == 3 ? "X3" : "X8", CultureInfo.InvariantCulture), payload.ToArray()));
        }
        reassembler.EnsureComplete();
    }

    private static void ParseHeaderless(IReadOnlyList<string> lines, List<EcuMessage> messages)
    {
        Span<byte> data = stackalloc byte[MaxLineBytes];
        byte[]? pending = null;
        int received = 0;
        int nextIndex = 0;
        foreach (var line in lines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 && pending is null && line.Length == 3 && int.TryParse(line, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int total))
            {
                // "014": the ELM's announcement of a multi-frame message of 0x014 bytes.
                if (total == 0) throw new ObdMalformedAnswerException("multi-frame message announcing 0 bytes");
                pending = new byte[total];
                received = 0;
                nextIndex = 0;
                continue;
            }
            if (colon >= 0)
            {
                if (pending is null) throw new ObdMalformedAnswerException($"continuation line '{line}' without a length line");
                if (!int.TryParse(line.AsSpan(0, colon).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int index) || index != nextIndex)
                    throw new ObdMalformedAnswerException($"ISO-TP sequence error: expected line {nextIndex:X}:, got '{line}'");
                nextIndex = (nextIndex + 1) & 0x0F;
                if (!Hex.TryParse(line.AsSpan(colon + 1), data, out int length))
                    throw new ObdMalformedAnswerException($"not hex: '{line}'");
                int take = Math.Min(length, pending.Length - received);
                data[..take].CopyTo(pending.AsSpan(received));
                received += take;
                if (received == pending.Length)
                {
                    messages.Add(new EcuMessage("", pending));
                    pending = null;
                }
                continue;
            }
            if (pending is not null)
                throw new ObdMalformedAnswerException($"incomplete multi-frame message: {received} of {pending.Length} bytes");
            if (!Hex.TryParse(line, data, out int n) || n == 0)
                throw new ObdMalformedAnswerException($"not hex: '{line}'");
            messages.Add(new EcuMessage("", data[..n].ToArray()));
        }
        if (pending is not null)
            throw new ObdMalformedAnswerException($"incomplete multi-frame message: {received} of {pending.Length} bytes");
    }

    private static void ParseLegacy(IReadOnlyList<string> lines, ObdProtocol protocol, List<EcuMessage> messages)
    {
        Span<byte> data = stackalloc byte[MaxLineBytes];
        foreach (var line in lines)
        {
            if (!Hex.TryParse(line, data, out int n))
                throw new ObdMalformedAnswerException($"not hex: '{line}'");
            var frame = data[..n];
            int header = 3;
            int end = n - 1;
            if (protocol is ObdProtocol.Iso14230_4KwpFastInit or ObdProtocol.Iso14230_4KwpSlowInit && n > 0 && (frame[0] & 0x80) != 0)
            {
                // ISO 14230-2 format byte: the low six bits are the data length, or 0 with a length byte after the addresses.
                int length = frame[0] & 0x3F;
                if (length == 0)
                {
                    header = 4;
                    length = n > 3 ? frame[3] : 0;
                }
                if (header + length + 1 > n)
                    throw new ObdMalformedAnswerException($"truncated KWP message '{line}'");
                end = header + length;
            }
            if (n < header + 2)
                throw new ObdMalformedAnswerException($"truncated message '{line}'");
            if (!protocol.IsJ1850())
            {
                // ISO 9141-2 / ISO 14230-2 checksum: the sum of all preceding bytes modulo 256.
                byte sum = 0;
                for (int i = 0; i < end; i++) sum += frame[i];
                if (sum != frame[end])
                    throw new ObdMalformedAnswerException($"checksum error in '{line}': expected {sum:X2}");
            }
            messages.Add(new EcuMessage(frame[2].ToString("X2", CultureInfo.InvariantCulture), frame[header..end].ToArray()));
        }
    }
}
