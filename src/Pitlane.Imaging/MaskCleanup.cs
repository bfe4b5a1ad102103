namespace Pitlane.Imaging;

/// <summary>What was decided about one hole (a background region enclosed by the subject), for tests and the bench.</summary>
/// <param name="Pixels">area at the model's side</param>
/// <param name="MeanProbability">the model's mean foreground probability inside the hole</param>
/// <param name="ConfidentShare">share of the hole's pixels the model scores below 0.2 (confidently background)</param>
/// <param name="BackgroundColourShare">share of the hole's pixels whose colour is likelier under the outside
/// background's colours than under the subject's; −1 when no photo was given or one side had no sample</param>
public sealed record HoleDecision(int Pixels, double MeanProbability, double ConfidentShare, double BackgroundColourShare, bool Filled, string Reason);

/// <summary>The holes found and what was done with each, and how many foreground specks were dropped.</summary>
public sealed record CleanupReport(IReadOnlyList<HoleDecision> Holes, int SpecksDropped);

/// <summary>
/// Shape clean-up of the model's map before edge refinement. (1) Background regions enclosed by the subject (holes)
/// are decided one by one from evidence: a car's windows, which the model half-sees through, are filled; real
/// background showing through the subject (between a wheel's spokes, under a rear wing, between a bike's frame and
/// engine) stays open. (2) Foreground specks much smaller than the largest object are dropped. Everything is
/// 4-connected labelling on the map thresholded at 0.5, at the model's side (1024²): linear, fixed cost.
/// </summary>
public static class MaskCleanup
{
    /// <summary>Holes below this many pixels (at 1024², about 8×8) are speckle: always filled.</summary>
    public const int MinHolePixels = 64;

    /// <summary>Holes below this share of the subject's area are speckle: always filled.</summary>
    public const double MinHoleShareOfSubject = 0.0015;

    /// <summary>Model probability below which a pixel counts as confidently background.</summary>
    public const float ConfidentBackground = 0.2f;

    // Colour model: 5 bits per channel, 32,768 bins, counts of the confidently outside background and of the
    // confident foreground; a hole pixel is "background-coloured" when its bin is likelier under the first. (At 4 bits
    // a window tinted 24% over stripes kept enough of the stripes' bins to pass as background.)
    private const int Bins = 32768;

    /// <summary>
    /// Cleans <paramref name="map"/> (side × side, values in [0, 1]) in place. <paramref name="photo"/> (any size; the
    /// map covers it stretched) adds colour evidence to the hole decision; without it only the model's probabilities
    /// decide.
    /// </summary>
    public static CleanupReport Apply(float[] map, int side, RgbaImage? photo = null, double minShareOfLargest = 0.02)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(side);
        if (map.Length != checked(side * side))
        {
            throw new ArgumentException("the map does not have side × side values", nameof(map));
        }

        var n = side * side;
        var label = new int[n]; // 0 = unvisited, 1 = background reaching the border, 2.. = holes, then objects
        var stack = new Stack<int>();
        var subject = 0;
        for (var i = 0; i < n; i++)
        {
            if (map[i] >= 0.5f)
            {
                subject++;
            }
        }

        // (1) Background reachable from the border stays background; every other background region is a hole.
        for (var i = 0; i < n; i++)
        {
            var x = i % side;
            var y = i / side;
            if ((x == 0 || y == 0 || x == side - 1 || y == side - 1) && map[i] < 0.5f && label[i] == 0)
            {
                Flood(map, side, label, stack, i, 1, fg: false);
            }
        }

        var holeSizes = new List<int> { 0, 0 }; // indexed by label
        for (var i = 0; i < n; i++)
        {
            if (map[i] < 0.5f && label[i] == 0)
            {
                holeSizes.Add(Flood(map, side, label, stack, i, holeSizes.Count, fg: false));
            }
        }

        var holes = new List<HoleDecision>();
        if (holeSizes.Count > 2)
        {
            holes = DecideHoles(map, side, photo, label, holeSizes, subject);
            for (var i = 0; i < n; i++)
            {
                if (label[i] >= 2 && holes[label[i] - 2].Filled)
                {
                    map[i] = 1f;
                    label[i] = 0;
                }
            }
        }

        // (2) Foreground components; keep those at least minShareOfLargest of the largest.
        var first = holeSizes.Count;
        var sizes = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (map[i] >= 0.5f && label[i] == 0)
            {
                sizes.Add(Flood(map, side, label, stack, i, first + sizes.Count, fg: true));
            }
        }

        var dropped = 0;
        if (sizes.Count >= 2)
        {
            var keep = sizes.Max() * minShareOfLargest;
            dropped = sizes.Count(s => s < keep);
            for (var i = 0; i < n; i++)
            {
                if (label[i] >= first && sizes[label[i] - first] < keep)
                {
                    map[i] = 0f;
                }
            }
        }

        return new CleanupReport(holes, dropped);
    }

    /// <summary>
    /// One pass over the map gathers, per hole, its probability statistics and (with a photo) how many of its pixels
    /// have the outside background's colours rather than the subject's. A hole stays open when it is not speckle and
    /// either the model is confident it is background and its colours do not say otherwise, or its colours are the
    /// background's and the model leans to background. Anything else (glass the model was unsure of, a dark window
    /// whose colours are the car's) is filled.
    /// </summary>
    private static List<HoleDecision> DecideHoles(float[] map, int side, RgbaImage? photo, int[] label, List<int> holeSizes, int subject)
    {
        var count = holeSizes.Count;
        var sumP = new double[count];
        var confident = new int[count];
        var backgroundColoured = new int[count];
        var colour = photo is null ? null : ColourModel(map, side, photo, label);
        var bgBins = colour?.Background;
        var fgBins = colour?.Foreground;
        var hasColour = bgBins is not null && fgBins is not null && bgBins[Bins] > 0 && fgBins[Bins] > 0;
        var sampler = hasColour ? new Sampler(photo!, side) : null;
        var n = side * side;
        for (var i = 0; i < n; i++)
        {
            var l = label[i];
            if (l < 2)
            {
                continue;
            }

            sumP[l] += map[i];
            if (map[i] < ConfidentBackground)
            {
                confident[l]++;
            }

            if (sampler is not null)
            {
                var bin = sampler.BinAt(i);
                // Laplace-smoothed likelihoods, compared without division.
                if ((long)(bgBins![bin] + 1) * (fgBins![Bins] + Bins) > (long)(fgBins[bin] + 1) * (bgBins[Bins] + Bins))
                {
                    backgroundColoured[l]++;
                }
            }
        }

        var tiny = Math.Max(MinHolePixels, MinHoleShareOfSubject * subject);
        var decisions = new List<HoleDecision>(count - 2);
        for (var l = 2; l < count; l++)
        {
            var area = holeSizes[l];
            var mean = sumP[l] / area;
            var sure = (double)confident[l] / area;
            var bg = hasColour ? (double)backgroundColoured[l] / area : -1;
            var (filled, reason) = Decide(area, tiny, mean, sure, bg);
            decisions.Add(new HoleDecision(area, mean, sure, bg, filled, reason));
        }

        return decisions;
    }

    internal static (bool Filled, string Reason) Decide(int area, double tiny, double mean, double confidentShare, double backgroundColourShare)
    {
        if (area < tiny)
        {
            return (true, "speckle");
        }

        var modelSure = mean <= 0.15 && confidentShare >= 0.6;
        if (backgroundColourShare < 0)
        {
            return modelSure ? (false, "the model is sure it is background") : (true, "the model is unsure (glass)");
        }

        if (modelSure && backgroundColourShare >= 0.35)
        {
            return (false, "the model is sure and the colours are the background's");
        }

        if (backgroundColourShare >= 0.7 && mean <= 0.3)
        {
            return (false, "the colours are the background's");
        }

        return (true, modelSure ? "the colours are the subject's" : "the model is unsure (glass)");
    }

    private sealed record Colours(int[] Background, int[] Foreground);

    /// <summary>Colour histograms (last slot = total) of the confident outside background and the confident subject.</summary>
    private static Colours ColourModel(float[] map, int side, RgbaImage photo, int[] label)
    {
        var background = new int[Bins + 1];
        var foreground = new int[Bins + 1];
        var sampler = new Sampler(photo, side);
        var n = side * side;
        for (var i = 0; i < n; i++)
        {
            var p = map[i];
            if (label[i] == 1 && p < ConfidentBackground)
            {
                background[sampler.BinAt(i)]++;
                background[Bins]++;
            }
            else if (p >= 0.9f)
            {
                foreground[sampler.BinAt(i)]++;
                foreground[Bins]++;
            }
        }

        return new Colours(background, foreground);
    }

    /// <summary>The colour bin of the photo's pixel under a map index (nearest; the map is stretched over the photo).</summary>
    private sealed class Sampler
    {
        private readonly byte[] _pixels;
        private readonly int _side;
        private readonly int[] _column; // byte offset of each map column in a photo row
        private readonly int[] _row; // byte offset of each map row's photo row

        public Sampler(RgbaImage photo, int side)
        {
            _pixels = photo.Pixels;
            _side = side;
            _column = new int[side];
            _row = new int[side];
            for (var k = 0; k < side; k++)
            {
                _column[k] = (int)((long)k * photo.Width / side) * 4;
                _row[k] = (int)((long)k * photo.Height / side) * photo.Width * 4;
            }
        }

        public int BinAt(int i)
        {
            var o = _row[i / _side] + _column[i % _side];
            return ((_pixels[o] >> 3) << 10) | ((_pixels[o + 1] >> 3) << 5) | (_pixels[o + 2] >> 3);
        }
    }

    private static int Flood(float[] map, int side, int[] label, Stack<int> stack, int start, int id, bool fg)
    {
        var count = 0;
        label[start] = id;
        stack.Push(start);
        while (stack.Count > 0)
        {
            var i = stack.Pop();
            count++;
            var x = i % side;
            var y = i / side;
            if (x > 0) { Visit(i - 1); }
            if (x < side - 1) { Visit(i + 1); }
            if (y > 0) { Visit(i - side); }
            if (y < side - 1) { Visit(i + side); }
        }

        return count;

        void Visit(int j)
        {
            if (label[j] == 0 && (map[j] >= 0.5f) == fg)
            {
                label[j] = id;
                stack.Push(j);
            }
        }
    }
}
