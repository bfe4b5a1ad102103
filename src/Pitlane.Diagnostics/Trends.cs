namespace Pitlane.Diagnostics;

/// <summary>Cleaning and ordinary least squares over telemetry samples.</summary>
internal static class Trends
{
    /// <summary>Finite values inside [min, max], ordered by time (stable for equal timestamps).</summary>
    public static TelemetrySample[] Clean(IReadOnlyList<TelemetrySample>? samples, double min, double max)
    {
        if (samples is null || samples.Count == 0) return [];
        var kept = new TelemetrySample[samples.Count];
        int n = 0;
        bool sorted = true;
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (!double.IsFinite(s.Value) || s.Value < min || s.Value > max) continue;
            if (n > 0 && s.At.UtcTicks < kept[n - 1].At.UtcTicks) sorted = false;
            kept[n++] = s;
        }
        if (n != kept.Length) Array.Resize(ref kept, n);
        if (sorted) return kept;
        // Array.Sort is not stable; sorting by (time, original index) keeps equal timestamps in input order, so the result is deterministic.
        var keys = new (long, int)[n];
        for (int i = 0; i < n; i++) keys[i] = (kept[i].At.UtcTicks, i);
        Array.Sort(keys, kept);
        return kept;
    }

    /// <summary>The samples of a time-ordered array with <paramref name="from"/> ≤ time ≤ <paramref name="to"/>, without copying.</summary>
    public static ReadOnlySpan<TelemetrySample> Between(TelemetrySample[] sorted, DateTimeOffset from, DateTimeOffset to)
    {
        int start = 0;
        while (start < sorted.Length && sorted[start].At < from) start++;
        int end = start;
        while (end < sorted.Length && sorted[end].At <= to) end++;
        return sorted.AsSpan(start, end - start);
    }

    /// <summary>
    /// Least squares of value against days since the first sample, centred on the means so large timestamps and values
    /// lose no precision. Null when fewer than <paramref name="minSamples"/> samples, all at one instant, or the sums are not finite.
    /// </summary>
    public static TrendFit? Fit(string signal, ReadOnlySpan<TelemetrySample> sorted, int minSamples, double? kmPerDay)
    {
        int n = sorted.Length;
        if (n < minSamples || n < 2) return null;
        var origin = sorted[0].At;
        double meanX = 0, meanY = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += Days(sorted[i].At, origin);
            meanY += sorted[i].Value;
        }
        meanX /= n;
        meanY /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = Days(sorted[i].At, origin) - meanX, dy = sorted[i].Value - meanY;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (!(sxx > 1e-9) || !double.IsFinite(sxy) || !double.IsFinite(syy)) return null;
        double slope = sxy / sxx;
        double lastX = Days(sorted[^1].At, origin);
        double current = meanY + (slope * (lastX - meanX));
        double r2 = syy > 0 ? Math.Clamp(sxy * sxy / (sxx * syy), 0, 1) : 1;
        double? per1000Km = kmPerDay is > 0.1 ? slope / kmPerDay.Value * 1000 : null;
        return new TrendFit(signal, n, sorted[0].At, sorted[^1].At, slope, per1000Km, current, r2);
    }

    /// <summary>Days until the fitted line reaches <paramref name="threshold"/> from its current value; null when moving away or not finite.</summary>
    public static double? DaysUntil(TrendFit fit, double threshold)
    {
        double gap = threshold - fit.Current;
        if (fit.SlopePerDay == 0 || Math.Sign(gap) != Math.Sign(fit.SlopePerDay)) return null;
        double days = gap / fit.SlopePerDay;
        return double.IsFinite(days) && days >= 0 ? days : null;
    }

    public static double Days(DateTimeOffset at, DateTimeOffset origin) => (at.UtcTicks - origin.UtcTicks) / (double)TimeSpan.TicksPerDay;
}
