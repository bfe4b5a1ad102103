namespace Pitlane.Imaging;

/// <summary>
/// Guided image filter (He, Sun, Tang, "Guided Image Filtering", TPAMI 2013), grey guide: q = mean(a)·I + mean(b)
/// with a = cov(I, p) / (var(I) + ε), b = mean(p) − a·mean(I), all means over a (2r+1)² box computed with summed-area
/// tables, so it is O(pixels) whatever r. Used to snap the coarse, upsampled model mask to the photo's own edges so
/// thin parts (an antenna, a mirror stalk) that the 1024² model blurred come back where the photo shows them.
/// </summary>
public static class GuidedFilter
{
    public static float[] Apply(float[] guide, float[] p, int width, int height, int radius, float epsilon)
    {
        var n = width * height;
        if (guide.Length != n || p.Length != n)
        {
            throw new ArgumentException("guide and input must both have width×height values");
        }

        var ip = new float[n];
        var ii = new float[n];
        for (var i = 0; i < n; i++)
        {
            ip[i] = guide[i] * p[i];
            ii[i] = guide[i] * guide[i];
        }

        var meanI = BoxMean(guide, width, height, radius);
        var meanP = BoxMean(p, width, height, radius);
        var meanIp = BoxMean(ip, width, height, radius);
        var meanIi = BoxMean(ii, width, height, radius);
        var a = ip; // reuse buffers
        var b = ii;
        for (var i = 0; i < n; i++)
        {
            var cov = meanIp[i] - (meanI[i] * meanP[i]);
            var variance = meanIi[i] - (meanI[i] * meanI[i]);
            a[i] = cov / (variance + epsilon);
            b[i] = meanP[i] - (a[i] * meanI[i]);
        }

        var meanA = BoxMean(a, width, height, radius);
        var meanB = BoxMean(b, width, height, radius);
        var q = meanA;
        for (var i = 0; i < n; i++)
        {
            q[i] = Math.Clamp((meanA[i] * guide[i]) + meanB[i], 0f, 1f);
        }

        return q;
    }

    internal static float[] BoxMean(float[] src, int width, int height, int r)
    {
        // Summed-area table in double: float loses the low bits over a 12-megapixel sum.
        var stride = width + 1;
        var sat = new double[stride * (height + 1)];
        for (var y = 0; y < height; y++)
        {
            double row = 0;
            for (var x = 0; x < width; x++)
            {
                row += src[(y * width) + x];
                sat[((y + 1) * stride) + x + 1] = sat[(y * stride) + x + 1] + row;
            }
        }

        var dst = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            var y0 = Math.Max(0, y - r);
            var y1 = Math.Min(height, y + r + 1);
            for (var x = 0; x < width; x++)
            {
                var x0 = Math.Max(0, x - r);
                var x1 = Math.Min(width, x + r + 1);
                var sum = sat[(y1 * stride) + x1] - sat[(y0 * stride) + x1] - sat[(y1 * stride) + x0] + sat[(y0 * stride) + x0];
                dst[(y * width) + x] = (float)(sum / ((y1 - y0) * (x1 - x0)));
            }
        }

        return dst;
    }
}
