namespace Pitlane.Vin.Tests;

public sealed class WmiTests
{
    [Fact]
    public void Given_honda_vin_Then_manufacturer_country_region_and_sections()
    {
        var result = VinDecoder.Decode("1HGCM82633A004352");

        Assert.Equal("1HG", result.Wmi);
        Assert.Equal("Honda", result.Manufacturer);
        Assert.Equal("Honda", result.Make);
        Assert.Equal("United States", result.Country);
        Assert.Equal("North America", result.Region);
        Assert.Equal("CM826", result.Vds);
        Assert.Equal("3A004352", result.Vis);
        Assert.Equal('A', result.PlantCode);
        Assert.Equal("004352", result.SerialNumber);
        Assert.False(result.IsSmallManufacturer);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("JH4KA7561PC008269", "Acura", "Japan", "Asia")]
    [InlineData("2T1BURHE0JC034108", "Toyota", "Canada", "North America")]
    [InlineData("WP0ZZZ99ZTS392124", "Porsche", "Germany", "Europe")]
    [InlineData("1M8GDM9AXKP042788", "MCI", "United States", "North America")]
    public void Given_known_wmi_Then_make_and_country(string vin, string make, string country, string region)
    {
        var result = VinDecoder.Decode(vin);

        Assert.Equal(make, result.Make);
        Assert.Equal(country, result.Country);
        Assert.Equal(region, result.Region);
    }

    [Theory]
    [InlineData("3VW", "Mexico")]
    [InlineData("KMH", "South Korea")]
    [InlineData("LSV", "China")]
    [InlineData("SAJ", "United Kingdom")]
    [InlineData("SN1", "Germany")]
    [InlineData("VF1", "France")]
    [InlineData("VSS", "Spain")]
    [InlineData("ZFA", "Italy")]
    [InlineData("YV1", "Sweden")]
    [InlineData("TMB", "Czechia")]
    [InlineData("9BW", "Brazil")]
    [InlineData("93H", "Brazil")]
    [InlineData("MA3", "India")]
    [InlineData("NMT", "Turkey")]
    [InlineData("6FP", "Australia")]
    [InlineData("AHT", "South Africa")]
    [InlineData("7SA", "United States")]
    [InlineData("XX1", "Luxembourg")]
    [InlineData("Z21", "Slovenia")]
    public void Given_iso_3780_country_ranges_Then_country_from_first_two_characters(string wmi, string country)
    {
        var result = VinDecoder.Decode(wmi + "AAAAAAAAAAAAAA");

        Assert.Equal(country, result.Country);
    }

    [Fact]
    public void Given_tesla_7_block_Then_region_is_north_america_not_oceania()
    {
        Assert.Equal("North America", VinDecoder.Decode("7SAYGDEE0PA000000").Region);
        Assert.Equal("Oceania", VinDecoder.Decode("7AAAAAAAAAAAAAAAA").Region);
    }

    [Fact]
    public void Given_unknown_wmi_Then_warning_and_vin_still_valid()
    {
        var chars = "1Z2AB3CD0EF123456".ToCharArray();
        chars[8] = VinDecoder.Decode(new string(chars)).CheckDigit!.Value.Expected;

        var result = VinDecoder.Decode(new string(chars));

        Assert.True(result.IsValid);
        Assert.Null(result.Manufacturer);
        Assert.Equal("1Z2", result.Wmi);
        Assert.Equal("United States", result.Country);
        Assert.Contains(result.Warnings, w => w.Code == VinFindingCodes.UnknownWmi);
    }

    [Fact]
    public void Given_small_manufacturer_wmi_Then_identity_from_positions_12_to_14_and_short_serial()
    {
        // VF9 + 795 is Bugatti (Veyron, Chiron): third character '9' per 49 CFR 565.15(a) / ISO 3780.
        var result = VinDecoder.Decode("VF9SA25C08M795001");

        Assert.True(result.IsSmallManufacturer);
        Assert.Equal("VF9795", result.Wmi);
        Assert.Equal("Bugatti", result.Make);
        Assert.Equal("001", result.SerialNumber);
        Assert.Equal("France", result.Country);
    }

    [Fact]
    public void Given_unknown_small_manufacturer_Then_six_character_wmi_and_warning()
    {
        var result = VinDecoder.Decode("1A9AAAAA0AA123456");

        Assert.True(result.IsSmallManufacturer);
        Assert.Equal("1A9123", result.Wmi);
        Assert.Equal("456", result.SerialNumber);
        Assert.Contains(result.Warnings, w => w.Code == VinFindingCodes.UnknownWmi);
    }

    [Fact]
    public void Given_european_check_digit_mismatch_Then_error_plus_not_mandatory_warning()
    {
        var result = VinDecoder.Decode("WP0ZZZ99ZTS392124");

        Assert.False(result.IsValid);
        Assert.Equal(new CheckDigitResult('8', 'Z', false), result.CheckDigit);
        Assert.Contains(result.Errors, e => e.Code == VinFindingCodes.CheckDigit);
        Assert.Contains(result.Warnings, w => w.Code == VinFindingCodes.CheckDigitNotMandatory);
    }

    [Fact]
    public void Given_north_american_check_digit_mismatch_Then_no_not_mandatory_warning()
    {
        var result = VinDecoder.Decode("1HGCM82633A004353");

        Assert.DoesNotContain(result.Warnings, w => w.Code == VinFindingCodes.CheckDigitNotMandatory);
    }

    [Fact]
    public void Given_malformed_vin_with_readable_wmi_Then_manufacturer_still_reported_but_no_sections()
    {
        var result = VinDecoder.Decode("1HGCM82633A00435O");

        Assert.Equal("Honda", result.Make);
        Assert.Equal("1HG", result.Wmi);
        Assert.Null(result.Vds);
        Assert.Null(result.Vis);
        Assert.Null(result.SerialNumber);
        Assert.Null(result.PlantCode);
        Assert.Null(result.ModelYear);
    }

    [Fact]
    public void Given_shipped_table_Then_hundreds_of_unique_well_formed_entries()
    {
        Assert.True(WmiRegistry.Count >= 300, $"only {WmiRegistry.Count} WMIs");
        foreach (var entry in WmiRegistry.All)
        {
            Assert.Same(entry, WmiRegistry.Find(entry.Code));
            Assert.False(string.IsNullOrWhiteSpace(entry.Manufacturer));
            Assert.NotNull(WmiCountries.Find(entry.Code[0], entry.Code[1]));
        }
    }

    [Theory]
    [InlineData("1HG\tHonda\tHonda\n1HG\tHonda\tHonda\n", "duplicate")]
    [InlineData("1IG\tHonda\tHonda\n", "neither")]
    [InlineData("1HGX\tHonda\n", "neither")]
    [InlineData("1HG\n", "columns")]
    [InlineData("1HG\t\tHonda\n", "manufacturer is empty")]
    public void Given_malformed_table_Then_load_fails_with_line_and_reason(string tsv, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => WmiRegistry.Parse(new StringReader(tsv)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }
}
