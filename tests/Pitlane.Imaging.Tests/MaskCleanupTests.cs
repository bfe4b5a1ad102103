namespace Pitlane.Imaging.Tests;

/// <summary>The hole decision of <see cref="MaskCleanup"/> on hand-made maps: no model, milliseconds.</summary>
public sealed class MaskCleanupTests
{
    private const int Side = 64;

    /// <summary>A square ring of foreground (rows/columns 8..55, 12 wide) around a 24×24 hole holding <paramref name="inside"/>.</summary>
    private static float[] Ring(float inside, float outside = 0f)
    {
        var map = new float[Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var inRing = x is >= 8 and < 56 && y is >= 8 and < 56;
                var inHole = x is >= 20 and < 44 && y is >= 20 and < 44;
                map[(y * Side) + x] = inHole ? inside : inRing ? 1f : outside;
            }
        }

        return map;
    }

    private static bool IsFilled(float[] map) => map[(32 * Side) + 32] >= 0.5f;

    /// <summary>A photo the map covers: outside and hole in <paramref name="hole"/>'s colour or the background's.</summary>
    private static RgbaImage Photo(int width, int height, (byte R, byte G, byte B) background, (byte R, byte G, byte B) subject, (byte R, byte G, byte B) hole)
    {
        var px = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                // Map coordinates of this photo pixel.
                var mx = x * Side / width;
                var my = y * Side / height;
                var inHole = mx is >= 20 and < 44 && my is >= 20 and < 44;
                var inRing = mx is >= 8 and < 56 && my is >= 8 and < 56;
                var c = inHole ? hole : inRing ? subject : background;
                var o = ((y * width) + x) * 4;
                (px[o], px[o + 1], px[o + 2], px[o + 3]) = (c.R, c.G, c.B, 255);
            }
        }

        return new RgbaImage(width, height, px);
    }

    [Fact]
    public void Given_a_hole_the_model_is_sure_of_and_no_photo_Then_it_stays_open()
    {
        var map = Ring(0.02f);
        var report = MaskCleanup.Apply(map, Side);
        var hole = Assert.Single(report.Holes);
        Assert.False(hole.Filled);
        Assert.Equal(24 * 24, hole.Pixels);
        Assert.Equal(-1, hole.BackgroundColourShare);
        Assert.False(IsFilled(map));
    }

    [Fact]
    public void Given_a_hole_the_model_is_unsure_of_Then_it_is_filled_like_glass()
    {
        var map = Ring(0.35f);
        var hole = Assert.Single(MaskCleanup.Apply(map, Side).Holes);
        Assert.True(hole.Filled);
        Assert.True(IsFilled(map));
    }

    [Fact]
    public void Given_a_speck_of_a_hole_Then_it_is_filled_whatever_the_model_says()
    {
        var map = Ring(1f);
        map[(30 * Side) + 30] = 0f;
        map[(30 * Side) + 31] = 0f;
        var hole = Assert.Single(MaskCleanup.Apply(map, Side).Holes);
        Assert.Equal((2, true, "speckle"), (hole.Pixels, hole.Filled, hole.Reason));
        Assert.Equal(1f, map[(30 * Side) + 30]);
    }

    [Fact]
    public void Given_a_sure_hole_showing_the_background_colours_Then_it_stays_open()
    {
        var map = Ring(0.02f);
        var photo = Photo(96, 80, (200, 210, 220), (180, 20, 30), (200, 210, 220));
        var hole = Assert.Single(MaskCleanup.Apply(map, Side, photo).Holes);
        Assert.Equal(1.0, hole.BackgroundColourShare);
        Assert.False(hole.Filled);
    }

    [Fact]
    public void Given_a_sure_hole_in_the_subjects_colours_Then_it_is_filled()
    {
        // A dark window the model reads as background: its colours are the car's, not the outside's.
        var map = Ring(0.02f);
        var photo = Photo(96, 80, (200, 210, 220), (30, 40, 50), (30, 40, 50));
        var hole = Assert.Single(MaskCleanup.Apply(map, Side, photo).Holes);
        Assert.Equal(0.0, hole.BackgroundColourShare);
        Assert.True(hole.Filled);
        Assert.True(IsFilled(map));
    }

    [Fact]
    public void Given_an_unsure_hole_with_the_background_colours_Then_colour_alone_opens_it_only_when_the_model_leans_to_background()
    {
        var photo = Photo(64, 64, (200, 210, 220), (180, 20, 30), (200, 210, 220));
        var leaning = Ring(0.25f);
        Assert.False(Assert.Single(MaskCleanup.Apply(leaning, Side, photo).Holes).Filled);
        var unsure = Ring(0.45f);
        Assert.True(Assert.Single(MaskCleanup.Apply(unsure, Side, photo).Holes).Filled);
    }

    [Fact]
    public void Given_background_cut_in_by_the_frame_border_Then_it_is_not_a_hole_and_stays()
    {
        // A U open at the bottom edge: the inside touches the border, so it is the outside background.
        var map = Ring(0f);
        for (var y = 20; y < Side; y++)
        {
            for (var x = 20; x < 44; x++)
            {
                map[(y * Side) + x] = 0f;
            }
        }

        var report = MaskCleanup.Apply(map, Side);
        Assert.Empty(report.Holes);
        Assert.False(IsFilled(map));
    }

    [Fact]
    public void Given_all_foreground_Then_nothing_changes()
    {
        var map = Enumerable.Repeat(0.9f, Side * Side).ToArray();
        var report = MaskCleanup.Apply(map, Side, Photo(10, 10, (1, 2, 3), (4, 5, 6), (7, 8, 9)));
        Assert.Equal((0, 0), (report.Holes.Count, report.SpecksDropped));
        Assert.All(map, v => Assert.Equal(0.9f, v));
    }

    [Fact]
    public void Given_all_background_Then_nothing_changes()
    {
        var map = Enumerable.Repeat(0.1f, Side * Side).ToArray();
        var report = MaskCleanup.Apply(map, Side, Photo(10, 10, (1, 2, 3), (4, 5, 6), (7, 8, 9)));
        Assert.Equal((0, 0), (report.Holes.Count, report.SpecksDropped));
        Assert.All(map, v => Assert.Equal(0.1f, v));
    }

    [Theory]
    [InlineData(0.2f)]
    [InlineData(0.8f)]
    public void Given_a_one_pixel_map_and_photo_Then_it_is_left_as_it_is(float value)
    {
        var map = new[] { value };
        var report = MaskCleanup.Apply(map, 1, new RgbaImage(1, 1, [10, 20, 30, 255]));
        Assert.Empty(report.Holes);
        Assert.Equal(value, map[0]);
    }

    [Fact]
    public void Given_a_mask_of_one_pixel_Then_it_is_kept_as_the_only_object()
    {
        var map = new float[Side * Side];
        map[(10 * Side) + 10] = 1f;
        var report = MaskCleanup.Apply(map, Side);
        Assert.Equal((0, 0), (report.Holes.Count, report.SpecksDropped));
        Assert.Equal(1f, map[(10 * Side) + 10]);
    }

    [Fact]
    public void Given_a_speck_beside_the_subject_Then_it_is_dropped_and_the_open_hole_stays_open()
    {
        var map = Ring(0f);
        map[(2 * Side) + 2] = 1f;
        var report = MaskCleanup.Apply(map, Side);
        Assert.Equal(1, report.SpecksDropped);
        Assert.Equal(0f, map[(2 * Side) + 2]);
        Assert.False(IsFilled(map));
        Assert.Equal(1f, map[(10 * Side) + 10]);
    }

    [Fact]
    public void Given_a_map_with_NaN_values_Then_it_does_not_throw_and_the_hole_is_filled()
    {
        var map = Ring(float.NaN);
        map[(32 * Side) + 32] = 0.1f;
        var report = MaskCleanup.Apply(map, Side);
        Assert.All(report.Holes, h => Assert.True(h.Filled));
    }

    [Fact]
    public void Given_a_map_of_the_wrong_length_or_side_Then_argument_errors()
    {
        Assert.Throws<ArgumentException>(() => MaskCleanup.Apply(new float[10], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskCleanup.Apply([], 0));
    }
}
