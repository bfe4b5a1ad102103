using System.Globalization;
using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Pitlane.Reports;

/// <summary>One run of text in a table cell, drawn in its own font and colour.</summary>
internal sealed record Span(string Text, XFont Font, XBrush Brush, XColor? Badge = null);

internal sealed record Column(string Header, double Width, bool AlignRight = false);

internal sealed record Cell(IReadOnlyList<Span> Spans, double Indent = 0)
{
    public static Cell Of(string text, XFont font, XBrush brush) => new([new Span(text, font, brush)]);
}

internal sealed record TextLine(string Text, XFont Font, XBrush Brush, XColor? Badge);

/// <summary>
/// A top-to-bottom flow over A4 pages: tracks the cursor, starts a new page when content does not fit, and stamps
/// "Page n of m" on every page once the page count is known. PDFsharp allows one XGraphics per page at a time, so the
/// previous page's graphics is disposed before the next page opens and footers are drawn in append mode at the end.
/// </summary>
internal sealed class PdfFlow : IDisposable
{
    public const double Margin = 36; // ≈ 12.7 mm: clear of any office printer's unprintable edge
    private const double FooterHeight = 22;
    private const double CellPadding = 2;

    private readonly PdfDocument _document;
    private readonly List<PdfPage> _pages = [];
    private readonly Action<PdfFlow>? _runningHeader;
    private XGraphics? _graphics;
    private double _pageStartY;
    // Word widths repeat heavily (a 200-code table reuses the same few hundred words); PDFsharp's MeasureString
    // re-runs the glyph lookup every time, so one render keeps its own cache.
    private readonly Dictionary<(XFont Font, string Text), double> _widths = [];

    public PdfFlow(PdfDocument document, Action<PdfFlow>? runningHeader)
    {
        _document = document;
        _runningHeader = runningHeader;
        NewPage();
    }

    public XGraphics G => _graphics ?? throw new ObjectDisposedException(nameof(PdfFlow));
    public double Y { get; set; }
    public double Left => Margin;
    public double Width { get; private set; }
    public double Right => Left + Width;
    public double Bottom { get; private set; }
    public int PageCount => _pages.Count;
    private double ContentTop => Margin;

    public void NewPage()
    {
        _graphics?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        _pages.Add(page);
        _graphics = XGraphics.FromPdfPage(page);
        Width = page.Width.Point - 2 * Margin;
        Bottom = page.Height.Point - Margin - FooterHeight;
        Y = ContentTop;
        if (_pages.Count > 1)
        {
            _runningHeader?.Invoke(this);
        }
        _pageStartY = Y;
    }

    /// <summary>Moves to a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void EnsureSpace(double height)
    {
        if (Y + height > Bottom && Y > _pageStartY + 0.5)
        {
            NewPage();
        }
    }

    /// <summary>Draws the footer on every page; call once, after the last content.</summary>
    public void FinishPages(Action<XGraphics, int, int, double, double, double> drawFooter)
    {
        _graphics?.Dispose();
        _graphics = null;
        for (var i = 0; i < _pages.Count; i++)
        {
            using var g = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
            drawFooter(g, i + 1, _pages.Count, Margin, _pages[i].Width.Point - 2 * Margin, _pages[i].Height.Point - Margin - FooterHeight + 8);
        }
    }

    public void Dispose() => _graphics?.Dispose();

    /// <summary>Draws wrapped text at the cursor across the full width, breaking pages between lines.</summary>
    public void Paragraph(string text, XFont font, XBrush brush, double lineHeight, double indent = 0)
    {
        foreach (var line in Wrap(text, font, Width - indent))
        {
            EnsureSpace(lineHeight);
            G.DrawString(line, font, brush, Left + indent, Y, XStringFormats.TopLeft);
            Y += lineHeight;
        }
    }

    /// <summary>
    /// A table whose header repeats on each page. A row that does not fit moves whole to the next page; a row taller
    /// than a page (a description of thousands of words) is split between lines so it can never loop or overflow.
    /// </summary>
    public void Table(IReadOnlyList<Column> columns, IEnumerable<Cell[]> rows, XFont headerFont, XColor headerFill, double lineHeight)
    {
        var headerLines = columns.Select(c => Wrap(c.Header, headerFont, c.Width - 2 * CellPadding)).ToArray();
        var headerHeight = headerLines.Max(l => l.Count) * lineHeight + 2 * CellPadding;
        var headerBrush = new XSolidBrush(headerFill);
        var stripe = new XSolidBrush(XColor.FromArgb(0xF3, 0xF5, 0xF7));
        var rule = new XPen(XColor.FromArgb(0xD5, 0xDA, 0xDF), 0.5);

        void DrawHeader()
        {
            G.DrawRectangle(headerBrush, Left, Y, Width, headerHeight);
            var x = Left;
            for (var c = 0; c < columns.Count; c++)
            {
                for (var l = 0; l < headerLines[c].Count; l++)
                {
                    DrawAligned(headerLines[c][l], headerFont, XBrushes.White, x, Y + CellPadding + l * lineHeight, columns[c]);
                }
                x += columns[c].Width;
            }
            Y += headerHeight;
        }

        // Keep the header with at least one line of the first row.
        EnsureSpace(headerHeight + lineHeight + 2 * CellPadding);
        DrawHeader();
        var rowIndex = 0;
        foreach (var row in rows)
        {
            var cellLines = new List<TextLine>[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                cellLines[c] = Layout(row[c], columns[c].Width - 2 * CellPadding - row[c].Indent);
            }
            var total = Math.Max(1, cellLines.Max(l => l.Count));
            var fullHeight = total * lineHeight + 2 * CellPadding;
            var pageHeight = Bottom - ContentTop - headerHeight - 40; // running header allowance
            if (Y + fullHeight > Bottom && fullHeight <= pageHeight)
            {
                NewPage();
                DrawHeader();
            }
            var start = 0;
            while (start < total)
            {
                var fit = (int)Math.Floor((Bottom - Y - 2 * CellPadding) / lineHeight);
                if (fit < 1)
                {
                    NewPage();
                    DrawHeader();
                    continue;
                }
                var take = Math.Min(fit, total - start);
                var height = take * lineHeight + 2 * CellPadding;
                if (rowIndex % 2 == 1)
                {
                    G.DrawRectangle(stripe, Left, Y, Width, height);
                }
                var x = Left;
                for (var c = 0; c < columns.Count; c++)
                {
                    var lines = cellLines[c];
                    for (var l = start; l < Math.Min(start + take, lines.Count); l++)
                    {
                        var line = lines[l];
                        var top = Y + CellPadding + (l - start) * lineHeight;
                        var textX = x + row[c].Indent;
                        if (line.Badge is { } badge)
                        {
                            var w = G.MeasureString(line.Text, line.Font).Width + 6;
                            var bx = columns[c].AlignRight ? x + columns[c].Width - CellPadding - w : textX + CellPadding - 3;
                            G.DrawRoundedRectangle(new XSolidBrush(badge), bx, top - 1, w, lineHeight - 0.5, 4, 4);
                        }
                        DrawAligned(line.Text, line.Font, line.Brush, textX, top, columns[c] with { Width = columns[c].Width - row[c].Indent });
                    }
                    x += columns[c].Width;
                }
                Y += height;
                G.DrawLine(rule, Left, Y, Right, Y);
                start += take;
                if (start < total)
                {
                    NewPage();
                    DrawHeader();
                }
            }
            rowIndex++;
        }
    }

    private void DrawAligned(string text, XFont font, XBrush brush, double x, double top, Column column)
    {
        if (column.AlignRight)
        {
            G.DrawString(text, font, brush, new XRect(x + CellPadding, top, column.Width - 2 * CellPadding, font.Height), XStringFormats.TopRight);
        }
        else
        {
            G.DrawString(text, font, brush, x + CellPadding, top, XStringFormats.TopLeft);
        }
    }

    private List<TextLine> Layout(Cell cell, double width)
    {
        var lines = new List<TextLine>();
        foreach (var span in cell.Spans)
        {
            if (span.Text.Length == 0)
            {
                continue;
            }
            // A badge needs room for its rounded background on both sides.
            var spanWidth = span.Badge is null ? width : width - 6;
            foreach (var text in Wrap(span.Text, span.Font, spanWidth))
            {
                lines.Add(new TextLine(text, span.Font, span.Brush, span.Badge));
            }
        }
        return lines;
    }

    /// <summary>
    /// Greedy word wrap on spaces; a word wider than the line (a part number, a URL, a run without spaces) is broken
    /// between text elements (UAX #29 grapheme clusters), never inside a surrogate pair or before a combining mark.
    /// </summary>
    public List<string> Wrap(string text, XFont font, double width, int maxLines)
    {
        var lines = Wrap(text, font, width);
        if (lines.Count <= maxLines)
        {
            return lines;
        }
        lines.RemoveRange(maxLines, lines.Count - maxLines);
        lines[^1] = Ellipsize(G, lines[^1] + "…", font, width);
        return lines;
    }

    public double Measure(string text, XFont font)
    {
        if (!_widths.TryGetValue((font, text), out var width))
        {
            width = G.MeasureString(text, font).Width;
            _widths[(font, text)] = width;
        }
        return width;
    }

    public List<string> Wrap(string text, XFont font, double width)
    {
        var g = G;
        var lines = new List<string>();
        var space = Measure(" ", font);
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new StringBuilder();
            var lineWidth = 0.0;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = Measure(word, font);
                if (line.Length > 0 && lineWidth + space + wordWidth <= width)
                {
                    line.Append(' ').Append(word);
                    lineWidth += space + wordWidth;
                    continue;
                }
                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                var rest = word;
                while (wordWidth > width)
                {
                    var cut = FitPrefix(g, rest, font, width);
                    lines.Add(rest[..cut]);
                    rest = rest[cut..];
                    wordWidth = g.MeasureString(rest, font).Width;
                }
                line.Append(rest);
                lineWidth = wordWidth;
            }
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>Shortens <paramref name="text"/> with an ellipsis to fit one line (footers, running headers).</summary>
    public static string Ellipsize(XGraphics g, string text, XFont font, double width)
    {
        if (g.MeasureString(text, font).Width <= width)
        {
            return text;
        }
        var cut = FitPrefix(g, text, font, width - g.MeasureString("…", font).Width);
        return text[..cut].TrimEnd() + "…";
    }

    // Binary search for the longest prefix, in whole text elements, that fits; at least one element so wrapping progresses.
    private static int FitPrefix(XGraphics g, string text, XFont font, double width)
    {
        var starts = StringInfo.ParseCombiningCharacters(text);
        int low = 1, high = starts.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            var end = mid < starts.Length ? starts[mid] : text.Length;
            if (g.MeasureString(text[..end], font).Width <= width)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return low < starts.Length ? starts[low] : text.Length;
    }
}
