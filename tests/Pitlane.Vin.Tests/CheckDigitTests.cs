namespace Pitlane.Vin.Tests;

public sealed class CheckDigitTests
{
    [Fact]
    public void Given_2003_Honda_Accord_vin_Then_valid_with_check_digit_3()
    {
        var result = VinDecoder.Decode("1HGCM82633A004352");

        Assert.True(result.IsWellFormed);
        Assert.True(result.IsValid);
        Assert.Equal(new CheckDigitResult('3', '3', true), result.CheckDigit);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Given_wrong_check_digit_Then_invalid_with_expected_digit()
    {
        // Changing the last serial digit from 2 to 3 adds weight 2 to the sum: (sum + 2) mod 11 moves '3' to '5'.
        var result = VinDecoder.Decode("1HGCM82633A004353");

        Assert.True(result.IsWellFormed);
        Assert.False(result.IsValid);
        Assert.Equal(new CheckDigitResult('5', '3', false), result.CheckDigit);
        var finding = Assert.Single(result.Errors);
        Assert.Equal(VinFindingCodes.CheckDigit, finding.Code);
        Assert.Equal(9, finding.Position);
        Assert.Contains("'5'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_remainder_ten_Then_check_digit_is_X()
    {
        var result = VinDecoder.Decode("1M8GDM9AXKP042788");

        Assert.True(result.IsValid);
        Assert.Equal('X', result.CheckDigit!.Value.Expected);
    }

    [Fact]
    public void Given_remainder_ten_but_digit_written_Then_expected_X_reported()
    {
        var result = VinDecoder.Decode("1M8GDM9A0KP042788");

        Assert.False(result.IsValid);
        Assert.Equal(new CheckDigitResult('X', '0', false), result.CheckDigit);
    }

    [Theory]
    [InlineData("JH4KA7561PC008269")]
    [InlineData("1G1ZT53826F109149")]
    [InlineData("2T1BURHE0JC034108")]
    [InlineData("11111111111111111")]
    public void Given_known_good_vins_Then_check_digit_valid(string vin)
    {
        Assert.True(VinDecoder.Decode(vin).IsValid);
    }

    [Fact]
    public void Given_every_transliterated_letter_Then_check_digit_matches_hand_computed_sum()
    {
        // Letters A-H, J-N, P, R-Z each carry the 49 CFR 565.15(c) value; compute the sum independently
        // from that published table and compare with the decoder for a VIN made of one letter each.
        const string letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
        int[] values = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
        int[] weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        for (var shift = 0; shift < letters.Length; shift++)
        {
            var chars = new char[17];
            var sum = 0;
            for (var i = 0; i < 17; i++)
            {
                var index = (i + shift) % letters.Length;
                chars[i] = letters[index];
                sum += values[index] * weights[i];
            }

            var expected = sum % 11 == 10 ? 'X' : (char)('0' + (sum % 11));
            var result = VinDecoder.Decode(new string(chars));
            Assert.Equal(expected, result.CheckDigit!.Value.Expected);
        }
    }
}
