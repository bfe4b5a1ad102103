namespace Pitlane.Imaging.Tests;

[Collection("model")]
public sealed class SegmentationQualityTests(ModelFixture model, ITestOutputHelper output)
{
    [Fact]
    public void Given_model_Then_its_input_is_one_rgb_tensor_of_a_fixed_side()
    {
        var segmenter = model.Segmenter;
        output.WriteLine(segmenter.InputDescription);
        Assert.Equal(1024, segmenter.Side);
        Assert.Contains("[1,3,1024,1024]", segmenter.InputDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_generated_cars_on_varied_backgrounds_Then_mean_IoU_is_at_least_0_99()
    {
        var remover = new BackgroundRemover(model.Segmenter);
        var ious = new List<double>();
        for (var seed = 0; seed < 12; seed++)
        {
            var scene = SyntheticCars.Make(seed);
            var cutout = remover.Remove(scene.Png);
            var iou = IoU(cutout.Alpha, scene.Truth);
            ious.Add(iou);
            output.WriteLine($"{seed,2} {scene.Name,-16} IoU {iou:F3}  infer {cutout.Timings.Infer.TotalMilliseconds:F0} ms");
        }

        var mean = ious.Average();
        output.WriteLine($"mean IoU {mean:F4} over {ious.Count} images");
        // 0.9957 with every hole filled and with holes decided one by one (MaskCleanup): the windows stay filled.
        Assert.True(mean >= 0.99, $"mean IoU {mean:F4} is below 0.99");
    }

    [Fact]
    public void Given_cutout_Then_recomposing_on_another_backdrop_needs_only_the_stored_mask()
    {
        var scene = SyntheticCars.Make(5, 320, 240);
        var cutout = new BackgroundRemover(model.Segmenter).Remove(scene.Png);
        var stored = MaskCodec.Decode(cutout.MaskPng, scene.Width, scene.Height);
        Assert.Equal(cutout.Alpha, stored);

        var jpeg = Backdrops.Compose(cutout.Photo, stored, Backdrop.Studio, new ListingSize(640, 360), OutputFormat.Jpeg);
        var webp = Backdrops.Compose(cutout.Photo, stored, new Backdrop(BackdropKind.Gradient, "#203040", "#a0b0c0"), new ListingSize(300, 300), OutputFormat.Webp);
        var decodedJpeg = SafeDecoder.Decode(jpeg);
        var decodedWebp = SafeDecoder.Decode(webp);
        Assert.Equal((640, 360), (decodedJpeg.Width, decodedJpeg.Height));
        Assert.Equal((300, 300), (decodedWebp.Width, decodedWebp.Height));
    }

    internal static double IoU(byte[] alpha, bool[] truth)
    {
        long inter = 0, union = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var p = alpha[i] >= 128;
            if (p && truth[i])
            {
                inter++;
            }

            if (p || truth[i])
            {
                union++;
            }
        }

        return union == 0 ? 1 : (double)inter / union;
    }
}
