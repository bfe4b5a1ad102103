using System.Globalization;
using System.Text;

namespace Pitlane.Vin;

/// <summary>
/// Decodes 17-character vehicle identification numbers (ISO 3779, 49 CFR 565) without I/O, clock or
/// network: validation, check digit, model year, WMI, country and sections.
/// </summary>
public static class VinDecoder
{
    /// <summary>
    /// Reference year <see cref="Decode(string?)"/> uses to resolve the 30-year model-year cycle. The library
    /// never reads the clock; a host should call <see cref="Decode(string?, int)"/> with the current year
    /// from its TimeProvider, and this constant is advanced with each release.
    /// </summary>
    public const int DefaultReferenceYear = 2026;

    /// <summary>Longest input echoed back in <see cref="VinDecodeResult.Vin"/> and scanned for bad characters.</summary>
    public const int MaxEchoedLength = 64;

    private const int FirstCycleStart = 1980;
    private const int SecondCycleStart = 2010;
    private const int CycleLength = 30;
    private const int MaxReferenceYear = 9998;

    private static readonly VinFinding[] NoFindings = [];

    private static readonly VinDecodeResult NullResult = Hopeless(
        string.Empty, new VinFinding(VinFindingCodes.Empty, "No VIN was given.", null));

    private static readonly VinDecodeResult EmptyResult = Hopeless(
        string.Empty, new VinFinding(VinFindingCodes.Empty, "The VIN is empty.", null));

    private static readonly VinFinding UnknownWmi = new(
        VinFindingCodes.UnknownWmi,
        "The manufacturer identifier (positions 1-3) is not in Pitlane's WMI table; the VIN itself may still be correct.",
        1);

    private static readonly VinFinding UnknownSmallManufacturer = new(
        VinFindingCodes.UnknownWmi,
        "The small-manufacturer identifier (positions 1-3 and 12-14) is not in Pitlane's WMI table; the VIN itself may still be correct.",
        1);

    private static readonly VinFinding CheckDigitNotMandatory = new(
        VinFindingCodes.CheckDigitNotMandatory,
        "The check digit is mandatory only for North America (49 CFR 565) and China (GB 16735); manufacturers elsewhere, "
        + "notably in Europe under ISO 3779, often put a filler or their own code at position 9, so this mismatch may be expected.",
        9);

    private static readonly VinFinding ModelYearEstimated = new(
        VinFindingCodes.ModelYearEstimated,
        "The position-7 rule of 49 CFR 565.15 applies only to North American light vehicles, so the model year is the latest "
        + "year with this position-10 code that is not after the reference year + 1. ISO 3779 alone does not require a model "
        + "year at position 10, so on a European VIN the character may not be a year at all.",
        10);

    private static readonly VinFinding OptionalYearCodeMissing = new(
        VinFindingCodes.ModelYearCode,
        "Position 10 holds no model-year code; ISO 3779 does not require one outside North America and China.",
        10);

    private static readonly VinFinding MandatoryYearCodeMissing = new(
        VinFindingCodes.ModelYearCode,
        "Position 10 is not a model-year code: 49 CFR 565.15 never uses I, O, Q, U, Z or 0 there.",
        10);

    /// <summary>Decodes <paramref name="vin"/> against <see cref="DefaultReferenceYear"/>. Never throws.</summary>
    public static VinDecodeResult Decode(string? vin) => Decode(vin, DefaultReferenceYear);

    /// <summary>
    /// Decodes <paramref name="vin"/>. Never throws: every fault in the input is reported in
    /// <see cref="VinDecodeResult.Errors"/> with its position.
    /// </summary>
    /// <param name="vin">Any string; surrounding whitespace is trimmed and ASCII letters upper-cased.</param>
    /// <param name="referenceYear">
    /// The current year, used to resolve the 30-year model-year cycle. For North American WMIs the
    /// 49 CFR 565.15 position-7 rule decides (numeric: 1980-2009, alphabetic: 2010-2039); elsewhere, or
    /// when that rule would give a year after <paramref name="referenceYear"/> + 1 (heavy vehicles and
    /// trailers are exempt from it), the latest matching year not after <paramref name="referenceYear"/> + 1
    /// is chosen and a warning says so.
    /// </param>
    public static VinDecodeResult Decode(string? vin, int referenceYear)
    {
        if (vin is null)
        {
            return NullResult;
        }

        var trimmed = vin.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return EmptyResult;
        }

        if (trimmed.Length == VinAlphabet.VinLength)
        {
            Span<char> normalised = stackalloc char[VinAlphabet.VinLength];
            if (TryNormalise(trimmed, normalised, out var changed))
            {
                var text = !changed && trimmed.Length == vin.Length ? vin : new string(normalised);
                return DecodeWellFormed(text, referenceYear);
            }
        }

        return DecodeMalformed(trimmed);
    }

    private static bool TryNormalise(ReadOnlySpan<char> input, Span<char> output, out bool changed)
    {
        changed = false;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (char.IsAsciiLetterLower(c))
            {
                c = (char)(c - ('a' - 'A'));
                changed = true;
            }

            if (!VinAlphabet.IsAllowed(c))
            {
                return false;
            }

            output[i] = c;
        }

        return true;
    }

    private static VinDecodeResult DecodeWellFormed(string vin, int referenceYear)
    {
        var errors = new FindingBuffer();
        var warnings = new FindingBuffer();

        var country = WmiCountries.Find(vin[0], vin[1]);
        var region = country?.Region ?? WmiCountries.RegionOf(vin[0]);
        var strictRules = country?.CheckDigitMandatory == true;

        var expected = VinAlphabet.ComputeCheckDigit(vin);
        var checkDigit = new CheckDigitResult(expected, vin[8], expected == vin[8]);
        if (!checkDigit.Valid)
        {
            errors.Add(new VinFinding(
                VinFindingCodes.CheckDigit,
                string.Create(CultureInfo.InvariantCulture,
                    $"Check digit at position 9 is '{checkDigit.Actual}' but 49 CFR 565.15(c) gives '{expected}' for the other 16 characters."),
                9));
            if (!strictRules)
            {
                warnings.Add(CheckDigitNotMandatory);
            }
        }

        var isSmallManufacturer = vin[2] == '9';
        var entry = isSmallManufacturer ? FindSmallManufacturer(vin) : WmiRegistry.Find(vin.AsSpan(0, 3));
        if (entry is null)
        {
            warnings.Add(isSmallManufacturer ? UnknownSmallManufacturer : UnknownWmi);
        }

        var modelYear = ResolveModelYear(vin, referenceYear, country, ref errors, ref warnings);

        return new VinDecodeResult(
            vin,
            isWellFormed: true,
            checkDigit,
            modelYear,
            wmiReadable: true,
            isSmallManufacturer,
            entry,
            country?.Name,
            region,
            errors.ToList(),
            warnings.ToList());
    }

    private static WmiEntry? FindSmallManufacturer(string vin)
    {
        Span<char> key = stackalloc char[6];
        vin.AsSpan(0, 3).CopyTo(key);
        vin.AsSpan(11, 3).CopyTo(key[3..]);
        return WmiRegistry.Find(key);
    }

    private static int? ResolveModelYear(
        string vin, int referenceYear, WmiCountry? country, ref FindingBuffer errors, ref FindingBuffer warnings)
    {
        var offset = VinAlphabet.YearCodeOffset(vin[9]);
        if (offset < 0)
        {
            // A year code is mandatory where 49 CFR 565 or GB 16735 applies; ISO 3779 elsewhere leaves position 10 free.
            if (country?.CheckDigitMandatory == true)
            {
                errors.Add(MandatoryYearCodeMissing);
            }
            else
            {
                warnings.Add(OptionalYearCodeMissing);
            }

            return null;
        }

        // Keeps "referenceYear + 1" free of overflow for int.MaxValue; years outside 1980-9998 mean nothing for a VIN anyway.
        referenceYear = Math.Clamp(referenceYear, FirstCycleStart, MaxReferenceYear);
        var latestPlausible = LatestYear(offset, referenceYear);
        if (country?.NorthAmerica != true)
        {
            warnings.Add(ModelYearEstimated);
            return latestPlausible;
        }

        // 49 CFR 565.15 year-code table footnote (final rule, 73 FR 23367, 2008): for passenger cars, MPVs and
        // trucks up to 10,000 lb GVWR, a numeric position 7 puts position 10 in 1980-2009, an alphabetic one in 2010-2039.
        var byPosition7 = (char.IsAsciiDigit(vin[6]) ? FirstCycleStart : SecondCycleStart) + offset;
        if (byPosition7 <= referenceYear + 1)
        {
            return byPosition7;
        }

        warnings.Add(new VinFinding(
            VinFindingCodes.ModelYearEstimated,
            string.Create(CultureInfo.InvariantCulture,
                $"The position-7 rule of 49 CFR 565.15 gives {byPosition7}, later than reference year {referenceYear} + 1; "
                + $"heavy vehicles and trailers are exempt from that rule, so the latest plausible year {latestPlausible} is used."),
            7));
        return latestPlausible;
    }

    /// <summary>Latest year in the 30-year cycle for <paramref name="offset"/> that is not after <paramref name="referenceYear"/> + 1.</summary>
    private static int LatestYear(int offset, int referenceYear)
    {
        var first = FirstCycleStart + offset;
        var limit = referenceYear + 1;
        return limit <= first ? first : first + (CycleLength * ((limit - first) / CycleLength));
    }

    private static VinDecodeResult DecodeMalformed(ReadOnlySpan<char> trimmed)
    {
        var errors = new List<VinFinding>();
        if (trimmed.Length != VinAlphabet.VinLength)
        {
            var beyond = trimmed.Length > MaxEchoedLength
                ? string.Create(CultureInfo.InvariantCulture, $" Only the first {MaxEchoedLength} characters are checked further.")
                : string.Empty;
            errors.Add(new VinFinding(
                VinFindingCodes.Length,
                string.Create(CultureInfo.InvariantCulture,
                    $"The VIN has {trimmed.Length} characters; ISO 3779 and 49 CFR 565 require exactly 17.{beyond}"),
                null));
        }

        var echoed = Echo(trimmed);
        for (var i = 0; i < echoed.Length; i++)
        {
            var c = echoed[i];
            if (VinAlphabet.IsAllowed(c))
            {
                continue;
            }

            var pairsUp = char.IsHighSurrogate(c) && i + 1 < trimmed.Length && char.IsLowSurrogate(trimmed[i + 1]);
            var description = pairsUp ? Describe(new Rune(c, trimmed[i + 1])) : Describe(c);
            var reason = c is 'I' or 'O' or 'Q'
                ? "I, O and Q are never used because they read like 1, 0 and 9"
                : "a VIN uses only the letters A-Z and the digits 0-9";
            errors.Add(new VinFinding(
                VinFindingCodes.InvalidCharacter,
                string.Create(CultureInfo.InvariantCulture, $"Character {description} at position {i + 1} is not allowed: {reason}."),
                i + 1));
            if (pairsUp)
            {
                i++;
            }
        }

        var wmiReadable = echoed.Length >= 3
            && VinAlphabet.IsAllowed(echoed[0]) && VinAlphabet.IsAllowed(echoed[1]) && VinAlphabet.IsAllowed(echoed[2]);
        var isSmallManufacturer = wmiReadable && echoed[2] == '9';
        WmiEntry? entry = null;
        if (wmiReadable && !isSmallManufacturer)
        {
            entry = WmiRegistry.Find(echoed.AsSpan(0, 3));
        }

        var country = echoed.Length >= 2 ? WmiCountries.Find(echoed[0], echoed[1]) : null;
        return new VinDecodeResult(
            echoed,
            isWellFormed: false,
            checkDigit: null,
            modelYear: null,
            wmiReadable: wmiReadable && !isSmallManufacturer,
            isSmallManufacturer,
            entry,
            country?.Name,
            country?.Region ?? WmiCountries.RegionOf(echoed[0]),
            errors,
            NoFindings);
    }

    /// <summary>Trimmed, ASCII upper-cased, capped at <see cref="MaxEchoedLength"/> without splitting a surrogate pair.</summary>
    private static string Echo(ReadOnlySpan<char> trimmed)
    {
        var length = Math.Min(trimmed.Length, MaxEchoedLength);
        if (length < trimmed.Length && char.IsHighSurrogate(trimmed[length - 1]))
        {
            length--;
        }

        Span<char> buffer = stackalloc char[MaxEchoedLength];
        for (var i = 0; i < length; i++)
        {
            var c = trimmed[i];
            buffer[i] = char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;
        }

        return new string(buffer[..length]);
    }

    private static string Describe(char c) =>
        char.IsAscii(c) && !char.IsControl(c) && c != ' '
            ? string.Create(CultureInfo.InvariantCulture, $"'{c}'")
            : string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");

    private static string Describe(Rune rune) =>
        string.Create(CultureInfo.InvariantCulture, $"U+{rune.Value:X4}");

    private static VinDecodeResult Hopeless(string echoed, VinFinding finding) =>
        new(echoed, false, null, null, false, false, null, null, null, new[] { finding }, NoFindings);

    /// <summary>Collects the few findings a well-formed VIN can have without allocating when there are none.</summary>
    private struct FindingBuffer
    {
        private VinFinding? _first;
        private VinFinding? _second;
        private VinFinding? _third;
        private VinFinding? _fourth;
        private int _count;

        public void Add(VinFinding finding)
        {
            switch (_count++)
            {
                case 0: _first = finding; break;
                case 1: _second = finding; break;
                case 2: _third = finding; break;
                case 3: _fourth = finding; break;
                default: throw new InvalidOperationException("A well-formed VIN yields at most four findings of one kind.");
            }
        }

        public readonly IReadOnlyList<VinFinding> ToList() => _count switch
        {
            0 => NoFindings,
            1 => new[] { _first! },
            2 => new[] { _first!, _second! },
            3 => new[] { _first!, _second!, _third! },
            _ => new[] { _first!, _second!, _third!, _fourth! },
        };
    }
}
