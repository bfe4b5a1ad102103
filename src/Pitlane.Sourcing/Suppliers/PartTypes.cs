namespace Pitlane.Sourcing.Suppliers;

/// <summary>A part type of the built-in taxonomy (ids are Pitlane's own, in the PCdb style), with a typical cost that seeds the simulated catalogues.</summary>
public sealed record PartType(int Id, string Name, long TypicalCost, bool Body = false, bool HasCore = false, bool SoldInSets = false);

public static class PartTypes
{
    public static readonly IReadOnlyList<PartType> All =
    [
        new(1001, "Brake pad set", 3800),
        new(1002, "Brake rotor", 5200),
        new(1003, "Brake caliper", 7400, HasCore: true),
        new(1010, "Engine oil filter", 650, SoldInSets: true),
        new(1011, "Engine oil (quart)", 750, SoldInSets: true),
        new(1012, "Engine air filter", 1500),
        new(1013, "Cabin air filter", 1400),
        new(1020, "Spark plug", 900, SoldInSets: true),
        new(1021, "Ignition coil", 4500, SoldInSets: true),
        new(1030, "Battery", 13500, HasCore: true),
        new(1031, "Alternator", 19500, HasCore: true),
        new(1032, "Starter motor", 16500, HasCore: true),
        new(1040, "Serpentine belt", 2900),
        new(1041, "Water pump", 6800),
        new(1042, "Thermostat", 2100),
        new(1050, "Wiper blade", 1100, SoldInSets: true),
        new(1060, "Front strut assembly", 11800),
        new(1061, "Wheel hub bearing", 8900),
        new(2001, "Front bumper cover", 21000, Body: true),
        new(2002, "Headlamp assembly", 17500, Body: true),
        new(2003, "Front fender", 12500, Body: true),
        new(2004, "Side mirror", 9800, Body: true),
        new(2005, "Hood panel", 26000, Body: true),
    ];

    public static PartType? Find(int id) => All.FirstOrDefault(p => p.Id == id);
}
