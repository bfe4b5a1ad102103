using BenchmarkDotNet.Attributes;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Pitlane.Reports;

namespace Pitlane.Benchmarks;

/// <summary>
/// PDF health report render time (issue 5, item 7): a typical one-page report with 5 codes and a 200-code report of
/// several pages. Both include the QR code, font subsetting and the save to bytes, i.e. everything a request pays.
/// </summary>
[MemoryDiagnoser]
public class ReportBenchmarks
{
    private HealthReport _typical = null!;
    private HealthReport _long = null!;

    [GlobalSetup]
    public void Setup()
    {
        _typical = Report(5);
        _long = Report(200);
        // The first render loads the fonts and their cmap coverage once per process; keep that out of the numbers.
        HealthReportRenderer.Render(_typical);
    }

    /// <summary>
    /// The reference: the least a PDFsharp report costs: one A4 page with a title and ten lines of text in the report's
    /// fonts (DejaVu Sans regular and bold, Unicode encoding, so both faces are subset and embedded), saved to bytes.
    /// </summary>
    [Benchmark(Baseline = true)]
    public byte[] Minimal_pdfsharp_page()
    {
        var unicode = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var title = new XFont(DejaVuFontResolver.FamilyName, 16, XFontStyleEx.Bold, unicode);
        var body = new XFont(DejaVuFontResolver.FamilyName, 8, XFontStyleEx.Regular, unicode);
        using var document = new PdfDocument();
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var g = XGraphics.FromPdfPage(page))
        {
            g.DrawString("Vehicle health report WVWZZZ1KZAW000001", title, XBrushes.Black, 40, 60, XStringFormats.TopLeft);
            for (var i = 0; i < 10; i++)
            {
                g.DrawString($"P{300 + i:D4} Cylinder {i % 8 + 1} misfire detected — Hauptstraße 12, 10115 Berlin", body, XBrushes.Black, 40, 100 + (12 * i), XStringFormats.TopLeft);
            }
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    [Benchmark]
    public byte[] Typical_5_codes() => HealthReportRenderer.Render(_typical);

    [Benchmark]
    public byte[] Long_200_codes() => HealthReportRenderer.Render(_long);

    private static HealthReport Report(int codes) => new(
        new ShopHeader("KC Speedshop", "Hauptstraße 12, 10115 Berlin", "+49 30 1234567", new Money(9_500, "EUR")),
        new VehicleInfo("WVWZZZ1KZAW000001", 2010, "Volkswagen", "Golf", 184_250, "B-KC 911"),
        new ScanInfo(new DateTimeOffset(2026, 11, 22, 9, 12, 0, TimeSpan.Zero), "OBDLink MX+", "ISO 15765-4 CAN 11/500"),
        new HealthScore(62, HealthBand.Fair, "Needs attention"),
        Enumerable.Range(0, codes).Select(i => new TroubleCode($"P{300 + i:D4}", i % 2 == 0 ? "Engine (7E8)" : "Transmission (7E9)",
            (DtcKind)(i % 3), $"Cylinder {i % 8 + 1} misfire detected", (Severity)(i % 5),
            "Set when the crankshaft speed fluctuation exceeds the threshold on two drive cycles.")).ToList(),
        [new ReadinessMonitor("Misfire", MonitorStatus.Complete), new ReadinessMonitor("Catalyst", MonitorStatus.Incomplete)],
        [new LiveValue("Engine speed", "812", "rpm", "650–900", true), new LiveValue("Long-term fuel trim B1", "+14.8", "%", "−10 … +10", false)],
        [new Finding("Random misfire on several cylinders.", "Unburnt fuel overheats the catalytic converter.", Severity.High)],
        [new Recommendation("Replace spark plugs", "All four plugs", Severity.High, 1.2m, [new PartLine("Spark plug", "NGK 97968", 4, 1_249)])],
        19m,
        new Uri("https://pitlane.example/r/6f1c2a9e4b7d4e0f8a3b5c6d7e8f9a0b?t=Xk2pQ9vL"),
        new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero));
}
