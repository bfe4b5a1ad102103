using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pitlane.Vin;

namespace Pitlane.Benchmarks;

/// <summary>
/// Pitlane.Vin against the way VIN checks are commonly written (Regex, Dictionary, LINQ, ToUpper, Substring),
/// on the same inputs, grouped so each category has its own baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class VinBenchmarks
{
    private const string ValidVin = "1HGCM82633A004352";
    private const string WrongCheckDigitVin = "1HGCM82633A004353";
    private const string BadCharacterVin = "1HGCM82633A00435O";
    private const string EuropeanVin = "WP0ZZZ99ZTS392124";

    [Benchmark(Baseline = true), BenchmarkCategory("Valid")]
    public NaiveVinDecoder.Result Naive_valid() => NaiveVinDecoder.Decode(ValidVin);

    [Benchmark, BenchmarkCategory("Valid")]
    public VinDecodeResult Pitlane_valid() => VinDecoder.Decode(ValidVin);

    [Benchmark(Baseline = true), BenchmarkCategory("WrongCheckDigit")]
    public NaiveVinDecoder.Result Naive_wrong_check_digit() => NaiveVinDecoder.Decode(WrongCheckDigitVin);

    [Benchmark, BenchmarkCategory("WrongCheckDigit")]
    public VinDecodeResult Pitlane_wrong_check_digit() => VinDecoder.Decode(WrongCheckDigitVin);

    [Benchmark(Baseline = true), BenchmarkCategory("BadCharacter")]
    public NaiveVinDecoder.Result Naive_bad_character() => NaiveVinDecoder.Decode(BadCharacterVin);

    [Benchmark, BenchmarkCategory("BadCharacter")]
    public VinDecodeResult Pitlane_bad_character() => VinDecoder.Decode(BadCharacterVin);

    [Benchmark(Baseline = true), BenchmarkCategory("European")]
    public NaiveVinDecoder.Result Naive_european() => NaiveVinDecoder.Decode(EuropeanVin);

    [Benchmark, BenchmarkCategory("European")]
    public VinDecodeResult Pitlane_european() => VinDecoder.Decode(EuropeanVin);
}

/// <summary>
/// Reference point only: a straightforward decoder in the style found in many code bases, doing the
/// same 49 CFR 565.15 arithmetic with Regex validation, Dictionary lookups and a LINQ sum.
/// </summary>
public static class NaiveVinDecoder
{
    private static readonly Dictionary<char, int> Transliteration = new()
    {
        ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
        ['J'] = 1, ['K'] = 2, ['L'] = 3, ['M'] = 4, ['N'] = 5, ['P'] = 7, ['R'] = 9,
        ['S'] = 2, ['T'] = 3, ['U'] = 4, ['V'] = 5, ['W'] = 6, ['X'] = 7, ['Y'] = 8, ['Z'] = 9,
        ['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
    };

    private static readonly int[] Weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    private static readonly Dictionary<char, int> Years = "ABCDEFGHJKLMNPRSTVWXY123456789"
        .Select((c, i) => (c, i))
        .ToDictionary(p => p.c, p => 1980 + p.i);

    private static readonly Dictionary<string, string> Makes = new()
    {
        ["1HG"] = "Honda", ["JHM"] = "Honda", ["1G1"] = "Chevrolet", ["1FA"] = "Ford", ["WBA"] = "BMW",
        ["WVW"] = "Volkswagen", ["WP0"] = "Porsche", ["JTD"] = "Toyota", ["KMH"] = "Hyundai", ["VF1"] = "Renault",
    };

    public static Result Decode(string? vin)
    {
        var errors = new List<string>();
        var text = (vin ?? string.Empty).Trim().ToUpperInvariant();
        if (!Regex.IsMatch(text, "^[A-HJ-NPR-Z0-9]{17}$"))
        {
            errors.Add("VIN must be 17 characters from A-Z and 0-9 without I, O, Q");
            return new Result(text, false, null, null, null, null, errors);
        }

        var sum = text.Select((c, i) => Transliteration[c] * Weights[i]).Sum();
        var remainder = sum % 11;
        var expected = remainder == 10 ? "X" : remainder.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var valid = text.Substring(8, 1) == expected;
        if (!valid)
        {
            errors.Add($"Check digit should be {expected}");
        }

        var wmi = text.Substring(0, 3);
        Makes.TryGetValue(wmi, out var make);
        int? year = Years.TryGetValue(text[9], out var y) ? (char.IsDigit(text[6]) ? y : y + 30) : null;
        return new Result(text, valid, wmi, make, year, text.Substring(3, 5) + "|" + text.Substring(9, 8), errors);
    }

    public sealed record Result(string Vin, bool Valid, string? Wmi, string? Make, int? Year, string? Sections, List<string> Errors);
}
