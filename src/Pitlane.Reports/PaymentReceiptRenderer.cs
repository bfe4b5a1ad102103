using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Pitlane.Reports;

/// <summary>A payment receipt: who was paid, how much, with which card, what was refunded since.</summary>
public sealed record PaymentReceipt(
    string ReceiptNumber, string PayeeName, string? Description, DateTimeOffset PaidAt, Money Paid, Money Refunded,
    string? CardBrand, string? CardLast4, IReadOnlyList<(DateTimeOffset At, Money Amount)> Refunds);

public static class PaymentReceiptRenderer
{
    /// <summary>Renders one A4 page (PDF 1.7) with the DejaVu fonts of the health report.</summary>
    public static byte[] Render(PaymentReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        HealthReportRenderer.ConfigurePdfSharp();
        using var document = new PdfDocument();
        document.Version = 17;
        document.Info.Title = $"Receipt {receipt.ReceiptNumber}";
        document.Info.Author = receipt.PayeeName;
        document.Info.Creator = "Pitlane";
        document.Info.CreationDate = receipt.PaidAt.UtcDateTime;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var g = XGraphics.FromPdfPage(page))
        {
            var title = new XFont(DejaVuFontResolver.FamilyName, 20, XFontStyleEx.Bold);
            var body = new XFont(DejaVuFontResolver.FamilyName, 11, XFontStyleEx.Regular);
            var bold = new XFont(DejaVuFontResolver.FamilyName, 11, XFontStyleEx.Bold);
            var y = 60.0;
            void Line(string left, string right, XFont font)
            {
                g.DrawString(left, font, XBrushes.Black, new XPoint(50, y));
                g.DrawString(right, font, XBrushes.Black, new XRect(50, y - 11, page.Width.Point - 100, 14), XStringFormats.TopRight);
                y += 20;
            }
            g.DrawString("Receipt", title, XBrushes.Black, new XPoint(50, y));
            y += 36;
            Line("Paid to", receipt.PayeeName, body);
            Line("Receipt number", receipt.ReceiptNumber, body);
            Line("Date paid", receipt.PaidAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture), body);
            if (receipt.CardLast4 is not null)
            {
                Line("Payment method", $"{receipt.CardBrand} ···· {receipt.CardLast4}", body);
            }
            if (receipt.Description is not null)
            {
                Line("For", receipt.Description, body);
            }
            y += 10;
            g.DrawLine(XPens.Gray, 50, y - 12, page.Width.Point - 50, y - 12);
            Line("Amount paid", receipt.Paid.ToString(), bold);
            foreach (var (at, amount) in receipt.Refunds)
            {
                Line($"Refunded {at.UtcDateTime:yyyy-MM-dd}", "−" + amount, body);
            }
            if (receipt.Refunded.MinorUnits > 0)
            {
                Line("Net", new Money(receipt.Paid.MinorUnits - receipt.Refunded.MinorUnits, receipt.Paid.Currency).ToString(), bold);
            }
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}
