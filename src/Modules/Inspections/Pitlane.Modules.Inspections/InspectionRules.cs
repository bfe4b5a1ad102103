namespace Pitlane.Modules.Inspections;

/// <summary>A kind of measurement: its unit, the plausible range, and the thresholds that suggest a rating.</summary>
/// <param name="RedBelow">Strictly below this: red.</param>
/// <param name="YellowBelow">Strictly below this (and not red): yellow; otherwise green.</param>
public sealed record MeasurementKind(string Code, string Label, string Unit, decimal Min, decimal Max, decimal RedBelow, decimal YellowBelow)
{
    public Rating Suggest(decimal value) => value < RedBelow ? Rating.Red : value < YellowBelow ? Rating.Yellow : Rating.Green;
}

public static class Measurements
{
    /// <summary>
    /// Tyre tread depth: 1.6 mm is the legal minimum in the EU (Directive 89/459/EEC) and the UK; below 3 mm wet braking
    /// distances grow markedly, so it is "soon".
    /// </summary>
    public static readonly MeasurementKind TreadDepth = new("tread_depth", "Tread depth", "mm", 0m, 20m, 1.6m, 3m);

    /// <summary>Brake pad friction material: under 3 mm is due now, under 5 mm soon (common manufacturer service limits).</summary>
    public static readonly MeasurementKind BrakePad = new("brake_pad", "Brake pad", "mm", 0m, 30m, 3m, 5m);

    public static readonly IReadOnlyList<MeasurementKind> All = [TreadDepth, BrakePad];

    public static MeasurementKind? Find(string? code) => All.FirstOrDefault(k => string.Equals(k.Code, code, StringComparison.Ordinal));
}

public static class InspectionRules
{
    public const int MaxNameLength = 120;
    public const int MaxNotesLength = 1000;
    public const int MaxTemplateItems = 200;

    public static string Name(Rating rating) => rating switch
    {
        Rating.Green => "green",
        Rating.Yellow => "yellow",
        Rating.Red => "red",
        _ => throw new ArgumentOutOfRangeException(nameof(rating)),
    };

    public static Rating? Parse(string? rating) => rating switch
    {
        "green" => Rating.Green,
        "yellow" => Rating.Yellow,
        "red" => Rating.Red,
        _ => null,
    };

    /// <summary>The demo shop's (and every new shop's first) multi-point inspection.</summary>
    public static readonly IReadOnlyList<(string Section, string Name, string? Measurement, string? JobTitle, decimal Hours)> DefaultItems =
    [
        ("Tyres", "Front left tyre", Measurements.TreadDepth.Code, "Replace front left tyre", 0.5m),
        ("Tyres", "Front right tyre", Measurements.TreadDepth.Code, "Replace front right tyre", 0.5m),
        ("Tyres", "Rear left tyre", Measurements.TreadDepth.Code, "Replace rear left tyre", 0.5m),
        ("Tyres", "Rear right tyre", Measurements.TreadDepth.Code, "Replace rear right tyre", 0.5m),
        ("Brakes", "Front brake pads", Measurements.BrakePad.Code, "Replace front brake pads", 1.2m),
        ("Brakes", "Rear brake pads", Measurements.BrakePad.Code, "Replace rear brake pads", 1.2m),
        ("Brakes", "Brake fluid", null, "Brake fluid exchange", 0.8m),
        ("Under the hood", "Engine oil level and condition", null, "Oil and filter change", 0.5m),
        ("Under the hood", "Coolant level", null, "Coolant service", 0.8m),
        ("Under the hood", "Battery and terminals", null, "Replace battery", 0.4m),
        ("Under the hood", "Drive belt", null, "Replace drive belt", 0.9m),
        ("Under the hood", "Engine air filter", null, "Replace engine air filter", 0.2m),
        ("Visibility", "Wiper blades", null, "Replace wiper blades", 0.2m),
        ("Visibility", "Lights (head, brake, turn)", null, "Replace bulbs", 0.3m),
        ("Underneath", "Suspension and steering", null, "Suspension repair", 2.0m),
        ("Underneath", "Exhaust system", null, "Exhaust repair", 1.0m),
    ];
}
