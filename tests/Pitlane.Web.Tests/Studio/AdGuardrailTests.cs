using Pitlane.Modules.Studio;

namespace Pitlane.Web.Tests.Studio;

/// <summary>The advertising guardrail alone: each rule, named, on the texts dealers actually write.</summary>
public sealed class AdGuardrailTests
{
    private const long Price = 1_899_500;

    private static IReadOnlyList<Violation> Check(string text) => AdGuardrail.Check(Platforms.Facebook, text, Price, "USD");

    [Theory]
    [InlineData("Only $299/mo!")]
    [InlineData("Just $2,000 down and drive away")]
    [InlineData("Take 72 months to pay")]
    [InlineData("No finance charge for a year")]
    public void Given_triggering_term_without_disclosures_Then_regulation_Z_blocks(string text)
    {
        var v = Assert.Single(Check(text), x => x.Citation == "12 CFR 1026.24(d)");
        Assert.True(v.Blocking);
    }

    [Fact]
    public void Given_triggering_terms_with_all_disclosures_Then_no_violation() =>
        Assert.Empty(Check("$18,995 or $299/mo for 72 months with $2,000 down at 6.9% APR, on approved credit."));

    [Fact]
    public void Given_rate_not_stated_as_APR_Then_1026_24_b() =>
        Assert.Contains(Check("Financing at 1.9% interest!"), v => v.Citation == "12 CFR 1026.24(b)" && v.Blocking);

    [Fact]
    public void Given_lease_payment_without_lease_disclosures_Then_regulation_M_blocks() =>
        Assert.Contains(Check("Lease it for $249/mo!"), v => v.Citation == "12 CFR 1013.7(d)" && v.Blocking);

    [Fact]
    public void Given_lease_with_disclosures_Then_no_regulation_M_violation() =>
        Assert.DoesNotContain(Check("Lease: $249/mo for 36 months, $2,999 due at signing, no security deposit required."), v => v.Citation == "12 CFR 1013.7(d)");

    [Fact]
    public void Given_price_other_than_listing_Then_blocked_naming_both_prices()
    {
        var v = Assert.Single(Check("Yours for $17,995 today"));
        Assert.Contains("$18,995", v.Message);
        Assert.True(v.Blocking);
        Assert.Empty(Check("Yours for $18,995 today"));
    }

    [Fact]
    public void Given_free_and_guaranteed_Then_flagged_not_blocking()
    {
        var found = Check("FREE oil changes and guaranteed financing");
        Assert.Contains(found, v => v.Citation.StartsWith("16 CFR 251", StringComparison.Ordinal) && !v.Blocking);
        Assert.Contains(found, v => v.Citation.StartsWith("16 CFR 239", StringComparison.Ordinal) && !v.Blocking);
    }

    [Fact]
    public void Given_every_platform_Then_templates_stay_inside_limits()
    {
        var facts = new ListingFacts("2019 TESLA Model 3", "Long Range", null, "Electric", 41_200, "5YJ3E1EA2KF317000", Price, "USD",
            Enumerable.Range(1, 20).Select(i => $"Highlight number {i} with a rather long description of the feature").ToList(), "friendly", "families", "Pitlane Motors", null);
        foreach (var platform in Platforms.All)
        {
            var text = TemplateWriter.Write(platform, facts);
            Assert.Empty(Platforms.FormProblems(platform, text));
            Assert.Empty(AdGuardrail.Check(platform, text, Price, "USD"));
        }
    }
}
