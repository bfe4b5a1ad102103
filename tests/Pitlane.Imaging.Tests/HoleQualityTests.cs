namespace Pitlane.Imaging.Tests;

/// <summary>
/// Holes through the subject, on generated scenes with a known answer: real background seen between a wing's struts
/// or a wheel's spokes must stay open; half-transparent windows are the car and must be filled.
/// </summary>
[Collection("model")]
public sealed class HoleQualityTests(ModelFixture model, ITestOutputHelper output)
{
    private (double IoU, double OpenShare) Run(SyntheticCars.HoleScene hole, int seed)
    {
        var segmenter = model.Segmenter;
        var photo = SafeDecoder.Decode(hole.Scene.Png);
        var coarse = segmenter.Predict(photo);
        var report = MaskCleanup.Apply(coarse, segmenter.Side, photo);
        var alpha = BackgroundRemover.Refine(photo, coarse, segmenter.Side);
        var iou = SegmentationQualityTests.IoU(alpha, hole.Scene.Truth);
        long holePixels = 0, open = 0;
        for (var i = 0; i < alpha.Length; i++)
        {
            if (hole.Holes[i])
            {
                holePixels++;
                open += alpha[i] < 128 ? 1 : 0;
            }
        }

        var share = holePixels == 0 ? 1 : (double)open / holePixels;
        output.WriteLine($"{hole.Scene.Name,-14} seed {seed}: IoU {iou:F4}, see-through pixels left open {share:P0}");
        foreach (var h in report.Holes.Where(h => h.Pixels >= MaskCleanup.MinHolePixels))
        {
            output.WriteLine($"    hole {h.Pixels,6} px  mean p {h.MeanProbability:F2}  sure {h.ConfidentShare:F2}  background colours {h.BackgroundColourShare:F2}  {(h.Filled ? "filled" : "open")}: {h.Reason}");
        }

        return (iou, share);
    }

    // Measured on seeds 0–2 (docs/studio.md): rear wing mean IoU 0.9335 → 0.9774 (see-through pixels open 33% →
    // 100%; on seed 2 the model itself loses the wing), spoked wheels 0.5717 → 0.9857 (0% → 99%). Filling every
    // hole, as before, fails both.
    [Theory]
    [InlineData("rear wing", 0.96)]
    [InlineData("spoked wheels", 0.97)]
    public void Given_background_seen_through_the_subject_Then_the_hole_stays_open(string kind, double minIoU)
    {
        var results = Enumerable.Range(0, 3).Select(seed => Run(SyntheticCars.MakeWithHoles(kind, seed), seed)).ToList();
        var iou = results.Average(r => r.IoU);
        var open = results.Min(r => r.OpenShare);
        output.WriteLine($"{kind}: mean IoU {iou:F4}, least share of see-through pixels left open {open:P1}");
        Assert.True(open >= 0.9, $"only {open:P1} of the see-through pixels were left open in one scene");
        Assert.True(iou >= minIoU, $"mean IoU {iou:F4} is below {minIoU}");
    }

    // Stripes, noise and checker: on stripes and checker the model reads the tinted windows as sure background (mean
    // p ≈ 0.01), and only their colours (not the outside's) keep them filled; opened, IoU falls to 0.83.
    [Fact]
    public void Given_half_transparent_windows_Then_they_are_filled()
    {
        var results = Enumerable.Range(2, 3).Select(seed => Run(SyntheticCars.MakeWithHoles("tinted glass", seed), seed)).ToList();
        var worst = results.Min(r => r.IoU);
        output.WriteLine($"tinted glass: mean IoU {results.Average(r => r.IoU):F4}, worst {worst:F4}");
        Assert.True(worst >= 0.99, $"worst IoU {worst:F4} is below 0.99");
    }
}
