using System.Collections.Frozen;
using System.Reflection;

namespace Pitlane.Obd.Dtc;

public enum DtcSeverity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>Where a description comes from: the shipped database or the SAE J2012 range of the code.</summary>
public enum DtcDescriptionSource
{
    Database,
    Range,
}

public sealed record DtcDescription(
    string Code,
    string System,
    DtcSeverity Severity,
    string Description,
    bool ManufacturerSpecific,
    DtcDescriptionSource Source);

/// <summary>
/// Descriptions of trouble codes: the generic codes from the embedded generic-dtcs.tsv
/// (loaded once), and for any other code a description built from its SAE J2012 range.
/// </summary>
public static class DtcKnowledge
{
    public const string ResourceName = "Pitlane.Obd.Dtc.generic-dtcs.tsv";

    private static readonly Lazy<FrozenDictionary<string, DtcDescription>> Database = new(Load);

    /// <summary>Number of codes in the shipped database (0 when the data file is not embedded).</summary>
    public static int DatabaseCount => Database.Value.Count;

    public static DtcDescription Describe(TroubleCode code) =>
        Database.Value.TryGetValue(code.ToString(), out var known) ? known : DescribeByRange(code);

    public static DtcDescription Describe(string code) => Describe(TroubleCode.Parse(code));

    /// <summary>Parses the tab separated data: a header line, then code, system, severity, description.</summary>
    public static FrozenDictionary<string, DtcDescription> Parse(TextReader reader)
    {
        var entries = new Dictionary<string, DtcDescription>(StringComparer.OrdinalIgnoreCase);
        reader.ReadLine();
        int lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split('\t');
            if (fields.Length < 4 || !TroubleCode.TryParse(fields[0].Trim(), out var code) || !TryParseSeverity(fields[2].Trim(), out var severity))
                throw new InvalidDataException($"generic-dtcs.tsv line {lineNumber} is not 'code<TAB>system<TAB>severity<TAB>description': {line}");
            var key = code.ToString();
            entries[key] = new DtcDescription(key, fields[1].Trim(), severity, fields[3].Trim(), IsManufacturerSpecific(code), DtcDescriptionSource.Database);
        }
        return entries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static FrozenDictionary<string, DtcDescription> Load()
    {
        using var stream = typeof(DtcKnowledge).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return FrozenDictionary<string, DtcDescription>.Empty;
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    private static bool TryParseSeverity(string text, out DtcSeverity severity) =>
        Enum.TryParse(text, ignoreCase: true, out severity) && Enum.IsDefined(severity);

    /// <summary>
    /// SAE J2012: P0, P2 and P34-P3F are SAE-defined; P1 and P30-P33 are manufacturer controlled;
    /// for B, C and U, 0 and 3 are SAE-defined, 1 and 2 manufacturer controlled.
    /// </summary>
    public static bool IsManufacturerSpecific(TroubleCode code) => code.System switch
    {
        'P' => code.FirstDigit == 1 || (code.FirstDigit == 3 && ((code.Raw >> 8) & 0xF) <= 3),
        _ => code.FirstDigit is 1 or 2,
    };

    public static DtcDescription DescribeByRange(TroubleCode code)
    {
        bool manufacturer = IsManufacturerSpecific(code);
        int area = (code.Raw >> 8) & 0xF;
        (string system, DtcSeverity severity, string subject) = code.System switch
        {
            'P' => PowertrainArea(code.FirstDigit, area),
            'C' => ("Chassis", DtcSeverity.Medium, "chassis system"),
            'B' => ("Body", DtcSeverity.Low, "body system"),
            _ => NetworkArea(code.FirstDigit, area),
        };
        var owner = manufacturer ? "manufacturer-specific" : "generic (SAE)";
        var text = code.ToString();
        return new DtcDescription(text, system, severity, $"{char.ToUpperInvariant(subject[0])}{subject[1..]} fault, {owner} code {text}", manufacturer, DtcDescriptionSource.Range);
    }

    // SAE J2012 powertrain groups by the third character.
    private static (string, DtcSeverity, string) PowertrainArea(int first, int area)
    {
        if (first is 0 or 1)
        {
            return area switch
            {
                0 or 1 or 2 => ("Fuel and air metering", DtcSeverity.Medium, "fuel and air metering"),
                3 => ("Ignition system or misfire", DtcSeverity.High, "ignition system or misfire"),
                4 => ("Auxiliary emission controls", DtcSeverity.Medium, "auxiliary emission control"),
                5 => ("Vehicle speed, idle control and auxiliary inputs", DtcSeverity.Medium, "vehicle speed, idle control or auxiliary input"),
                6 => ("Computer and output circuits", DtcSeverity.Medium, "computer or output circuit"),
                7 or 8 or 9 => ("Transmission", DtcSeverity.Medium, "transmission"),
                0xA or 0xB or 0xC => ("Hybrid propulsion", DtcSeverity.Medium, "hybrid propulsion"),
                _ => ("Powertrain", DtcSeverity.Medium, "powertrain"),
            };
        }
        if (first == 2)
        {
            return area switch
            {
                0 or 1 or 2 or 9 or 0xA => ("Fuel and air metering", DtcSeverity.Medium, "fuel and air metering or auxiliary emission control"),
                3 => ("Ignition system or misfire", DtcSeverity.High, "ignition system or misfire"),
                4 => ("Auxiliary emission controls", DtcSeverity.Medium, "auxiliary emission control"),
                5 => ("Auxiliary inputs", DtcSeverity.Medium, "auxiliary input"),
                6 => ("Computer and output circuits", DtcSeverity.Medium, "computer or output circuit"),
                7 or 8 => ("Transmission", DtcSeverity.Medium, "transmission"),
                _ => ("Powertrain", DtcSeverity.Medium, "powertrain"),
            };
        }
        return area == 4
            ? ("Cylinder deactivation", DtcSeverity.Medium, "cylinder deactivation")
            : ("Powertrain", DtcSeverity.Medium, "powertrain");
    }

    private static (string, DtcSeverity, string) NetworkArea(int first, int area)
    {
        if (first != 0) return ("Network", DtcSeverity.Medium, "network communication");
        return area switch
        {
            0 => ("Network electrical", DtcSeverity.Medium, "network electrical"),
            1 or 2 => ("Network communication", DtcSeverity.High, "lost communication with a module"),
            3 => ("Network software", DtcSeverity.Medium, "network software incompatibility"),
            4 => ("Network data", DtcSeverity.Medium, "invalid data received from a module"),
            _ => ("Network", DtcSeverity.Medium, "network communication"),
        };
    }
}
