using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Pitlane.Modules.Sales.Reports;

/// <summary>Small inline SVG line and bar charts (no script, no CDN), scaled to their container.</summary>
public static class SvgChart
{
    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A line over x with gaps where y is null; a shaded band marks the target range when given.</summary>
    public static IHtmlContent Line(string title, IReadOnlyList<(double X, double? Y)> points, double yMin, double yMax, string unit,
        (double Low, double High)? band = null, string id = "")
    {
        const double w = 600, h = 160, left = 44, bottom = 22, top = 8;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"sales-chart\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(title)}\" preserveAspectRatio=\"none\">");
        var xMax = points.Count == 0 ? 1 : Math.Max(1, points.Max(p => p.X));
        double X(double x) => left + (w - left - 8) * x / xMax;
        double Y(double y) => top + (h - top - bottom) * (1 - (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin));
        if (band is { } b)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(left)}\" y=\"{F(Y(b.High))}\" width=\"{F(w - left - 8)}\" height=\"{F(Y(b.Low) - Y(b.High))}\" fill=\"#19875422\"/>");
        }
        foreach (var tick in new[] { yMin, (yMin + yMax) / 2, yMax })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left)}\" x2=\"{F(w - 8)}\" y1=\"{F(Y(tick))}\" y2=\"{F(Y(tick))}\" stroke=\"#8883\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left - 4)}\" y=\"{F(Y(tick) + 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">{F(tick)}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(w - 8)}\" y=\"{F(h - 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">{WebUtility.HtmlEncode(unit)}</text>");
        var path = new StringBuilder();
        var pen = false;
        foreach (var (x, y) in points)
        {
            if (y is null)
            {
                pen = false;
                continue;
            }
            path.Append(pen ? " L" : " M").Append(F(X(x))).Append(',').Append(F(Y(y.Value)));
            pen = true;
        }
        if (path.Length > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"#0d6efd\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/>");
        }
        foreach (var (x, y) in points.Where(p => p.Y is not null && points.Count <= 40))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(x))}\" cy=\"{F(Y(y!.Value))}\" r=\"3\" fill=\"#0d6efd\"/>");
        }
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }

    public static IHtmlContent Bars(string title, IReadOnlyList<(string Label, int Value)> bars, string id = "")
    {
        const double w = 600, h = 140, bottom = 22;
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"sales-chart\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(title)}\">");
        var slot = w / Math.Max(1, bars.Count);
        for (var i = 0; i < bars.Count; i++)
        {
            var bh = (h - bottom - 16) * bars[i].Value / max;
            var x = i * slot + slot * 0.2;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(h - bottom - bh)}\" width=\"{F(slot * 0.6)}\" height=\"{F(bh)}\" fill=\"#6f42c1\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + slot * 0.3)}\" y=\"{F(h - bottom - bh - 3)}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">{bars[i].Value}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + slot * 0.3)}\" y=\"{F(h - 5)}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">{WebUtility.HtmlEncode(bars[i].Label)}</text>");
        }
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }

    /// <summary>The transcript as HTML with fillers and hedges wrapped in &lt;mark&gt;, everything else encoded.</summary>
    public static IHtmlContent Highlight(string text, IReadOnlyList<Pitlane.Speech.TranscriptMark> marks)
    {
        var sb = new StringBuilder();
        var at = 0;
        foreach (var m in marks.OrderBy(m => m.Start))
        {
            if (m.Start < at || m.Start + m.Length > text.Length)
            {
                continue;
            }
            sb.Append(WebUtility.HtmlEncode(text[at..m.Start]));
            var cls = m.Kind == Pitlane.Speech.TranscriptMarkKind.Filler ? "filler" : "hedge";
            sb.Append(CultureInfo.InvariantCulture, $"<mark class=\"{cls}\" title=\"{cls}\">{WebUtility.HtmlEncode(text.Substring(m.Start, m.Length))}</mark>");
            at = m.Start + m.Length;
        }
        sb.Append(WebUtility.HtmlEncode(text[at..]));
        return new HtmlString(sb.ToString());
    }
}
