namespace Pitlane.Vin;

/// <summary>
/// One fault or remark about a VIN. <paramref name="Code"/> is a stable machine-readable key
/// (see <see cref="VinFindingCodes"/>); <paramref name="Position"/> is 1-based within the trimmed input
/// (UTF-16 code units, which equal VIN positions for any ASCII input), or null when the finding is
/// about the VIN as a whole.
/// </summary>
public sealed record VinFinding(string Code, string Message, int? Position);

/// <summary>The codes <see cref="VinDecoder"/> emits; callers may switch on them.</summary>
public static class VinFindingCodes
{
    /// <summary>Null, empty or whitespace-only input.</summary>
    public const string Empty = "empty";

    /// <summary>Not 17 characters after trimming (ISO 3779, 49 CFR 565).</summary>
    public const string Length = "length";

    /// <summary>A character outside A-Z and 0-9, or one of I, O, Q (ISO 3779, 49 CFR 565).</summary>
    public const string InvalidCharacter = "invalid-character";

    /// <summary>Position 9 does not match the 49 CFR 565.15(c) check digit.</summary>
    public const string CheckDigit = "check-digit";

    /// <summary>Position 10 is not a 49 CFR 565.15 model-year code (never I, O, Q, U, Z, 0).</summary>
    public const string ModelYearCode = "model-year-code";

    /// <summary>Warning: the WMI is not in the table this library ships; the VIN itself may be fine.</summary>
    public const string UnknownWmi = "unknown-wmi";

    /// <summary>Warning: a check-digit mismatch on a WMI from a region where the check digit is not mandatory.</summary>
    public const string CheckDigitNotMandatory = "check-digit-not-mandatory";

    /// <summary>Warning: the model year was chosen as the latest plausible year, not fixed by the position-7 rule.</summary>
    public const string ModelYearEstimated = "model-year-estimated";
}
