namespace Pitlane.Vin.Tests;

public sealed class ModelYearTests
{
    [Fact]
    public void Given_north_american_vin_with_numeric_position_7_Then_year_from_1980_cycle()
    {
        // 1M8GDM9AXKP042788: position 7 '9', position 10 'K'. Without the rule 'K' would read 2019 in 2026.
        var result = VinDecoder.Decode("1M8GDM9AXKP042788", 2026);

        Assert.Equal(1989, result.ModelYear);
        Assert.DoesNotContain(result.Warnings, w => w.Code == VinFindingCodes.ModelYearEstimated);
    }

    [Fact]
    public void Given_north_american_vin_with_alphabetic_position_7_Then_year_from_2010_cycle()
    {
        // 2T1BURHE0JC034108, a 2018 Toyota Corolla built in Canada: position 7 'H', position 10 'J'.
        // A reference year of 2050 would otherwise pick 2048.
        var result = VinDecoder.Decode("2T1BURHE0JC034108", 2050);

        Assert.Equal(2018, result.ModelYear);
    }

    [Theory]
    [InlineData("1HGCM82633A004352", 2003)]
    [InlineData("1G1ZT53826F109149", 2006)]
    [InlineData("2T1BURHE0JC034108", 2018)]
    public void Given_real_north_american_vins_Then_model_year_decoded(string vin, int year)
    {
        Assert.Equal(year, VinDecoder.Decode(vin, 2045).ModelYear);
    }

    [Fact]
    public void Given_position_7_rule_gives_future_year_Then_latest_plausible_year_with_warning()
    {
        // Position 7 'B' is alphabetic and position 10 '9' would mean 2039 - impossible in 2026, so the vehicle
        // is one the rule does not cover (heavy truck, trailer) and the latest year not after 2027 wins.
        var result = VinDecoder.Decode("1FUJBBCK59LA00000", 2026);

        Assert.Equal(2009, result.ModelYear);
        var warning = Assert.Single(result.Warnings, w => w.Code == VinFindingCodes.ModelYearEstimated);
        Assert.Equal(7, warning.Position);
    }

    [Theory]
    [InlineData(2020, 1996)]
    [InlineData(2025, 2026)]
    [InlineData(2026, 2026)]
    [InlineData(2060, 2056)]
    public void Given_european_vin_Then_latest_year_not_after_reference_plus_one(int referenceYear, int expected)
    {
        // WP0ZZZ99ZTS392124, a 1996 Porsche 911: 'T' is 1996, 2026 or 2056 and nothing in a European VIN says which.
        var result = VinDecoder.Decode("WP0ZZZ99ZTS392124", referenceYear);

        Assert.Equal(expected, result.ModelYear);
        Assert.Contains(result.Warnings, w => w.Code == VinFindingCodes.ModelYearEstimated);
    }

    [Fact]
    public void Given_default_overload_Then_default_reference_year_used()
    {
        Assert.Equal(
            VinDecoder.Decode("WP0ZZZ99ZTS392124", VinDecoder.DefaultReferenceYear).ModelYear,
            VinDecoder.Decode("WP0ZZZ99ZTS392124").ModelYear);
    }

    [Fact]
    public void Given_every_year_code_Then_thirty_consecutive_years_from_1980()
    {
        // Codes in 49 CFR 565.15 cycle order; a North American VIN with numeric position 7 reads the first cycle.
        const string codes = "ABCDEFGHJKLMNPRSTVWXY123456789";
        for (var i = 0; i < codes.Length; i++)
        {
            var chars = "1HGCM82600A004352".ToCharArray();
            chars[9] = codes[i];
            var result = VinDecoder.Decode(new string(chars), 2026);
            Assert.Equal(1980 + i, result.ModelYear);

            chars[6] = 'Z';
            Assert.Equal(2010 + i, VinDecoder.Decode(new string(chars), 2040).ModelYear);
        }
    }

    [Theory]
    [InlineData('U')]
    [InlineData('Z')]
    [InlineData('0')]
    public void Given_north_american_vin_with_no_year_code_Then_model_year_code_error(char code)
    {
        var chars = "1HGCM82633A004352".ToCharArray();
        chars[9] = code;

        var result = VinDecoder.Decode(new string(chars));

        Assert.Null(result.ModelYear);
        var error = Assert.Single(result.Errors, e => e.Code == VinFindingCodes.ModelYearCode);
        Assert.Equal(10, error.Position);
    }

    [Fact]
    public void Given_european_vin_with_filler_at_position_10_Then_warning_not_error()
    {
        var result = VinDecoder.Decode("WDB123456Z1234567");

        Assert.Null(result.ModelYear);
        Assert.DoesNotContain(result.Errors, e => e.Code == VinFindingCodes.ModelYearCode);
        Assert.Contains(result.Warnings, w => w.Code == VinFindingCodes.ModelYearCode);
    }

    [Theory]
    [InlineData(int.MinValue, 1996)]
    [InlineData(0, 1996)]
    [InlineData(int.MaxValue, 9976)]
    public void Given_absurd_reference_year_Then_clamped_not_overflowed(int referenceYear, int expected)
    {
        Assert.Equal(expected, VinDecoder.Decode("WP0ZZZ99ZTS392124", referenceYear).ModelYear);
    }
}
