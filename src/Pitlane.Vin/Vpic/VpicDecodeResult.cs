namespace Pitlane.Vin.Vpic;

/// <summary>
/// The fields Pitlane uses from NHTSA vPIC DecodeVinValues. vPIC sends every value as a string and an
/// empty string for "unknown"; here unknown is null and numbers are parsed with the invariant culture.
/// <see cref="ErrorCode"/> is vPIC's own verdict ("0" = decoded clean; a comma list otherwise) and
/// <see cref="ErrorText"/> its explanation.
/// </summary>
public sealed record VpicDecodeResult(
    string? Make,
    string? Model,
    int? ModelYear,
    string? Trim,
    string? BodyClass,
    string? EngineModel,
    decimal? DisplacementL,
    int? EngineCylinders,
    string? FuelType,
    string? PlantCity,
    string? PlantCountry,
    string? Manufacturer,
    string? ErrorCode,
    string? ErrorText);
