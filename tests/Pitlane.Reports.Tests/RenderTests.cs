using System.Text;
using System.Text.RegularExpressions;

namespace Pitlane.Reports.Tests;

public class RenderTests
{
    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    [Fact]
    public void Given_typical_report_Then_one_A4_page_of_PDF_1_7_with_vin_codes_descriptions_and_totals_as_text()
    {
        var pdf = HealthReportRenderer.Render(SampleReports.Typical());

        Assert.Equal("%PDF-1.7", Encoding.ASCII.GetString(pdf, 0, 8));
        using var file = new PdfFile(pdf);
        var info = file.Info();
        Assert.Equal("1", info["Pages"]);
        Assert.StartsWith("595 x 842", info["Page size"], StringComparison.Ordinal);
        var text = Flat(file.Text());
        Assert.Contains("WVWZZZ1KZAW000001", text, StringComparison.Ordinal);
        Assert.Contains("KC Speedshop", text, StringComparison.Ordinal);
        Assert.Contains("Hauptstraße 12, 10115 Berlin", text, StringComparison.Ordinal);
        Assert.Contains("2010 Volkswagen Golf", text, StringComparison.Ordinal);
        Assert.Contains("184,250 km", text, StringComparison.Ordinal);
        foreach (var code in SampleReports.Codes(5))
        {
            Assert.Contains(code.Code, text, StringComparison.Ordinal);
            Assert.Contains(code.Description, text, StringComparison.Ordinal);
        }
        Assert.Contains("Random misfire detected on several cylinders.", text, StringComparison.Ordinal);
        Assert.Contains("Needs attention", text, StringComparison.Ordinal);
        // 1.2 h × 95.00 + 4 × 12.49 + 0.75 h × 95.00 = 235.21; 19 % tax 44.69; total 279.90.
        Assert.Contains("114.00 EUR", text, StringComparison.Ordinal);
        Assert.Contains("49.96 EUR", text, StringComparison.Ordinal);
        Assert.Contains("235.21 EUR", text, StringComparison.Ordinal);
        Assert.Contains("44.69 EUR", text, StringComparison.Ordinal);
        Assert.Contains("279.90 EUR", text, StringComparison.Ordinal);
        Assert.Contains(SampleReports.ShareUrl.AbsoluteUri, text, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_report_Then_its_QR_code_decodes_to_the_share_url()
    {
        using var file = new PdfFile(HealthReportRenderer.Render(SampleReports.Typical()));

        Assert.Equal([SampleReports.ShareUrl.AbsoluteUri], file.DecodeQrCodes(page: 1));
    }

    [Fact]
    public void Given_long_share_url_Then_QR_code_still_decodes_and_the_url_is_printed_whole()
    {
        var url = new Uri("https://reports.kc-speedshop.example/share/" + new string('a', 40) + "?token=" + new string('Z', 120) + "&exp=1795000000");
        using var file = new PdfFile(HealthReportRenderer.Render(SampleReports.Typical() with { ShareUrl = url }));

        Assert.Equal([url.AbsoluteUri], file.DecodeQrCodes(page: 1));
        // Wider than the page, so it wraps between characters; joined back it is the whole URL.
        Assert.Contains(url.AbsoluteUri, file.Text().Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_200_codes_Then_every_code_is_printed_once_across_pages_numbered_n_of_m()
    {
        var report = SampleReports.Typical(codeCount: 200);
        using var file = new PdfFile(HealthReportRenderer.Render(report));

        var pages = int.Parse(file.Info()["Pages"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pages, 5, 12);
        for (var page = 1; page <= pages; page++)
        {
            var pageText = file.Text("-f", $"{page}", "-l", $"{page}");
            Assert.Contains($"Page {page} of {pages}", pageText, StringComparison.Ordinal);
            if (page > 1)
            {
                // Running header with the VIN on continuation pages.
                Assert.Contains("WVWZZZ1KZAW000001", pageText, StringComparison.Ordinal);
            }
        }
        var text = file.Text();
        foreach (var code in report.TroubleCodes)
        {
            // Once in the code column and once at the start of its explanation ("P1042: set when…").
            Assert.Equal(2, Regex.Matches(text, $@"\b{code.Code}\b").Count);
        }
        // The table header repeats on every page the table spans.
        Assert.True(Regex.Matches(text, @"\bDescription\b").Count >= pages - 1);
        Assert.Contains("279.90 EUR", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_metadata_Then_title_author_and_dates_come_from_the_model_not_the_clock()
    {
        using var file = new PdfFile(HealthReportRenderer.Render(SampleReports.Typical()));

        var info = file.Info();
        Assert.Equal("Vehicle health report WVWZZZ1KZAW000001", info["Title"]);
        Assert.Equal("KC Speedshop", info["Author"]);
        Assert.Equal("2026-11-22T09:30:00Z", info["CreationDate"]);
        Assert.Equal("2026-11-22T09:30:00Z", info["ModDate"]);
    }

    [Fact]
    public void Given_empty_lists_Then_each_section_says_so_and_no_estimate_is_printed()
    {
        var report = SampleReports.Typical() with { TroubleCodes = [], Readiness = [], LiveValues = [], Findings = [], Recommendations = [] };

        using var file = new PdfFile(HealthReportRenderer.Render(report));

        var text = Flat(file.Text());
        Assert.Contains("No trouble codes reported.", text, StringComparison.Ordinal);
        Assert.Contains("No findings.", text, StringComparison.Ordinal);
        Assert.Contains("The vehicle reported no readiness monitors.", text, StringComparison.Ordinal);
        Assert.Contains("No live values recorded.", text, StringComparison.Ordinal);
        Assert.Contains("No work recommended.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Total", text, StringComparison.Ordinal);
        Assert.Equal([SampleReports.ShareUrl.AbsoluteUri], file.DecodeQrCodes(page: 1));
    }

    [Fact]
    public void Given_very_long_description_and_unbroken_token_Then_text_wraps_inside_the_page_and_continues_on_later_pages()
    {
        var words = string.Join(' ', Enumerable.Range(0, 3000).Select(i => $"word{i}"));
        var token = string.Concat(Enumerable.Repeat("0123456789ABCDEF", 150));
        var codes = new List<TroubleCode>
        {
            new("P0301", "Engine (7E8)", DtcKind.Stored, words + " ENDOFDESCRIPTION", Severity.High, token),
            new("P0302", "Engine (7E8)", DtcKind.Stored, "Cylinder 2 misfire detected", Severity.High, "After the giant row."),
        };
        var report = SampleReports.Typical() with { TroubleCodes = codes };

        using var file = new PdfFile(HealthReportRenderer.Render(report));

        var pages = int.Parse(file.Info()["Pages"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(pages >= 3, $"expected the row to continue over several pages, got {pages}");
        var text = file.Text();
        Assert.Contains("ENDOFDESCRIPTION", text, StringComparison.Ordinal);
        Assert.Contains("word2999", text, StringComparison.Ordinal);
        Assert.Contains("Cylinder 2 misfire detected", text, StringComparison.Ordinal);
        Assert.Contains(token, text.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        // Every word's box ends inside the A4 page minus its 36 pt margin.
        var boxes = Regex.Matches(file.Text("-bbox"), @"xMax=""([0-9.]+)""");
        Assert.NotEmpty(boxes);
        Assert.All(boxes, m => Assert.True(double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 595.28 - 36 + 0.5, m.Value));
    }

    [Fact]
    public void Given_non_Latin_text_covered_by_DejaVu_Then_it_is_extractable_unchanged()
    {
        var report = SampleReports.Typical() with
        {
            Shop = SampleReports.Typical().Shop with { Name = "Autoservis Jørgensen & Łódź", Address = "Škoda-Straße 5, 0150 Oslo" },
            Findings = [new Finding("Датчик кислорода: напряжение не меняется", "Ältere Lambdasonde, Kraftstoffverbrauch steigt", Severity.Medium)],
        };

        var text = Flat(new PdfFile(HealthReportRenderer.Render(report)).Text());

        Assert.Contains("Autoservis Jørgensen & Łódź", text, StringComparison.Ordinal);
        Assert.Contains("Škoda-Straße 5, 0150 Oslo", text, StringComparison.Ordinal);
        Assert.Contains("Датчик кислорода: напряжение не меняется", text, StringComparison.Ordinal);
        Assert.Contains("Ältere Lambdasonde, Kraftstoffverbrauch steigt", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_emoji_and_control_characters_Then_render_succeeds_and_undrawable_clusters_become_a_replacement_character()
    {
        var report = SampleReports.Typical() with
        {
            Findings =
            [
                new Finding("Customer says 🚗💨 smoke\u0000 at idle\r\nand 👨‍👩‍👧 family trips", "Tab\there, lone \uD800 surrogate, 中文", Severity.Low),
            ],
        };

        using var file = new PdfFile(HealthReportRenderer.Render(report));

        var text = Flat(file.Text());
        Assert.Contains("Customer says \uFFFD\uFFFD smoke at idle", text, StringComparison.Ordinal);
        Assert.Contains("and \uFFFD family trips", text, StringComparison.Ordinal);
        Assert.Contains("Tab here, lone surrogate, \uFFFD\uFFFD", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_null_strings_where_the_caller_broke_the_contract_Then_render_does_not_crash()
    {
        var report = SampleReports.Typical() with
        {
            Vehicle = new VehicleInfo("WVWZZZ1KZAW000001", null, null!, null!, null, null),
            Scan = new ScanInfo(SampleReports.GeneratedAt, null!, null!),
            LiveValues = [new LiveValue(null!, null!, null!, null!)],
            Recommendations = [new Recommendation(null!, null!, Severity.Info, 0, [new PartLine(null!, null, 1, 100)])],
        };

        var text = new PdfFile(HealthReportRenderer.Render(report)).Text();

        Assert.Contains("WVWZZZ1KZAW000001", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_translated_labels_Then_captions_page_numbers_and_number_formats_follow_them()
    {
        var labels = ReportLabels.English with
        {
            Title = "Fahrzeug-Gesundheitsbericht",
            PageOfFormat = "Seite {page} von {pages}",
            DecimalSeparator = ",",
            GroupSeparator = ".",
            Total = "Gesamt",
        };
        var report = SampleReports.Typical() with
        {
            Labels = labels,
            Recommendations = [new Recommendation("Zahnriemen", "", Severity.High, 10m, [new PartLine("Satz", null, 1, 100_000)])],
        };

        var text = Flat(new PdfFile(HealthReportRenderer.Render(report)).Text());

        Assert.Contains("Fahrzeug-Gesundheitsbericht", text, StringComparison.Ordinal);
        Assert.Contains("Seite 1 von 1", text, StringComparison.Ordinal);
        Assert.Contains("184.250 km", text, StringComparison.Ordinal);
        // 10 h × 95,00 + 1.000,00 = 1.950,00; 19 % = 370,50; total 2.320,50.
        Assert.Contains("Gesamt 2.320,50 EUR", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Given_score_outside_0_to_100_Then_render_refuses(int score)
    {
        var report = SampleReports.Typical() with { Health = new HealthScore(score, HealthBand.Good, "Good") };

        Assert.Throws<ArgumentOutOfRangeException>(() => HealthReportRenderer.Render(report));
    }

    [Fact]
    public void Given_relative_share_url_Then_render_refuses()
    {
        var report = SampleReports.Typical() with { ShareUrl = new Uri("/r/abc", UriKind.Relative) };

        Assert.Throws<ArgumentException>(() => HealthReportRenderer.Render(report));
    }

    [Fact]
    public void Given_fonts_not_installed_Then_the_error_names_the_file_and_the_package()
    {
        var resolver = new DejaVuFontResolver("/nonexistent/fonts");

        var installed = Assert.Throws<FileNotFoundException>(resolver.EnsureInstalled);
        var load = Assert.Throws<FileNotFoundException>(() => resolver.GetFont(resolver.ResolveTypeface("DejaVu Sans", true, false)!.FaceName));

        Assert.Contains("/nonexistent/fonts/DejaVuSans", installed.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install fonts-dejavu-core", installed.Message, StringComparison.Ordinal);
        Assert.Equal("/nonexistent/fonts/DejaVuSans-Bold.ttf", load.FileName);
        Assert.Null(resolver.ResolveTypeface("Arial", false, false));
    }
}

public class HostileHeaderTests
{
    [Fact]
    public void Given_huge_shop_and_vehicle_texts_Then_the_page_1_boxes_cap_them_and_nothing_leaves_the_page()
    {
        var huge = string.Join(' ', Enumerable.Repeat("Überlange-Werkstattbezeichnung", 400));
        var report = SampleReports.Typical() with
        {
            Shop = SampleReports.Typical().Shop with { Name = huge, Address = huge, Phone = huge },
            Vehicle = SampleReports.Typical().Vehicle with { Make = huge, Plate = new string('X', 3000) },
            Scan = SampleReports.Typical().Scan with { Adapter = huge },
            Health = new HealthScore(0, HealthBand.Critical, huge),
        };

        using var file = new PdfFile(HealthReportRenderer.Render(report));

        var bbox = file.Text("-bbox");
        Assert.All(System.Text.RegularExpressions.Regex.Matches(bbox, @"xMax=""([0-9.]+)"" yMax=""([0-9.]+)"""), m =>
        {
            Assert.True(double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 595.28 - 36 + 0.5, m.Value);
            Assert.True(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) <= 841.89 - 20, m.Value);
        });
        Assert.Contains("WVWZZZ1KZAW000001", bbox, StringComparison.Ordinal);
        Assert.Equal([SampleReports.ShareUrl.AbsoluteUri], file.DecodeQrCodes(page: 1));
    }

    [Fact]
    public void Given_concurrent_renders_Then_each_produces_a_complete_document()
    {
        // PDFsharp's font state is process-wide; a web host renders reports for several requests at once.
        var reports = Enumerable.Range(0, 8).Select(i => SampleReports.Typical(codeCount: 5 + i * 10)).ToArray();

        var pdfs = new byte[reports.Length][];
        Parallel.For(0, reports.Length, i => pdfs[i] = HealthReportRenderer.Render(reports[i]));

        for (var i = 0; i < pdfs.Length; i++)
        {
            using var file = new PdfFile(pdfs[i]);
            Assert.Contains(reports[i].TroubleCodes[^1].Code, file.Text(), StringComparison.Ordinal);
        }
    }
}
