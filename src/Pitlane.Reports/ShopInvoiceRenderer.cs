using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Pitlane.Reports;

/// <summary>One invoice line as printed: description, quantity text, unit and extended amounts.</summary>
public sealed record InvoiceLine(string Description, string Quantity, Money? Unit, Money Amount);

/// <summary>One job of the invoice, with the three Cs.</summary>
public sealed record InvoiceJob(string Title, string? Concern, string? Cause, string? Correction, IReadOnlyList<InvoiceLine> Lines);

/// <summary>A repair shop's invoice: who, which vehicle, the jobs, the totals by line type, what was paid and credited.</summary>
public sealed record ShopInvoice(
    string InvoiceNumber, int RepairOrderNumber, string ShopName, string CustomerName, string? CustomerContact, string Vehicle, int? OdometerKm,
    DateTimeOffset InvoicedAt, IReadOnlyList<InvoiceJob> Jobs, IReadOnlyList<(string Label, Money Amount)> Totals, Money Total,
    IReadOnlyList<(string Label, Money Amount)> Settlements, Money BalanceDue);

public static class ShopInvoiceRenderer
{
    /// <summary>A4 pages (PDF 1.7), DejaVu fonts as the health report; long invoices flow onto further pages.</summary>
    public static byte[] Render(ShopInvoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        HealthReportRenderer.ConfigurePdfSharp();
        using var document = new PdfDocument();
        document.Version = 17;
        document.Info.Title = $"Invoice {invoice.InvoiceNumber}";
        document.Info.Author = invoice.ShopName;
        document.Info.Creator = "Pitlane";
        document.Info.CreationDate = invoice.InvoicedAt.UtcDateTime;
        var title = new XFont(DejaVuFontResolver.FamilyName, 20, XFontStyleEx.Bold);
        var body = new XFont(DejaVuFontResolver.FamilyName, 10, XFontStyleEx.Regular);
        var small = new XFont(DejaVuFontResolver.FamilyName, 9, XFontStyleEx.Italic);
        var bold = new XFont(DejaVuFontResolver.FamilyName, 10, XFontStyleEx.Bold);
        PdfPage page = null!;
        XGraphics g = null!;
        var y = 0.0;
        void NewPage()
        {
            g?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            g = XGraphics.FromPdfPage(page);
            y = 50;
        }
        void Ensure(double height)
        {
            if (y + height > page.Height.Point - 50)
            {
                NewPage();
            }
        }
        void Row(string left, string? middle, string? unit, string right, XFont font)
        {
            Ensure(16);
            var width = page.Width.Point;
            g.DrawString(Fit(left, 52), font, XBrushes.Black, new XPoint(50, y));
            if (middle is not null)
            {
                g.DrawString(middle, font, XBrushes.Black, new XRect(300, y - 10, 60, 14), XStringFormats.TopRight);
            }
            if (unit is not null)
            {
                g.DrawString(unit, font, XBrushes.Black, new XRect(360, y - 10, 90, 14), XStringFormats.TopRight);
            }
            g.DrawString(right, font, XBrushes.Black, new XRect(450, y - 10, width - 500, 14), XStringFormats.TopRight);
            y += 16;
        }
        void Text(string text, XFont font)
        {
            foreach (var chunk in Wrap(text, 95))
            {
                Ensure(14);
                g.DrawString(chunk, font, XBrushes.Black, new XPoint(60, y));
                y += 14;
            }
        }
        NewPage();
        g.DrawString("Invoice", title, XBrushes.Black, new XPoint(50, y));
        y += 30;
        Row(invoice.ShopName, null, null, invoice.InvoiceNumber, bold);
        Row($"Repair order {invoice.RepairOrderNumber}", null, null, invoice.InvoicedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), body);
        Row($"Customer: {invoice.CustomerName}", null, null, invoice.CustomerContact ?? "", body);
        Row($"Vehicle: {invoice.Vehicle}", null, null, invoice.OdometerKm is { } km ? $"{km.ToString("N0", CultureInfo.InvariantCulture)} km" : "", body);
        y += 8;
        foreach (var job in invoice.Jobs)
        {
            Ensure(40);
            g.DrawLine(XPens.LightGray, 50, y - 10, page.Width.Point - 50, y - 10);
            Row(job.Title, null, null, "", bold);
            if (job.Concern is not null)
            {
                Text($"Concern: {job.Concern}", small);
            }
            if (job.Cause is not null)
            {
                Text($"Cause: {job.Cause}", small);
            }
            if (job.Correction is not null)
            {
                Text($"Correction: {job.Correction}", small);
            }
            foreach (var line in job.Lines)
            {
                Row("  " + line.Description, line.Quantity, line.Unit?.ToString(), line.Amount.ToString(), body);
            }
            y += 4;
        }
        y += 8;
        Ensure(20 * (invoice.Totals.Count + invoice.Settlements.Count + 3));
        g.DrawLine(XPens.Gray, 50, y - 10, page.Width.Point - 50, y - 10);
        foreach (var (label, amount) in invoice.Totals)
        {
            Row(label, null, null, amount.ToString(), body);
        }
        Row("Total", null, null, invoice.Total.ToString(), bold);
        foreach (var (label, amount) in invoice.Settlements)
        {
            Row(label, null, null, "−" + amount, body);
        }
        Row("Balance due", null, null, invoice.BalanceDue.ToString(), bold);
        g.Dispose();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static string Fit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length + word.Length + 1 > width && line.Length > 0)
            {
                yield return line;
                line = "";
            }
            line = line.Length == 0 ? word : line + " " + word;
        }
        if (line.Length > 0)
        {
            yield return line;
        }
    }
}
