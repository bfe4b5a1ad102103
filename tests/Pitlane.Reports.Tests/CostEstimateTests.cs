namespace Pitlane.Reports.Tests;

public class CostEstimateTests
{
    private static readonly Money Rate = new(9_500, "EUR");

    [Fact]
    public void Given_labor_and_parts_Then_lines_subtotal_tax_and_total_are_exact_minor_units()
    {
        var estimate = CostEstimate.Calculate(SampleReports.Typical().Recommendations, Rate, 19m);

        Assert.Equal("EUR", estimate.Currency);
        var plugs = estimate.Recommendations[0];
        Assert.Equal([11_400L, 4_996L], plugs.Lines.Select(l => l.Amount));
        Assert.True(plugs.Lines[0].IsLabor);
        Assert.Equal(16_396, plugs.Amount);
        Assert.Equal(7_125, estimate.Recommendations[1].Amount);
        Assert.Equal(23_521, estimate.Subtotal);
        Assert.Equal(4_469, estimate.Tax); // 4 468.99 rounds to 4 469
        Assert.Equal(27_990, estimate.Total);
    }

    [Theory]
    [InlineData("0.5", 1)]
    [InlineData("1.5", 2)]
    [InlineData("2.5", 3)] // banker's rounding would give 2
    [InlineData("2.4999", 2)]
    [InlineData("-0.5", -1)]
    [InlineData("-2.5", -3)]
    public void RoundToMinor_rounds_half_away_from_zero(string exact, long expected) =>
        Assert.Equal(expected, CostEstimate.RoundToMinor(decimal.Parse(exact, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Given_fractional_lines_Then_each_line_rounds_once_half_away_from_zero()
    {
        // 0.25 h × 1.02 = 0.255 → 0.26; 3 × 0.333 units at 0.07 = 0.06993 → 0.07 … in minor units:
        Recommendation[] recommendations =
        [
            new("Check", "", Severity.Low, 0.25m, [new PartLine("Clip", null, 0.5m, 3)]),
        ];

        var estimate = CostEstimate.Calculate(recommendations, new Money(102, "EUR"), 0m);

        Assert.Equal([26L, 2L], estimate.Recommendations[0].Lines.Select(l => l.Amount)); // 25.5 → 26, 1.5 → 2
        Assert.Equal(28, estimate.Total);
    }

    [Fact]
    public void Given_lines_with_half_cent_tax_each_Then_tax_is_rounded_once_on_the_subtotal()
    {
        // Three parts of 3 cents at 50 %: per-line tax would be 3 × round(1.5) = 6; on the subtotal it is round(4.5) = 5.
        Recommendation[] recommendations =
        [
            new("Small parts", "", Severity.Low, 0m, [new("A", null, 1, 3), new("B", null, 1, 3), new("C", null, 1, 3)]),
        ];

        var estimate = CostEstimate.Calculate(recommendations, Rate, 50m);

        Assert.Equal(9, estimate.Subtotal);
        Assert.Equal(5, estimate.Tax);
        Assert.Equal(14, estimate.Total);
    }

    [Fact]
    public void Given_fractional_tax_rate_Then_it_is_applied_exactly()
    {
        // New York City 8.875 %: 10 000.00 → 887.50 exactly.
        Recommendation[] recommendations = [new("Engine", "", Severity.High, 0m, [new("Engine", null, 1, 1_000_000)])];

        var estimate = CostEstimate.Calculate(recommendations, new Money(15_000, "USD"), 8.875m);

        Assert.Equal(88_750, estimate.Tax);
        Assert.Equal(1_088_750, estimate.Total);
    }

    [Fact]
    public void Given_zero_hours_Then_no_labor_line_is_listed()
    {
        Recommendation[] recommendations = [new("Parts only", "", Severity.Low, 0m, [new("Wiper", null, 2, 1_500)])];

        var estimate = CostEstimate.Calculate(recommendations, Rate, 0m);

        Assert.DoesNotContain(estimate.Recommendations[0].Lines, l => l.IsLabor);
        Assert.Equal(3_000, estimate.Total);
    }

    [Fact]
    public void Given_amounts_beyond_64_bits_Then_it_throws_instead_of_wrapping()
    {
        Recommendation[] recommendations = [new("Absurd", "", Severity.Low, 0m, [new("X", null, 1_000_000, long.MaxValue / 10)])];

        Assert.Throws<OverflowException>(() => CostEstimate.Calculate(recommendations, Rate, 0m));
    }

    [Fact]
    public void Given_negative_hours_quantity_or_rate_Then_it_refuses()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CostEstimate.Calculate([new("X", "", Severity.Low, -1m, [])], Rate, 0m));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CostEstimate.Calculate([new("X", "", Severity.Low, 0m, [new("P", null, -1, 100)])], Rate, 0m));
        Assert.Throws<ArgumentOutOfRangeException>(() => CostEstimate.Calculate([], Rate, -1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => CostEstimate.Calculate([], new Money(-1, "EUR"), 0m));
    }

    [Theory]
    [InlineData(123_456_789L, "EUR", "1,234,567.89 EUR")]
    [InlineData(5L, "EUR", "0.05 EUR")]
    [InlineData(-5L, "EUR", "-0.05 EUR")]
    [InlineData(0L, "USD", "0.00 USD")]
    [InlineData(1_500L, "JPY", "1,500 JPY")]
    [InlineData(1_234L, "KWD", "1.234 KWD")]
    [InlineData(long.MinValue, "EUR", "-92,233,720,368,547,758.08 EUR")]
    public void Money_formats_with_the_currency_code_and_its_ISO_4217_minor_digits(long minor, string currency, string expected) =>
        Assert.Equal(expected, new Money(minor, currency).Format(ReportLabels.English));
}
