namespace Pitlane.Vin;

/// <summary>Country a WMI is allocated to, with the VIN rules that follow from it.</summary>
internal sealed class WmiCountry(string name, string region, bool northAmerica, bool checkDigitMandatory)
{
    public string Name { get; } = name;

    public string Region { get; } = region;

    /// <summary>US, Canada or Mexico: 49 CFR 565 (and CMVSS 115) VINs, where the position-7 model-year rule applies.</summary>
    public bool NorthAmerica { get; } = northAmerica;

    /// <summary>49 CFR 565.15(c) in North America and GB 16735 in China make position 9 a mandatory check digit.</summary>
    public bool CheckDigitMandatory { get; } = checkDigitMandatory;
}

/// <summary>
/// ISO 3780 country allocation of the first two WMI characters, as administered by SAE International.
/// Ranges run in ISO 3780 character order (A-H, J-N, P, R-Z, 1-9, 0), so "XX-X2" covers XX, XY, XZ, X1, X2.
/// Pairs outside every listed range are unallocated or not known to this table and yield no country.
/// </summary>
internal static class WmiCountries
{
    public const string Africa = "Africa";
    public const string Asia = "Asia";
    public const string Europe = "Europe";
    public const string NorthAmerica = "North America";
    public const string Oceania = "Oceania";
    public const string SouthAmerica = "South America";

    private static readonly WmiCountry?[] ByPair = Build();

    /// <summary>ISO 3780 first-character blocks: A-H Africa, J-R Asia, S-Z Europe, 1-5 North America, 6-7 Oceania, 8-0 South America.</summary>
    public static string? RegionOf(char first)
    {
        var rank = VinAlphabet.WmiRank(first);
        return rank switch
        {
            < 0 => null,
            <= 7 => Africa,        // A..H
            <= 14 => Asia,         // J..R
            <= 22 => Europe,       // S..Z
            <= 27 => NorthAmerica, // 1..5
            <= 29 => Oceania,      // 6..7
            _ => SouthAmerica,     // 8, 9, 0
        };
    }

    public static WmiCountry? Find(char first, char second)
    {
        var a = VinAlphabet.WmiRank(first);
        var b = VinAlphabet.WmiRank(second);
        return a < 0 || b < 0 ? null : ByPair[(a * VinAlphabet.WmiRankCount) + b];
    }

    private static WmiCountry?[] Build()
    {
        var table = new WmiCountry?[VinAlphabet.WmiRankCount * VinAlphabet.WmiRankCount];

        var unitedStates = new WmiCountry("United States", NorthAmerica, northAmerica: true, checkDigitMandatory: true);
        var canada = new WmiCountry("Canada", NorthAmerica, northAmerica: true, checkDigitMandatory: true);
        var mexico = new WmiCountry("Mexico", NorthAmerica, northAmerica: true, checkDigitMandatory: true);
        var china = new WmiCountry("China", Asia, northAmerica: false, checkDigitMandatory: true);
        var germany = new WmiCountry("Germany", Europe, false, false);
        var russia = new WmiCountry("Russia", Europe, false, false);
        var brazil = new WmiCountry("Brazil", SouthAmerica, false, false);

        Add(table, '1', 'A', '0', unitedStates);
        Add(table, '4', 'A', '0', unitedStates);
        Add(table, '5', 'A', '0', unitedStates);
        Add(table, '2', 'A', '0', canada);
        Add(table, '3', 'A', 'W', mexico);
        Add(table, '3', 'X', '7', Other("Costa Rica", NorthAmerica));
        // SAE opened 7F-70 to the United States once the 1, 4 and 5 blocks filled up (Tesla 7SA, Rivian 7FC).
        Add(table, '7', 'F', '0', unitedStates);
        Add(table, 'L', 'A', '0', china);
        Add(table, 'W', 'A', '0', germany);
        Add(table, 'S', 'N', 'T', germany); // the former East German allocation
        Add(table, 'J', 'A', '0', Other("Japan", Asia));

        AddAll(table, Africa,
            ('A', 'A', 'H', "South Africa"), ('A', 'J', 'N', "Côte d'Ivoire"),
            ('B', 'A', 'E', "Angola"), ('B', 'F', 'K', "Kenya"), ('B', 'L', 'R', "Tanzania"),
            ('C', 'A', 'E', "Benin"), ('C', 'F', 'K', "Madagascar"), ('C', 'L', 'R', "Tunisia"),
            ('D', 'A', 'E', "Egypt"), ('D', 'F', 'K', "Morocco"), ('D', 'L', 'R', "Zambia"),
            ('E', 'A', 'E', "Ethiopia"), ('E', 'F', 'K', "Mozambique"),
            ('F', 'A', 'E', "Ghana"), ('F', 'F', 'K', "Nigeria"));

        AddAll(table, Asia,
            ('K', 'A', 'E', "Sri Lanka"), ('K', 'F', 'K', "Israel"), ('K', 'L', 'R', "South Korea"),
            ('M', 'A', 'E', "India"), ('M', 'F', 'K', "Indonesia"), ('M', 'L', 'R', "Thailand"),
            ('N', 'A', 'E', "Iran"), ('N', 'F', 'K', "Pakistan"), ('N', 'L', 'R', "Turkey"),
            ('P', 'A', 'E', "Philippines"), ('P', 'F', 'K', "Singapore"), ('P', 'L', 'R', "Malaysia"),
            ('R', 'A', 'E', "United Arab Emirates"), ('R', 'F', 'K', "Taiwan"), ('R', 'L', 'R', "Vietnam"),
            ('R', 'S', '0', "Saudi Arabia"));

        AddAll(table, Europe,
            ('S', 'A', 'M', "United Kingdom"), ('S', 'U', 'Z', "Poland"),
            ('T', 'A', 'H', "Switzerland"), ('T', 'J', 'P', "Czechia"), ('T', 'R', 'V', "Hungary"),
            ('T', 'W', '1', "Portugal"),
            ('U', 'H', 'M', "Denmark"), ('U', 'N', 'T', "Ireland"), ('U', 'U', 'Z', "Romania"),
            ('U', '5', '7', "Slovakia"),
            ('V', 'A', 'E', "Austria"), ('V', 'F', 'R', "France"), ('V', 'S', 'W', "Spain"),
            ('V', 'X', '2', "Serbia"), ('V', '3', '5', "Croatia"), ('V', '6', '0', "Estonia"),
            ('X', 'A', 'E', "Bulgaria"), ('X', 'F', 'K', "Greece"), ('X', 'L', 'R', "Netherlands"),
            ('X', 'X', '2', "Luxembourg"),
            ('Y', 'A', 'E', "Belgium"), ('Y', 'F', 'K', "Finland"), ('Y', 'L', 'R', "Malta"),
            ('Y', 'S', 'W', "Sweden"), ('Y', 'X', '2', "Norway"), ('Y', '3', '5', "Belarus"),
            ('Y', '6', '0', "Ukraine"),
            ('Z', 'A', 'R', "Italy"), ('Z', 'X', '2', "Slovenia"), ('Z', '3', '5', "Lithuania"));
        Add(table, 'X', 'S', 'W', russia);
        Add(table, 'X', '3', '0', russia);
        Add(table, 'Z', '6', '0', russia);

        AddAll(table, Oceania, ('6', 'A', 'W', "Australia"), ('7', 'A', 'E', "New Zealand"));

        AddAll(table, SouthAmerica,
            ('8', 'A', 'E', "Argentina"), ('8', 'F', 'K', "Chile"), ('8', 'L', 'R', "Ecuador"),
            ('8', 'S', 'W', "Peru"), ('8', 'X', '2', "Venezuela"),
            ('9', 'F', 'K', "Colombia"), ('9', 'L', 'R', "Paraguay"), ('9', 'S', 'W', "Uruguay"),
            ('9', 'X', '2', "Trinidad and Tobago"));
        Add(table, '9', 'A', 'E', brazil);
        Add(table, '9', '3', '9', brazil);

        return table;
    }

    private static WmiCountry Other(string name, string region) => new(name, region, false, false);

    private static void AddAll(WmiCountry?[] table, string region, params (char First, char From, char To, string Name)[] ranges)
    {
        foreach (var (first, from, to, name) in ranges)
        {
            Add(table, first, from, to, Other(name, region));
        }
    }

    private static void Add(WmiCountry?[] table, char first, char from, char to, WmiCountry country)
    {
        var row = VinAlphabet.WmiRank(first) * VinAlphabet.WmiRankCount;
        for (var rank = VinAlphabet.WmiRank(from); rank <= VinAlphabet.WmiRank(to); rank++)
        {
            table[row + rank] = country;
        }
    }
}
