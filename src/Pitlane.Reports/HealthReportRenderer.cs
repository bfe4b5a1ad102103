using System.Globalization;
using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using QRCoder;

namespace Pitlane.Reports;

/// <summary>Renders a <see cref="HealthReport"/> as an A4 PDF 1.7 document with real, extractable text.</summary>
public static class HealthReportRenderer
{
    private const double LineHeight = 10;

    private static readonly Lock SetupGate = new();
    private static bool s_configured;
    private static FontCoverage? s_coverage;

    private static readonly byte[] QrDark = [0, 0, 0, 255];
    private static readonly byte[] QrLight = [255, 255, 255, 255];
    private static readonly XColor Ink = XColor.FromArgb(0x1F, 0x29, 0x33);
    private static readonly XColor Muted = XColor.FromArgb(0x5F, 0x6B, 0x76);
    private static readonly XColor Accent = XColor.FromArgb(0x1E, 0x40, 0x6E);
    private static readonly XColor Track = XColor.FromArgb(0xE3, 0xE7, 0xEB);

    /// <summary>
    /// Renders the report. Throws <see cref="FileNotFoundException"/> naming the font file when DejaVu Sans is not
    /// installed, and <see cref="ArgumentException"/> for a report that cannot be printed truthfully (score outside
    /// 0–100, a relative share URL, negative quantities or rates).
    /// </summary>
    public static byte[] Render(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Validate(report);
        ConfigurePdfSharp();
        // Compute the estimate first: an overflow or invalid line fails before any drawing work.
        var estimate = report.Estimate();
        var labels = report.Labels ?? ReportLabels.English;
        var style = new Style();

        using var document = new PdfDocument();
        // PDF 1.7 (ISO 32000-1): the header says %PDF-1.7.
        document.Version = 17;
        document.Info.Title = Clean($"{labels.Title} {report.Vehicle.Vin}");
        document.Info.Author = Clean(report.Shop.Name);
        document.Info.Subject = Clean($"{labels.Title}: {VehicleName(report.Vehicle)}");
        document.Info.Creator = "Pitlane";
        // The model's timestamp, not the clock: re-rendering the same report gives the same dates.
        document.Info.CreationDate = report.GeneratedAt.UtcDateTime;
        document.Info.ModificationDate = report.GeneratedAt.UtcDateTime;

        // XImage keeps reading its stream until the document is saved.
        var (qrPng, qrModules) = QrPng(report.ShareUrl.AbsoluteUri);
        using var qrStream = new MemoryStream(qrPng);
        using var qrImage = XImage.FromStream(qrStream);
        // Nearest-neighbour scaling keeps module edges sharp, which scanners need.
        qrImage.Interpolate = false;

        var runningHeader = Clean($"{report.Shop.Name} · {labels.Title} · {report.Vehicle.Vin}");
        using (var flow = new PdfFlow(document, f =>
               {
                   f.G.DrawString(PdfFlow.Ellipsize(f.G, runningHeader, style.Small, f.Width), style.Small, style.MutedBrush, f.Left, f.Y, XStringFormats.TopLeft);
                   f.Y += 12;
                   f.G.DrawLine(new XPen(Track, 0.75), f.Left, f.Y, f.Right, f.Y);
                   f.Y += 10;
               }))
        {
            DrawHeader(flow, report, labels, style);
            DrawSummary(flow, report, labels, style, qrImage, QrSize(qrModules));
            DrawFindings(flow, report, labels, style);
            DrawTroubleCodes(flow, report, labels, style);
            DrawReadiness(flow, report, labels, style);
            DrawLiveValues(flow, report, labels, style);
            DrawEstimate(flow, estimate, labels, style);

            var footerLeft = Clean($"{labels.Title} · {report.Vehicle.Vin} · {report.GeneratedAt.ToString(labels.DateTimeFormat, CultureInfo.InvariantCulture)}");
            flow.FinishPages((g, page, pages, left, width, top) =>
            {
                var pageText = labels.PageOfFormat
                    .Replace("{page}", page.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{pages}", pages.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
                var pageWidth = g.MeasureString(pageText, style.Small).Width;
                g.DrawLine(new XPen(Track, 0.75), left, top - 4, left + width, top - 4);
                g.DrawString(PdfFlow.Ellipsize(g, footerLeft, style.Small, width - pageWidth - 12), style.Small, style.MutedBrush, left, top, XStringFormats.TopLeft);
                g.DrawString(pageText, style.Small, style.MutedBrush, new XRect(left, top, width, 10), XStringFormats.TopRight);
            });
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Validate(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report.Shop);
        ArgumentNullException.ThrowIfNull(report.Vehicle);
        ArgumentNullException.ThrowIfNull(report.Scan);
        ArgumentNullException.ThrowIfNull(report.Health);
        ArgumentNullException.ThrowIfNull(report.ShareUrl);
        ArgumentOutOfRangeException.ThrowIfNegative(report.Health.Score);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(report.Health.Score, 100);
        if (!report.ShareUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The share URL must be absolute: the QR code is opened on a phone.", nameof(report));
        }
    }

    /// <summary>
    /// PDFsharp's license choice and font resolver are process-wide and may be set only once, so this runs once. A host
    /// that already installed its own font resolver keeps it (it must then serve "DejaVu Sans").
    /// </summary>
    internal static void ConfigurePdfSharp()
    {
        if (!Volatile.Read(ref s_configured))
        {
            lock (SetupGate)
            {
                if (!s_configured)
                {
                    // Pitlane is AGPL-3.0-or-later, so PDFsharp 6.5's AGPL license applies; without a license it throws.
                    PdfSharpLicense.SetAgplLicense();
                    GlobalFontSettings.FontResolver ??= new DejaVuFontResolver();
                    Volatile.Write(ref s_configured, true);
                }
            }
        }
        // Checked on every render so installing the fonts later needs no restart, and the error names the file.
        if (GlobalFontSettings.FontResolver is DejaVuFontResolver resolver)
        {
            resolver.EnsureInstalled();
            s_coverage ??= resolver.Coverage();
        }
    }

    /// <summary>ISO/IEC 18004 QR code, error correction level M (15 % recovery), which survives a creased printout.</summary>
    internal static (byte[] Png, int Modules) QrPng(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix.Count;
        using var png = new PngByteQRCode(data);
        // One pixel per module: the PDF scales it without interpolation, so larger bitmaps would only add bytes.
        // Explicit opaque colours make QRCoder write an indexed (palette) PNG; PDFsharp 6.5 rejects the default
        // 1-bit greyscale PNG ("Unsupported image format") and mis-reads a palette with transparency.
        // QRCoder's module matrix already includes the 4-module quiet zone on each side (ISO/IEC 18004).
        return (png.GetGraphic(1, QrDark, QrLight), modules);
    }

    /// <summary>
    /// Printed size of the code: 2 pt (0.7 mm) per module including the 4-module quiet zone, so a phone resolves a
    /// long URL's denser code too, between 96 pt and 150 pt; only absurdly long URLs get smaller modules.
    /// </summary>
    private static double QrSize(int modules) => Math.Clamp(modules * 2.0, 96, 150);

    // The header and summary sit side by side in fixed boxes on page 1 and cannot flow onto another page, so their
    // texts are capped at a few lines and end in an ellipsis; the full texts belong in the tables below.
    private static void DrawHeader(PdfFlow flow, HealthReport report, ReportLabels labels, Style style)
    {
        var g = flow.G;
        const double rightWidth = 170;
        var leftWidth = flow.Width - rightWidth - 12;
        var top = flow.Y;

        var y = top;
        foreach (var line in flow.Wrap(Clean(report.Shop.Name), style.Title, leftWidth, maxLines: 2))
        {
            g.DrawString(line, style.Title, style.InkBrush, flow.Left, y, XStringFormats.TopLeft);
            y += 20;
        }
        y += 2;
        var contact = flow.Wrap(Clean(report.Shop.Address), style.Body, leftWidth, maxLines: 3);
        if (!string.IsNullOrWhiteSpace(report.Shop.Phone))
        {
            contact.AddRange(flow.Wrap($"{Clean(labels.Phone)}: {Clean(report.Shop.Phone)}", style.Body, leftWidth, maxLines: 1));
        }
        foreach (var line in contact)
        {
            g.DrawString(line, style.Body, style.MutedBrush, flow.Left, y, XStringFormats.TopLeft);
            y += LineHeight;
        }

        var ry = top + 3;
        foreach (var line in flow.Wrap(Clean(labels.Title), style.Heading, rightWidth, maxLines: 2))
        {
            g.DrawString(line, style.Heading, style.AccentBrush, new XRect(flow.Right - rightWidth, ry, rightWidth, 14), XStringFormats.TopRight);
            ry += 15;
        }
        g.DrawString(report.GeneratedAt.ToString(labels.DateTimeFormat, CultureInfo.InvariantCulture), style.Body, style.MutedBrush,
            new XRect(flow.Right - rightWidth, ry, rightWidth, 12), XStringFormats.TopRight);
        ry += LineHeight;

        flow.Y = Math.Max(y, ry) + 4;
        g.DrawLine(new XPen(Accent, 1.5), flow.Left, flow.Y, flow.Right, flow.Y);
        flow.Y += 10;
    }

    private static void DrawSummary(PdfFlow flow, HealthReport report, ReportLabels labels, Style style, XImage qr, double qrSize)
    {
        var g = flow.G;
        var top = flow.Y;
        const double gaugeWidth = 128;
        const double labelWidth = 66;
        var infoWidth = flow.Width - gaugeWidth - qrSize - 24;

        var vehicle = report.Vehicle;
        var scan = report.Scan;
        var odometer = vehicle.OdometerKm is { } km
            ? Money.FormatAmount(km, 0, labels.GroupSeparator, labels.DecimalSeparator) + " km"
            : "–";
        (string Label, string Value, bool Strong)[] rows =
        [
            (labels.Vehicle, VehicleName(vehicle), true),
            (labels.Vin, Clean(vehicle.Vin), true),
            (labels.Odometer, odometer, false),
            (labels.Plate, string.IsNullOrWhiteSpace(vehicle.Plate) ? "–" : Clean(vehicle.Plate), false),
            (labels.ScannedAt, scan.ScannedAt.ToString(labels.DateTimeFormat, CultureInfo.InvariantCulture), false),
            (labels.Adapter, Clean(scan.Adapter), false),
            (labels.Protocol, Clean(scan.Protocol), false),
        ];
        var y = top;
        foreach (var (label, value, strong) in rows)
        {
            var labelLines = flow.Wrap(Clean(label), style.Small, labelWidth - 4, maxLines: 2);
            var valueFont = strong ? style.Bold : style.Body;
            var valueLines = flow.Wrap(value, valueFont, infoWidth - labelWidth, maxLines: 2);
            for (var i = 0; i < labelLines.Count; i++)
            {
                g.DrawString(labelLines[i], style.Small, style.MutedBrush, flow.Left, y + 1 + i * LineHeight, XStringFormats.TopLeft);
            }
            for (var i = 0; i < valueLines.Count; i++)
            {
                g.DrawString(valueLines[i], valueFont, style.InkBrush, flow.Left + labelWidth, y + i * LineHeight, XStringFormats.TopLeft);
            }
            y += Math.Max(labelLines.Count, valueLines.Count) * LineHeight + 1.5;
        }

        var gaugeBottom = DrawGauge(flow, report.Health, labels, style, flow.Left + infoWidth + 12, top, gaugeWidth);

        g.DrawImage(qr, flow.Right - qrSize, top, qrSize, qrSize);

        flow.Y = Math.Max(Math.Max(y, gaugeBottom), top + qrSize) + 4;
        // The URL goes under the code in full so a reader without a camera can type it. It starts its own line so
        // text extraction and copy-paste see it whole; a URL longer than the line breaks between characters.
        flow.Paragraph(Clean(labels.ScanQrHint), style.Small, style.MutedBrush, 9);
        flow.Paragraph(report.ShareUrl.AbsoluteUri, style.Small, style.AccentBrush, 9);
        flow.Y += 8;
    }

    /// <summary>A 270° arc gauge: grey track, coloured arc proportional to the score, score and band in the middle.</summary>
    private static double DrawGauge(PdfFlow flow, HealthScore health, ReportLabels labels, Style style, double x, double top, double width)
    {
        var g = flow.G;
        var colour = BandColour(health.Band);
        const double diameter = 84;
        const double stroke = 10;
        var cx = x + width / 2;
        var cy = top + 14 + diameter / 2;
        g.DrawString(Clean(labels.HealthScore), style.SmallBold, style.MutedBrush, new XRect(x, top, width, 10), XStringFormats.TopCenter);
        var box = new XRect(cx - diameter / 2, cy - diameter / 2, diameter, diameter);
        g.DrawArc(new XPen(Track, stroke) { LineCap = XLineCap.Round }, box, 135, 270);
        if (health.Score > 0)
        {
            g.DrawArc(new XPen(colour, stroke) { LineCap = XLineCap.Round }, box, 135, 270 * health.Score / 100.0);
        }
        g.DrawString(health.Score.ToString(CultureInfo.InvariantCulture), style.Score, new XSolidBrush(colour),
            new XRect(cx - diameter / 2, cy - 20, diameter, 30), XStringFormats.TopCenter);
        g.DrawString("/ 100", style.Small, style.MutedBrush, new XRect(cx - diameter / 2, cy + 10, diameter, 10), XStringFormats.TopCenter);
        var y = cy + diameter / 2 + 2;
        foreach (var line in flow.Wrap(Clean(health.BandLabel), style.Bold, width, maxLines: 2))
        {
            g.DrawString(line, style.Bold, new XSolidBrush(colour), new XRect(x, y, width, 12), XStringFormats.TopCenter);
            y += LineHeight;
        }
        return y;
    }

    private static void Section(PdfFlow flow, string title, Style style)
    {
        // Keep the heading with the start of its content.
        flow.EnsureSpace(60);
        flow.Y += 2;
        flow.G.DrawString(Clean(title), style.Heading, style.AccentBrush, flow.Left, flow.Y, XStringFormats.TopLeft);
        flow.Y += 15;
    }

    private static void Empty(PdfFlow flow, string text, Style style)
    {
        flow.Paragraph(Clean(text), style.Italic, style.MutedBrush, LineHeight);
        flow.Y += 6;
    }

    private static void DrawFindings(PdfFlow flow, HealthReport report, ReportLabels labels, Style style)
    {
        Section(flow, labels.Findings, style);
        var findings = report.Findings ?? [];
        if (findings.Count == 0)
        {
            Empty(flow, labels.NoFindings, style);
            return;
        }
        var w = flow.Width;
        Column[] columns = [new(labels.SeverityLabel, 70), new(labels.Observation, (w - 70) / 2), new(labels.WhyItMatters, (w - 70) / 2)];
        flow.Table(columns, findings.Where(f => f is not null).Select(f => new[]
        {
            SeverityCell(f.Severity, labels, style),
            Cell.Of(Clean(f.Observation), style.Body, style.InkBrush),
            Cell.Of(Clean(f.WhyItMatters), style.Body, style.InkBrush),
        }), style.SmallBold, Accent, LineHeight);
        flow.Y += 6;
    }

    private static void DrawTroubleCodes(PdfFlow flow, HealthReport report, ReportLabels labels, Style style)
    {
        Section(flow, labels.TroubleCodes, style);
        var codes = report.TroubleCodes ?? [];
        if (codes.Count == 0)
        {
            Empty(flow, labels.NoTroubleCodes, style);
            return;
        }
        Column[] columns = [new(labels.Code, 44), new(labels.Ecu, 84), new(labels.Kind, 54), new(labels.SeverityLabel, 56), new(labels.Description, flow.Width - 238)];
        flow.Table(columns, codes.Where(c => c is not null).Select(c => new[]
        {
            Cell.Of(Clean(c.Code), style.Bold, style.InkBrush),
            Cell.Of(Clean(c.Ecu), style.Body, style.InkBrush),
            new Cell([new Span(labels.For(c.Kind), style.Body, c.Kind == DtcKind.Permanent ? style.AlertBrush : style.InkBrush)]),
            SeverityCell(c.Severity, labels, style),
            new Cell([new Span(Clean(c.Description), style.Body, style.InkBrush), new Span(Clean(c.Explanation), style.Small, style.MutedBrush)]),
        }), style.SmallBold, Accent, LineHeight);
        flow.Y += 6;
    }

    private static void DrawReadiness(PdfFlow flow, HealthReport report, ReportLabels labels, Style style)
    {
        Section(flow, labels.Readiness, style);
        var monitors = report.Readiness ?? [];
        if (monitors.Count == 0)
        {
            Empty(flow, labels.NoReadiness, style);
            return;
        }
        // Two monitors per row: a car reports up to eleven (SAE J1979 PID 01), one short word each.
        var half = flow.Width / 2;
        Column[] columns = [new(labels.Monitor, half - 90), new(labels.Status, 90), new(labels.Monitor, half - 90), new(labels.Status, 90)];
        var present = monitors.Where(m => m is not null).ToList();
        var rows = new List<Cell[]>();
        for (var i = 0; i < present.Count; i += 2)
        {
            var right = i + 1 < present.Count ? present[i + 1] : null;
            rows.Add(
            [
                Cell.Of(Clean(present[i].Name), style.Body, style.InkBrush),
                new Cell([new Span(labels.For(present[i].Status), style.SmallBold, XBrushes.White, MonitorColour(present[i].Status))]),
                Cell.Of(Clean(right?.Name), style.Body, style.InkBrush),
                right is null ? Cell.Of(string.Empty, style.Body, style.InkBrush)
                    : new Cell([new Span(labels.For(right.Status), style.SmallBold, XBrushes.White, MonitorColour(right.Status))]),
            ]);
        }
        flow.Table(columns, rows, style.SmallBold, Accent, LineHeight);
        flow.Y += 6;
    }

    private static void DrawLiveValues(PdfFlow flow, HealthReport report, ReportLabels labels, Style style)
    {
        Section(flow, labels.LiveValues, style);
        var values = report.LiveValues ?? [];
        if (values.Count == 0)
        {
            Empty(flow, labels.NoLiveValues, style);
            return;
        }
        Column[] columns = [new(labels.Name, flow.Width - 260), new(labels.Value, 120, AlignRight: true), new(labels.NormalRange, 140)];
        flow.Table(columns, values.Where(v => v is not null).Select(v => new[]
        {
            Cell.Of(Clean(v.Name), style.Body, style.InkBrush),
            Cell.Of(Clean($"{v.Value} {v.Unit}".Trim()), v.WithinNormalRange == false ? style.Bold : style.Body,
                v.WithinNormalRange == false ? style.AlertBrush : style.InkBrush),
            Cell.Of(Clean(v.NormalRange), style.Body, style.MutedBrush),
        }), style.SmallBold, Accent, LineHeight);
        flow.Y += 6;
    }

    private static void DrawEstimate(PdfFlow flow, CostEstimate estimate, ReportLabels labels, Style style)
    {
        Section(flow, labels.Recommendations, style);
        if (estimate.Recommendations.Count == 0)
        {
            Empty(flow, labels.NoRecommendations, style);
            return;
        }
        string Price(long minor) => new Money(minor, estimate.Currency).Format(labels);
        string Quantity(decimal q) => q.ToString("0.###", CultureInfo.InvariantCulture).Replace(".", labels.DecimalSeparator, StringComparison.Ordinal);

        Column[] columns = [new(labels.Item, flow.Width - 305), new(labels.Priority, 60), new(labels.Quantity, 55, AlignRight: true), new(labels.UnitPrice, 90, AlignRight: true), new(labels.Amount, 100, AlignRight: true)];
        var rows = new List<Cell[]>();
        foreach (var item in estimate.Recommendations)
        {
            var r = item.Recommendation;
            rows.Add(
            [
                new Cell([new Span(Clean(r.Title), style.Bold, style.InkBrush), new Span(Clean(r.Detail), style.Small, style.MutedBrush)]),
                SeverityCell(r.Priority, labels, style),
                Cell.Of(string.Empty, style.Body, style.InkBrush),
                Cell.Of(string.Empty, style.Body, style.InkBrush),
                Cell.Of(Price(item.Amount), style.Bold, style.InkBrush),
            ]);
            foreach (var line in item.Lines)
            {
                var description = line.IsLabor
                    ? labels.Labor
                    : string.IsNullOrWhiteSpace(line.PartNumber) ? Clean(line.Description) : Clean($"{line.Description} ({line.PartNumber})");
                rows.Add(
                [
                    new Cell([new Span(description, style.Body, style.InkBrush)], Indent: 12),
                    Cell.Of(string.Empty, style.Body, style.InkBrush),
                    Cell.Of(line.IsLabor ? $"{Quantity(line.Quantity)} {labels.HoursUnit}" : Quantity(line.Quantity), style.Body, style.InkBrush),
                    Cell.Of(Price(line.UnitPrice), style.Body, style.MutedBrush),
                    Cell.Of(Price(line.Amount), style.Body, style.InkBrush),
                ]);
            }
        }
        flow.Table(columns, rows, style.SmallBold, Accent, LineHeight);

        (string Label, string Value, XFont Font)[] totals =
        [
            (labels.Subtotal, Price(estimate.Subtotal), style.Body),
            ($"{labels.Tax} ({Quantity(estimate.TaxRatePercent)} %)", Price(estimate.Tax), style.Body),
            (labels.Total, Price(estimate.Total), style.TotalFont),
        ];
        flow.EnsureSpace(totals.Length * 13 + 4);
        flow.Y += 4;
        var g = flow.G;
        foreach (var (label, value, font) in totals)
        {
            g.DrawString(Clean(label), font, style.InkBrush, new XRect(flow.Right - 300, flow.Y, 190, 14), XStringFormats.TopRight);
            g.DrawString(value, font, style.InkBrush, new XRect(flow.Right - 105, flow.Y, 101.5, 14), XStringFormats.TopRight);
            flow.Y += 13;
        }
    }

    private static Cell SeverityCell(Severity severity, ReportLabels labels, Style style) =>
        new([new Span(labels.For(severity), style.SmallBold, XBrushes.White, SeverityColour(severity))]);

    private static string VehicleName(VehicleInfo vehicle)
    {
        var year = vehicle.Year?.ToString(CultureInfo.InvariantCulture);
        return Clean(string.Join(' ', new[] { year, vehicle.Make, vehicle.Model }.Where(s => !string.IsNullOrWhiteSpace(s))));
    }

    // Severity palette chosen for white text at WCAG AA contrast (≥ 4.5:1) on each badge.
    private static XColor SeverityColour(Severity severity) => severity switch
    {
        Severity.Info => XColor.FromArgb(0x45, 0x5A, 0x64),
        Severity.Low => XColor.FromArgb(0x2E, 0x7D, 0x32),
        Severity.Medium => XColor.FromArgb(0x9A, 0x67, 0x00),
        Severity.High => XColor.FromArgb(0xC4, 0x41, 0x00),
        _ => XColor.FromArgb(0xB7, 0x1C, 0x1C),
    };

    private static XColor BandColour(HealthBand band) => band switch
    {
        HealthBand.Good => XColor.FromArgb(0x2E, 0x7D, 0x32),
        HealthBand.Fair => XColor.FromArgb(0x9A, 0x67, 0x00),
        HealthBand.Poor => XColor.FromArgb(0xC4, 0x41, 0x00),
        _ => XColor.FromArgb(0xB7, 0x1C, 0x1C),
    };

    private static XColor MonitorColour(MonitorStatus status) => status switch
    {
        MonitorStatus.Complete => XColor.FromArgb(0x2E, 0x7D, 0x32),
        MonitorStatus.Incomplete => XColor.FromArgb(0x9A, 0x67, 0x00),
        _ => XColor.FromArgb(0x75, 0x75, 0x75),
    };

    /// <summary>
    /// Makes caller text safe to lay out: null becomes empty, CR/LF pairs become one line break, tabs become spaces,
    /// other control characters and unpaired surrogates (which PDF text strings cannot carry) are dropped, and a
    /// character cluster the font cannot draw (an emoji, a ZWJ emoji sequence, CJK) becomes one U+FFFD, because PDFsharp
    /// would otherwise drop it without a trace.
    /// </summary>
    internal static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n')
                {
                    builder.Append('\n');
                }
            }
            else if (c == '\t')
            {
                builder.Append(' ');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (!char.IsSurrogate(c) && (!char.IsControl(c) || c == '\n'))
            {
                builder.Append(c);
            }
        }
        var coverage = s_coverage;
        return coverage is null ? builder.ToString() : ReplaceUndrawable(builder.ToString(), coverage);
    }

    private static string ReplaceUndrawable(string text, FontCoverage coverage)
    {
        // Fast path: almost all text is fully covered.
        var allCovered = true;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value != '\n' && !coverage.Covers(rune.Value))
            {
                allCovered = false;
                break;
            }
        }
        if (allCovered)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var drawable = true;
            foreach (var rune in element.EnumerateRunes())
            {
                // Joiners and variation selectors only matter inside a cluster that is replaced as a whole anyway.
                var formatting = rune.Value is 0x200D or 0xFE0E or 0xFE0F or '\n';
                if (!formatting && !coverage.Covers(rune.Value))
                {
                    drawable = false;
                    break;
                }
            }
            builder.Append(drawable ? element : "\uFFFD");
        }
        return builder.ToString();
    }

    private sealed class Style
    {
        private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
        public XFont Title { get; } = Font(16, XFontStyleEx.Bold);
        public XFont Heading { get; } = Font(12, XFontStyleEx.Bold);
        public XFont Body { get; } = Font(8, XFontStyleEx.Regular);
        public XFont Bold { get; } = Font(8, XFontStyleEx.Bold);
        public XFont Italic { get; } = Font(8, XFontStyleEx.Italic);
        public XFont Small { get; } = Font(7, XFontStyleEx.Regular);
        public XFont SmallBold { get; } = Font(7, XFontStyleEx.Bold);
        public XFont Score { get; } = Font(26, XFontStyleEx.Bold);
        public XFont TotalFont { get; } = Font(10, XFontStyleEx.Bold);
        public XBrush InkBrush { get; } = new XSolidBrush(Ink);
        public XBrush MutedBrush { get; } = new XSolidBrush(Muted);
        public XBrush AccentBrush { get; } = new XSolidBrush(Accent);
        public XBrush AlertBrush { get; } = new XSolidBrush(XColor.FromArgb(0xB7, 0x1C, 0x1C));

        // Unicode (Identity-H with a ToUnicode map) so every DejaVu glyph can be drawn and text extraction works.
        private static XFont Font(double size, XFontStyleEx style) => new(DejaVuFontResolver.FamilyName, size, style, Unicode);
    }
}
