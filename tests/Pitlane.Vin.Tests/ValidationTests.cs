namespace Pitlane.Vin.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void Given_null_Then_empty_finding_and_no_throw()
    {
        var result = VinDecoder.Decode(null);

        Assert.False(result.IsWellFormed);
        Assert.False(result.IsValid);
        Assert.Equal(string.Empty, result.Vin);
        Assert.Null(result.CheckDigit);
        Assert.Equal(VinFindingCodes.Empty, Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void Given_empty_or_whitespace_Then_empty_finding(string input)
    {
        var result = VinDecoder.Decode(input);

        Assert.Equal(VinFindingCodes.Empty, Assert.Single(result.Errors).Code);
        Assert.Equal(string.Empty, result.Vin);
    }

    [Fact]
    public void Given_lowercase_and_padding_Then_normalised_and_valid()
    {
        var result = VinDecoder.Decode("  1hgcm82633a004352 \n");

        Assert.True(result.IsValid);
        Assert.Equal("1HGCM82633A004352", result.Vin);
    }

    [Fact]
    public void Given_already_normalised_input_Then_same_string_instance_is_returned()
    {
        const string vin = "1HGCM82633A004352";

        Assert.Same(vin, VinDecoder.Decode(vin).Vin);
    }

    [Theory]
    [InlineData("1HGCM82633A00435", 16)]
    [InlineData("1HGCM82633A0043521", 18)]
    [InlineData("1HG", 3)]
    public void Given_wrong_length_Then_length_finding_with_count(string input, int length)
    {
        var result = VinDecoder.Decode(input);

        Assert.False(result.IsWellFormed);
        var finding = Assert.Single(result.Errors);
        Assert.Equal(VinFindingCodes.Length, finding.Code);
        Assert.Null(finding.Position);
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1HGCM82633A00435O", 17, 'O')]
    [InlineData("IHGCM82633A004352", 1, 'I')]
    [InlineData("1HGCQ82633A004352", 5, 'Q')]
    [InlineData("1HGCM82633A0-4352", 13, '-')]
    public void Given_forbidden_character_Then_invalid_character_at_its_position(string input, int position, char bad)
    {
        var result = VinDecoder.Decode(input);

        Assert.False(result.IsWellFormed);
        Assert.False(result.IsValid);
        Assert.Null(result.CheckDigit);
        var finding = Assert.Single(result.Errors);
        Assert.Equal(VinFindingCodes.InvalidCharacter, finding.Code);
        Assert.Equal(position, finding.Position);
        Assert.Contains($"'{bad}'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_lowercase_forbidden_letter_Then_reported_upper_cased_at_position()
    {
        var result = VinDecoder.Decode("1hgcm82633a00435o");

        var finding = Assert.Single(result.Errors);
        Assert.Equal(17, finding.Position);
        Assert.Contains("'O'", finding.Message, StringComparison.Ordinal);
        Assert.Equal("1HGCM82633A00435O", result.Vin);
    }

    [Fact]
    public void Given_wrong_length_and_bad_characters_Then_every_fault_named()
    {
        var result = VinDecoder.Decode("1HG CM826O");

        Assert.Collection(
            result.Errors,
            f => Assert.Equal(VinFindingCodes.Length, f.Code),
            f => Assert.Equal((VinFindingCodes.InvalidCharacter, 4), (f.Code, f.Position!.Value)),
            f => Assert.Equal((VinFindingCodes.InvalidCharacter, 10), (f.Code, f.Position!.Value)));
    }

    [Fact]
    public void Given_nul_byte_Then_reported_as_code_point()
    {
        var result = VinDecoder.Decode("1HGCM82633A\u000004352");

        var finding = Assert.Single(result.Errors);
        Assert.Equal(12, finding.Position);
        Assert.Contains("U+0000", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_emoji_Then_one_finding_per_code_point()
    {
        var result = VinDecoder.Decode("1HGCM82633A0043\U0001F697");

        Assert.Equal(VinFindingCodes.InvalidCharacter, Assert.Single(result.Errors).Code);
        Assert.Contains("U+1F697", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(16, result.Errors[0].Position);
    }

    [Fact]
    public void Given_non_ascii_letter_that_upper_cases_to_ascii_Then_still_rejected()
    {
        // U+0131 (dotless i) and U+017F (long s) upper-case to I and S under some cultures; only ASCII is folded.
        var result = VinDecoder.Decode("1HGCM82633A00435\u017F");

        Assert.Equal(VinFindingCodes.InvalidCharacter, Assert.Single(result.Errors).Code);
        Assert.False(result.IsWellFormed);
    }

    [Fact]
    public void Given_ten_thousand_characters_Then_echo_capped_and_findings_bounded()
    {
        var input = new string('€', 10_000);

        var result = VinDecoder.Decode(input);

        Assert.Equal(VinDecoder.MaxEchoedLength, result.Vin.Length);
        Assert.Equal(VinFindingCodes.Length, result.Errors[0].Code);
        Assert.Equal(1 + VinDecoder.MaxEchoedLength, result.Errors.Count);
    }

    [Fact]
    public void Given_long_input_with_surrogate_at_cap_Then_pair_not_split()
    {
        var input = new string('A', VinDecoder.MaxEchoedLength - 1) + "\U0001F697" + new string('B', 100);

        var result = VinDecoder.Decode(input);

        Assert.Equal(VinDecoder.MaxEchoedLength - 1, result.Vin.Length);
        Assert.False(char.IsHighSurrogate(result.Vin[^1]));
    }

    [Fact]
    public void Given_valid_vin_Then_errors_is_shared_empty_instance()
    {
        var first = VinDecoder.Decode("1HGCM82633A004352");
        var second = VinDecoder.Decode("JH4KA7561PC008269");

        Assert.Empty(first.Errors);
        Assert.Same(first.Errors, second.Errors);
    }

    [Fact]
    public void Given_random_hostile_strings_Then_never_throws_and_contract_holds()
    {
        var random = new Random(20261122);
        char[] pool = [.. "ABCDEFGHJKLMNPRSTUVWXYZ0123456789IOQabcxyz -_\0\t\u00A0\u2028\u0131\u017FÄé€", '\uD83D', '\uDE97'];
        for (var iteration = 0; iteration < 20_000; iteration++)
        {
            var length = random.Next(0, iteration % 100 == 0 ? 2_000 : 24);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = random.Next(4) == 0 ? (char)random.Next(char.MaxValue + 1) : pool[random.Next(pool.Length)];
            }

            var input = new string(chars);
            var result = VinDecoder.Decode(input, random.Next(1900, 2200));

            Assert.NotNull(result.Vin);
            Assert.True(result.Vin.Length <= VinDecoder.MaxEchoedLength);
            Assert.Equal(result.IsWellFormed && result.CheckDigit!.Value.Valid, result.IsValid);
            Assert.Equal(result.IsWellFormed, result.CheckDigit.HasValue);
            Assert.True(result.IsValid || result.Errors.Count > 0, input);
            _ = (result.Wmi, result.Vds, result.Vis, result.SerialNumber, result.PlantCode, result.Manufacturer);
        }
    }

    [Fact]
    public void Given_random_well_formed_vins_Then_fixing_position_9_makes_them_valid()
    {
        const string alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        var random = new Random(565);
        for (var iteration = 0; iteration < 5_000; iteration++)
        {
            var chars = new char[17];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var first = VinDecoder.Decode(new string(chars));
            Assert.True(first.IsWellFormed);
            chars[8] = first.CheckDigit!.Value.Expected;

            Assert.True(VinDecoder.Decode(new string(chars)).IsValid);
        }
    }
}
