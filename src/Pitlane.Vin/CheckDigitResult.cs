namespace Pitlane.Vin;

/// <summary>
/// The 49 CFR 565.15(c) check digit: <paramref name="Expected"/> is computed from the other
/// sixteen characters ('0'-'9' or 'X'), <paramref name="Actual"/> is position 9 as written.
/// </summary>
public readonly record struct CheckDigitResult(char Expected, char Actual, bool Valid);
