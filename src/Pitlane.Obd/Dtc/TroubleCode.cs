namespace Pitlane.Obd.Dtc;

/// <summary>
/// A diagnostic trouble code as two bytes (SAE J2012 / ISO 15031-6): the top two bits pick the
/// system letter (P, C, B, U), the next two the first digit, then three hex digits.
/// </summary>
public readonly record struct TroubleCode(ushort Raw)
{
    private static readonly char[] Systems = ['P', 'C', 'B', 'U'];

    public static TroubleCode FromBytes(byte high, byte low) => new((ushort)((high << 8) | low));

    public char System => Systems[Raw >> 14];

    public int FirstDigit => (Raw >> 12) & 0x3;

    /// <summary>Filler bytes 00 00 pad legacy mode 03 messages and mean "no code".</summary>
    public bool IsEmpty => Raw == 0;

    public static TroubleCode Parse(string code)
    {
        if (!TryParse(code, out var parsed))
            throw new FormatException($"'{code}' is not a trouble code like P0300");
        return parsed;
    }

    public static bool TryParse(ReadOnlySpan<char> code, out TroubleCode parsed)
    {
        parsed = default;
        if (code.Length != 5) return false;
        int system = char.ToUpperInvariant(code[0]) switch { 'P' => 0, 'C' => 1, 'B' => 2, 'U' => 3, _ => -1 };
        int first = code[1] - '0';
        if (system < 0 || first is < 0 or > 3) return false;
        int value = (system << 14) | (first << 12);
        for (int i = 2; i < 5; i++)
        {
            int d = Protocol.Hex.Digit(code[i]);
            if (d < 0) return false;
            value |= d << (4 * (4 - i));
        }
        parsed = new TroubleCode((ushort)value);
        return true;
    }

    public bool TryFormat(Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < 5) return false;
        destination[0] = System;
        destination[1] = (char)('0' + FirstDigit);
        const string digits = "0123456789ABCDEF";
        destination[2] = digits[(Raw >> 8) & 0xF];
        destination[3] = digits[(Raw >> 4) & 0xF];
        destination[4] = digits[Raw & 0xF];
        written = 5;
        return true;
    }

    public override string ToString() => string.Create(5, this, static (span, code) => code.TryFormat(span, out _));

    /// <summary>
    /// Parses the DTC pairs of a mode 03/07/0A answer payload after the service byte (and, on CAN,
    /// the count byte) into <paramref name="destination"/>, skipping 00 00 fillers. Allocation free.
    /// </summary>
    public static int ParsePairs(ReadOnlySpan<byte> pairs, Span<TroubleCode> destination)
    {
        int n = 0;
        for (int i = 0; i + 1 < pairs.Length && n < destination.Length; i += 2)
        {
            var code = FromBytes(pairs[i], pairs[i + 1]);
            if (!code.IsEmpty) destination[n++] = code;
        }
        return n;
    }
}
