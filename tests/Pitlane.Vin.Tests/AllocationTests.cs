namespace Pitlane.Vin.Tests;

public sealed class AllocationTests
{
    [Theory]
    [InlineData("1HGCM82633A004352")]
    [InlineData("2T1BURHE0JC034108")]
    public void Given_normalised_valid_vin_Then_decode_allocates_only_the_result(string vin)
    {
        const int decodes = 1_000;
        _ = VinDecoder.Decode(vin);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < decodes; i++)
        {
            _ = VinDecoder.Decode(vin);
        }

        var perDecode = (GC.GetAllocatedBytesForCurrentThread() - before) / decodes;

        // One VinDecodeResult is 120 bytes on x64; a substring, list or boxed value would push well past 160.
        Assert.InRange(perDecode, 1, 160);
    }
}
