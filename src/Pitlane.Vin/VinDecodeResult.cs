namespace Pitlane.Vin;

/// <summary>
/// What <see cref="VinDecoder"/> found in one VIN. Immutable and safe to share between threads.
/// The substring properties (<see cref="Vds"/>, <see cref="Vis"/>, <see cref="SerialNumber"/>, and
/// <see cref="Wmi"/> for identifiers missing from the table) are cut on first read, so decoding itself
/// allocates nothing beyond this object.
/// </summary>
public sealed class VinDecodeResult
{
    private readonly WmiEntry? _wmiEntry;
    private readonly bool _wmiReadable;
    private string? _wmi;
    private string? _vds;
    private string? _vis;
    private string? _serialNumber;

    internal VinDecodeResult(
        string vin,
        bool isWellFormed,
        CheckDigitResult? checkDigit,
        int? modelYear,
        bool wmiReadable,
        bool isSmallManufacturer,
        WmiEntry? wmiEntry,
        string? country,
        string? region,
        IReadOnlyList<VinFinding> errors,
        IReadOnlyList<VinFinding> warnings)
    {
        Vin = vin;
        IsWellFormed = isWellFormed;
        CheckDigit = checkDigit;
        ModelYear = modelYear;
        _wmiReadable = wmiReadable;
        IsSmallManufacturer = isSmallManufacturer;
        _wmiEntry = wmiEntry;
        Country = country;
        Region = region;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>
    /// The input trimmed and upper-cased (ASCII letters only), at most <see cref="VinDecoder.MaxEchoedLength"/>
    /// characters; the caller's own string instance when it was already normalised.
    /// </summary>
    public string Vin { get; }

    /// <summary>17 characters from A-Z and 0-9 without I, O or Q.</summary>
    public bool IsWellFormed { get; }

    /// <summary>Well-formed and the check digit at position 9 matches 49 CFR 565.15(c).</summary>
    public bool IsValid => IsWellFormed && CheckDigit is { Valid: true };

    /// <summary>Null when the VIN is not well-formed.</summary>
    public CheckDigitResult? CheckDigit { get; }

    /// <summary>From position 10; see <see cref="VinDecoder.Decode(string?, int)"/> for how the 30-year cycle is resolved.</summary>
    public int? ModelYear { get; }

    /// <summary>
    /// World manufacturer identifier: positions 1-3, or for a small manufacturer (third character '9',
    /// 49 CFR 565.15(a)) positions 1-3 followed by 12-14. Null when positions 1-3 are unreadable.
    /// </summary>
    public string? Wmi => _wmiEntry?.Code ?? (_wmiReadable ? _wmi ??= CutWmi() : null);

    /// <summary>Third character is '9': the manufacturer builds fewer than 1,000 vehicles a year and is named by positions 12-14 too.</summary>
    public bool IsSmallManufacturer { get; }

    /// <summary>From the shipped WMI table; null when the WMI is not in it.</summary>
    public string? Manufacturer => _wmiEntry?.Manufacturer;

    /// <summary>The brand; null when unknown or when the WMI is shared by several brands (e.g. Chrysler 1C4).</summary>
    public string? Make => _wmiEntry?.Make;

    /// <summary>Country the first two characters are allocated to under ISO 3780; null when unallocated or unknown.</summary>
    public string? Country { get; }

    /// <summary>Continent from the first character under ISO 3780 (for the 7F-70 block, North America).</summary>
    public string? Region { get; }

    /// <summary>
    /// Vehicle descriptor section, positions 4-8, as 49 CFR 565.15(b) defines it; position 9 is reported
    /// separately in <see cref="CheckDigit"/> (ISO 3779 counts it into a 6-character VDS).
    /// </summary>
    public string? Vds => IsWellFormed ? _vds ??= Vin.Substring(3, 5) : null;

    /// <summary>Vehicle identifier section, positions 10-17.</summary>
    public string? Vis => IsWellFormed ? _vis ??= Vin.Substring(9, 8) : null;

    /// <summary>Position 11, the assembly plant in 49 CFR 565.15(d).</summary>
    public char? PlantCode => IsWellFormed ? Vin[10] : null;

    /// <summary>Positions 12-17, or 15-17 for a small manufacturer whose identity takes 12-14.</summary>
    public string? SerialNumber => IsWellFormed
        ? _serialNumber ??= IsSmallManufacturer ? Vin.Substring(14, 3) : Vin.Substring(11, 6)
        : null;

    /// <summary>Faults in the VIN. The same empty instance for every VIN without faults.</summary>
    public IReadOnlyList<VinFinding> Errors { get; }

    /// <summary>Remarks that do not make the VIN wrong: unknown WMI, estimated model year, optional check digit.</summary>
    public IReadOnlyList<VinFinding> Warnings { get; }

    private string CutWmi() =>
        IsSmallManufacturer && Vin.Length >= 14
            ? string.Concat(Vin.AsSpan(0, 3), Vin.AsSpan(11, 3))
            : Vin.Substring(0, 3);
}
