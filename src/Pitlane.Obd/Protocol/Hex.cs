namespace Pitlane.Obd.Protocol;

/// <summary>Hex text as ELM327 adapters print it: upper or lower case, with or without spaces.</summary>
public static class Hex
{
    /// <summary>Parses hex digits, ignoring spaces; false on any other character or an odd digit count.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        int high = -1;
        foreach (char c in text)
        {
            if (c == ' ') continue;
            int v = Digit(c);
            if (v < 0) return false;
            if (high < 0)
            {
                high = v;
                continue;
            }
            if (written >= destination.Length) return false;
            destination[written++] = (byte)((high << 4) | v);
            high = -1;
        }
        return high < 0;
    }

    public static byte[] Parse(string text)
    {
        var buffer = new byte[text.Length / 2 + 1];
        if (!TryParse(text, buffer, out int n))
            throw new FormatException($"'{text}' is not hex");
        return buffer.AsSpan(0, n).ToArray();
    }

    public static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    public static bool IsHexDigit(char c) => Digit(c) >= 0;

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>The printable ASCII characters of a text field (VIN, calibration id, ECU name), trimmed; NUL padding dropped.</summary>
    public static string PrintableAscii(ReadOnlySpan<byte> data)
    {
        Span<char> text = data.Length <= 256 ? stackalloc char[data.Length] : new char[data.Length];
        int n = 0;
        foreach (var b in data)
        {
            if (b is >= 0x20 and < 0x7F) text[n++] = (char)b;
        }
        return new string(text[..n].Trim());
    }
}
