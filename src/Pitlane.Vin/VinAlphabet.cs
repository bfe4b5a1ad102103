namespace Pitlane.Vin;

/// <summary>
/// Lookup tables over ASCII for the VIN character set. Tables instead of switch chains or Regex
/// keep per-character work to one bounds check and one load.
/// </summary>
internal static class VinAlphabet
{
    public const int VinLength = 17;

    /// <summary>
    /// 49 CFR 565.15(c) transliteration: A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 J=1 K=2 L=3 M=4
    /// N=5 P=7 R=9 S=2 T=3 U=4 V=5 W=6 X=7 Y=8 Z=9, digits are their own value. -1 marks a character
    /// ISO 3779 and 49 CFR 565 forbid (I, O, Q, anything that is not an upper-case letter or digit).
    /// </summary>
    private static ReadOnlySpan<sbyte> TransliterationTable =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, // 0x00
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, // 0x10
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, // 0x20
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,            // 0x30 '0'-'9'
        -1, 1, 2, 3, 4, 5, 6, 7, 8, -1, 1, 2, 3, 4, 5, -1,               // 0x40 '@', A-H, I, J-N, O
        7, -1, 9, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1,            // 0x50 P, Q, R-Z
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, // 0x60
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, // 0x70
    ];

    /// <summary>49 CFR 565.15(c) position weights: 8,7,6,5,4,3,2,10,0,9,8,7,6,5,4,3,2.</summary>
    private static ReadOnlySpan<byte> Weights => [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>
    /// 49 CFR 565.15 model-year codes (the year-code table) in cycle order: A=1980 ... Y=2000, 1=2001 ... 9=2009,
    /// then repeating every 30 years. I, O, Q, U, Z and 0 are never year codes. Index = year offset in the cycle.
    /// </summary>
    private static ReadOnlySpan<sbyte> YearCodeTable =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 21, 22, 23, 24, 25, 26, 27, 28, 29, -1, -1, -1, -1, -1, -1, // '0' none, '1'=2001 ... '9'=2009
        -1, 0, 1, 2, 3, 4, 5, 6, 7, -1, 8, 9, 10, 11, 12, -1,            // A-H, J-N
        13, -1, 14, 15, 16, -1, 17, 18, 19, 20, -1, -1, -1, -1, -1, -1,  // P, R, S, T, V, W, X, Y
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    /// <summary>
    /// Rank of a character in the ISO 3780 WMI ordering A..H, J..N, P, R..Z, 1..9, 0 (I, O, Q skipped),
    /// which is the order in which SAE hands out country ranges such as "XX-X2". -1 for anything else.
    /// </summary>
    private static ReadOnlySpan<sbyte> WmiRankTable =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        32, 23, 24, 25, 26, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1, -1, // '0' last, '1'-'9'
        -1, 0, 1, 2, 3, 4, 5, 6, 7, -1, 8, 9, 10, 11, 12, -1,            // A-H, J-N
        13, -1, 14, 15, 16, 17, 18, 19, 20, 21, 22, -1, -1, -1, -1, -1,  // P, R-Z
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    public const int WmiRankCount = 33;

    public static bool IsAllowed(char c) => c < 128 && TransliterationTable[c] >= 0;

    public static int Transliterate(char c) => c < 128 ? TransliterationTable[c] : -1;

    /// <summary>Year offset 0..29 within the 30-year cycle, or -1 when <paramref name="c"/> is no year code.</summary>
    public static int YearCodeOffset(char c) => c < 128 ? YearCodeTable[c] : -1;

    public static int WmiRank(char c) => c < 128 ? WmiRankTable[c] : -1;

    /// <summary>
    /// 49 CFR 565.15(c): sum of transliterated value times weight over all 17 positions (position 9
    /// weighs 0), modulo 11; a remainder of 10 is written 'X'. The caller guarantees a well-formed VIN.
    /// </summary>
    public static char ComputeCheckDigit(ReadOnlySpan<char> vin)
    {
        var weights = Weights;
        var sum = 0;
        for (var i = 0; i < VinLength; i++)
        {
            sum += TransliterationTable[vin[i]] * weights[i];
        }

        var remainder = sum % 11;
        return remainder == 10 ? 'X' : (char)('0' + remainder);
    }
}
