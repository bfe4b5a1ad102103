using System.Collections.Frozen;
using System.Globalization;

namespace Pitlane.Vin;

/// <summary>One row of the shipped WMI table.</summary>
internal sealed class WmiEntry(string code, string manufacturer, string? make)
{
    /// <summary>3 characters, or 6 for the small-manufacturer form (WMI + positions 12-14).</summary>
    public string Code { get; } = code;

    public string Manufacturer { get; } = manufacturer;

    public string? Make { get; } = make;
}

/// <summary>
/// The WMI table embedded as Data/wmi.tsv, parsed once into a frozen dictionary. Lookups go through
/// a span alternate lookup so decoding never allocates a key string.
/// </summary>
internal static class WmiRegistry
{
    private const string ResourceName = "Pitlane.Vin.Data.wmi.tsv";

    private static readonly FrozenDictionary<string, WmiEntry> Entries = Load();

    private static readonly FrozenDictionary<string, WmiEntry>.AlternateLookup<ReadOnlySpan<char>> ByKey =
        Entries.GetAlternateLookup<ReadOnlySpan<char>>();

    public static int Count => Entries.Count;

    public static IEnumerable<WmiEntry> All => Entries.Values;

    public static WmiEntry? Find(ReadOnlySpan<char> code) => ByKey.TryGetValue(code, out var entry) ? entry : null;

    private static FrozenDictionary<string, WmiEntry> Load()
    {
        using var stream = typeof(WmiRegistry).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from Pitlane.Vin.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    /// <summary>
    /// A malformed table is a packaging bug, so it fails loudly with the line number rather than
    /// silently dropping rows; the unit tests load the real table on every run.
    /// </summary>
    internal static FrozenDictionary<string, WmiEntry> Parse(TextReader reader)
    {
        var entries = new Dictionary<string, WmiEntry>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length is < 2 or > 3)
            {
                throw Malformed(lineNumber, "expected 2 or 3 tab-separated columns");
            }

            var code = columns[0];
            if (!IsWmiCode(code))
            {
                throw Malformed(lineNumber, $"'{code}' is neither a 3-character WMI nor a 6-character small-manufacturer WMI");
            }

            if (columns[1].Length == 0)
            {
                throw Malformed(lineNumber, "manufacturer is empty");
            }

            var make = columns.Length == 3 && columns[2].Length > 0 ? columns[2] : null;
            if (!entries.TryAdd(code, new WmiEntry(code, columns[1], make)))
            {
                throw Malformed(lineNumber, $"duplicate WMI '{code}'");
            }
        }

        return entries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    // 49 CFR 565.15(a): a third character '9' marks a small manufacturer, whose identity continues in positions 12-14.
    private static bool IsWmiCode(string code)
    {
        if (code.Length is not (3 or 6) || (code.Length == 6 && code[2] != '9'))
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!VinAlphabet.IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    private static InvalidDataException Malformed(int lineNumber, string reason) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{ResourceName} line {lineNumber}: {reason}."));
}
