using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Diagnostics;
using Pitlane.Obd.Simulator;
using Pitlane.Platform.Persistence;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>Health reports over HTTP: shop prices, the report job, the PDF, and the public share link's checks.</summary>
public abstract class ReportTests(PitlaneApp app) : DiagnosticsTestBase(app)
{
    /// <summary>A misfire car scanned by a shop that priced both misfire repairs at 1.5 h × 123.45 USD plus 4 × 40.00 USD of parts.</summary>
    private async Task<(Shop Shop, Guid ScanId, JsonElement Report)> PricedMisfireReportAsync(ElmSimulatorServer sim)
    {
        var shop = await ShopAsync(sim, "Priced");
        var client = shop.Client;
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/diagnostics/shop",
            new { address = "1 Pit Lane, Springfield", phone = "+1 555 0100", currency = "usd", laborRate = 123.45m, taxRatePercent = 10m }, Ct)).StatusCode);
        foreach (var key in new[] { "ignition.coil.replace", "spark-plugs.replace" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/diagnostics/labor-times/{key}", new { name = $"Shop {key}", hours = 1.5m }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/diagnostics/parts",
                new { partNumber = $"PN-{key}", description = $"Part for {key}", unitPrice = 40.00m, laborOperationKey = key, quantity = 4 }, Ct)).StatusCode);
        }
        var scan = await ScanAsync(client, new { vin = Vin, adapterId = shop.AdapterId });
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        var scanId = scan.GetProperty("id").GetGuid();
        return (shop, scanId, await ReportAsync(client, scanId));
    }

    /// <summary>POST /api/v1/scans/{id}/report, then polls GET /api/v1/reports/{id} until ready or failed.</summary>
    internal static async Task<JsonElement> ReportAsync(HttpClient client, Guid scanId)
    {
        var started = await client.PostAsync($"/api/v1/scans/{scanId}/report", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var accepted = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/reports/{id}", started.Headers.Location?.OriginalString);
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        Assert.NotEqual(Guid.Empty, accepted.GetProperty("jobId").GetGuid());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var report = await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct);
            var status = report.GetProperty("status").GetString();
            if (status is "ready" or "failed")
            {
                Assert.True(status == "ready", $"report failed: {report.GetProperty("error")}");
                return report;
            }
            Assert.True(DateTime.UtcNow < deadline, $"report {id} still {status} after 60 s");
            await Task.Delay(100, Ct);
        }
    }

    private HttpClient Anonymous() => App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static string Token(string shareUrl) => shareUrl[(shareUrl.LastIndexOf('/') + 1)..];

    private static string Flip(string token, int index) =>
        string.Concat(token.AsSpan(0, index), token[index] == 'A' ? "B" : "A", token.AsSpan(index + 1));

    /// <summary>The last of 59 characters carries 4 data bits and 2 unused ones: the next character differs only in the unused bits.</summary>
    private static string NextSameBytes(char last)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return alphabet[alphabet.IndexOf(last, StringComparison.Ordinal) + 1].ToString();
    }

    private async Task AssertDeadAsync(string token)
    {
        using var anonymous = Anonymous();
        var page = await anonymous.GetAsync($"/r/{token}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("P0300", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var pdf = await anonymous.GetAsync($"/r/{token}/pdf", Ct);
        Assert.Equal(HttpStatusCode.NotFound, pdf.StatusCode);
        Assert.NotEqual("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
    }

    private async Task AssertAliveAsync(string shareUrl)
    {
        using var anonymous = Anonymous();
        var page = await anonymous.GetAsync(shareUrl, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var pdf = await anonymous.GetAsync($"{shareUrl}/pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Given_misfire_scan_When_reported_Then_PDF_has_codes_VIN_shop_costs_and_QR_of_the_share_link_and_public_page_matches()
    {
        await using var sim = await SimulatorAsync("misfire");
        var (shop, scanId, report) = await PricedMisfireReportAsync(sim);
        var client = shop.Client;
        var id = report.GetProperty("id").GetGuid();
        Assert.Equal(scanId, report.GetProperty("scanId").GetGuid());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("revokedAt").ValueKind);
        var shareUrl = report.GetProperty("shareUrl").GetString()!;
        Assert.StartsWith("http://localhost/r/", shareUrl, StringComparison.Ordinal);
        Assert.True(report.GetProperty("shareExpiresAt").GetDateTime() > DateTime.UtcNow.AddDays(29));
        var shopName = (await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/shop", Ct)).GetProperty("name").GetString()!;

        var download = await client.GetAsync($"/api/v1/reports/{id}/pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"health-report-{Vin}-{DateTime.UtcNow:yyyy-MM-dd}.pdf", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var pdfBytes = await download.Content.ReadAsByteArrayAsync(Ct);
        using var pdf = new PdfTools(pdfBytes);
        var text = pdf.Text();
        Assert.Contains("P0300", text, StringComparison.Ordinal);
        Assert.Contains(Vin, text, StringComparison.Ordinal);
        Assert.Contains(shopName, text, StringComparison.Ordinal);
        Assert.Contains("1 Pit Lane, Springfield", text, StringComparison.Ordinal);
        // 1.5 h × 123.45 USD = 185.175 → 185.18 (half away from zero); parts 4 × 40.00 = 160.00; the repair 345.18.
        Assert.Contains("123.45 USD", text, StringComparison.Ordinal);
        Assert.Contains("185.18 USD", text, StringComparison.Ordinal);
        Assert.Contains("160.00 USD", text, StringComparison.Ordinal);
        Assert.Contains("345.18 USD", text, StringComparison.Ordinal);
        Assert.Contains("shop book time", text, StringComparison.Ordinal);
        Assert.Equal([shareUrl], pdf.DecodeQrCodes());

        using var anonymous = Anonymous();
        var page = await anonymous.GetAsync(shareUrl, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("P0300", html, StringComparison.Ordinal);
        Assert.Contains(Vin, html, StringComparison.Ordinal);
        Assert.Contains("345.18 USD", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
        Assert.Contains("noindex", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/r/{Token(shareUrl)}/pdf\"", html, StringComparison.Ordinal);
        Assert.Contains("Download PDF", html, StringComparison.Ordinal);

        var publicPdf = await anonymous.GetAsync($"/r/{Token(shareUrl)}/pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, publicPdf.StatusCode);
        Assert.Equal("application/pdf", publicPdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", publicPdf.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", publicPdf.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(pdfBytes, await publicPdf.Content.ReadAsByteArrayAsync(Ct));

        var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}/reports", Ct);
        Assert.Equal(id, list[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Given_share_link_When_tampered_truncated_revoked_reshared_or_expired_Then_404_and_only_the_current_link_works()
    {
        await using var sim = await SimulatorAsync("misfire");
        var (shop, _, report) = await PricedMisfireReportAsync(sim);
        var client = shop.Client;
        var id = report.GetProperty("id").GetGuid();
        var shareUrl = report.GetProperty("shareUrl").GetString()!;
        var token = Token(shareUrl);
        await AssertAliveAsync(shareUrl);

        await AssertDeadAsync(Flip(token, token.Length / 2));
        await AssertDeadAsync(Flip(token, token.Length - 1));
        // Every position, and the last character's unused bits in particular (a variant that decodes to the same bytes).
        for (var i = 0; i < token.Length; i++)
        {
            await AssertDeadAsync(Flip(token, i));
        }
        await AssertDeadAsync(string.Concat(token.AsSpan(0, token.Length - 1), NextSameBytes(token[^1])));
        await AssertDeadAsync(token[..^1]);
        await AssertDeadAsync(token[..20]);
        await AssertDeadAsync(token + "A");
        await AssertDeadAsync("not-a-token-at-all");
        await AssertDeadAsync(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(44)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

        // A validly signed token for a report that does not exist, and one whose own expiry has passed.
        var links = App.Service<ReportLinks>();
        await AssertDeadAsync(links.Issue(Guid.NewGuid(), 1, DateTime.UtcNow.AddDays(1)));
        await AssertDeadAsync(links.Issue(id, 1, DateTime.UtcNow.AddSeconds(-1)));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/reports/{id}/revoke", null, Ct)).StatusCode);
        await AssertDeadAsync(token);
        var revoked = await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct);
        Assert.Equal(JsonValueKind.Null, revoked.GetProperty("shareUrl").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revokedAt").ValueKind);

        var reshared = await client.PostAsJsonAsync($"/api/v1/reports/{id}/share", new { days = 7 }, Ct);
        Assert.Equal(HttpStatusCode.OK, reshared.StatusCode);
        var share = await reshared.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var newUrl = share.GetProperty("shareUrl").GetString()!;
        Assert.NotEqual(shareUrl, newUrl);
        Assert.InRange(share.GetProperty("shareExpiresAt").GetDateTime(), DateTime.UtcNow.AddDays(6.9), DateTime.UtcNow.AddDays(7.1));
        await AssertDeadAsync(token);
        await AssertAliveAsync(newUrl);
        Assert.Equal(newUrl, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct)).GetProperty("shareUrl").GetString());
        // The PDF was rendered again: its QR code opens the new link, not the dead one.
        using (var pdf = new PdfTools(await client.GetByteArrayAsync($"/api/v1/reports/{id}/pdf", Ct)))
        {
            Assert.Equal([newUrl], pdf.DecodeQrCodes());
        }

        // Sharing again kills the link before it.
        var again = await (await client.PostAsJsonAsync($"/api/v1/reports/{id}/share", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        await AssertDeadAsync(Token(newUrl));
        var latest = again.GetProperty("shareUrl").GetString()!;
        await AssertAliveAsync(latest);

        // The report's expiry passes (set in the database): the link dies although the token's own date is still ahead.
        var db = App.Service<DiagnosticsDbContext>();
        await db.DiagnosticReports.Where(r => r.Id == id).ExecuteUpdateAsync(set => set.SetProperty(r => r.ShareExpiresAt, DateTime.UtcNow.AddMinutes(-1)), Ct);
        await AssertDeadAsync(Token(latest));
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct)).GetProperty("shareUrl").ValueKind);

        var badDays = await client.PostAsJsonAsync($"/api/v1/reports/{id}/share", new { days = 0 }, Ct);
        Assert.True((await ProblemAsync(badDays, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("days", out _));
    }

    [Fact]
    public async Task Given_simultaneous_reshares_Then_exactly_one_link_is_live()
    {
        await using var sim = await SimulatorAsync("misfire");
        var (shop, _, report) = await PricedMisfireReportAsync(sim);
        var id = report.GetProperty("id").GetGuid();

        // Different lifetimes, so two saves of the same version would leave two different live tokens.
        var answers = await Task.WhenAll(Enumerable.Range(1, 6).Select(days =>
            shop.Client.PostAsJsonAsync($"/api/v1/reports/{id}/share", new { days }, Ct)));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, a.StatusCode.ToString()));
        var urls = new List<string>();
        foreach (var answer in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
        {
            urls.Add((await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("shareUrl").GetString()!);
        }
        Assert.NotEmpty(urls);
        using var anonymous = Anonymous();
        var live = 0;
        foreach (var url in urls)
        {
            live += (await anonymous.GetAsync(url, Ct)).StatusCode == HttpStatusCode.OK ? 1 : 0;
        }
        Assert.Equal(1, live);
        var current = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct);
        Assert.Contains(current.GetProperty("shareUrl").GetString(), urls);
    }

    [Fact]
    public async Task Given_another_organisations_report_Then_every_endpoint_is_404()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        var scanId = scan.GetProperty("id").GetGuid();
        var report = await ReportAsync(shop.Client, scanId);
        var id = report.GetProperty("id").GetGuid();
        var (stranger, _) = await App.NewUserAsync();

        await ProblemAsync(await stranger.GetAsync($"/api/v1/reports/{id}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/reports/{id}/pdf", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsync($"/api/v1/reports/{id}/revoke", null, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/reports/{id}/share", new { }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsync($"/api/v1/scans/{scanId}/report", null, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/scans/{scanId}/reports", Ct), HttpStatusCode.NotFound);
        // The link still works for the owner's customer.
        await AssertAliveAsync(report.GetProperty("shareUrl").GetString()!);
        // Unshared shop: defaults apply and are labelled (no labor rate, generic book times).
        var text = new PdfTools(await shop.Client.GetByteArrayAsync($"/api/v1/reports/{id}/pdf", Ct));
        using (text)
        {
            Assert.Contains("default generic book time", text.Text(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Given_failed_or_running_scan_When_report_requested_Then_409()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        var deadAdapter = await DeadAdapterAsync(shop);
        var failed = await ScanAsync(shop.Client, new { vin = Vin, adapterId = deadAdapter });
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        await ProblemAsync(await shop.Client.PostAsync($"/api/v1/scans/{failed.GetProperty("id").GetGuid()}/report", null, Ct), HttpStatusCode.Conflict);

        // A running scan, written straight to the database so it stays running.
        var db = App.Service<DiagnosticsDbContext>();
        var bay = await db.ScanAdapters.AsNoTracking().FirstAsync(a => a.Id == shop.AdapterId, Ct);
        var running = Scan.Create(bay.OrganizationId, null, Vin, bay, Guid.NewGuid(), DateTime.UtcNow);
        running.Status = ScanStatus.Running;
        db.Scans.Add(running);
        await db.SaveChangesAsync(Ct);
        await ProblemAsync(await shop.Client.PostAsync($"/api/v1/scans/{running.Id}/report", null, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await shop.Client.PostAsync($"/api/v1/scans/{Guid.NewGuid()}/report", null, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_invalid_prices_Then_400_naming_the_field_and_defaults_are_labelled()
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync("Prices");

        async Task Invalid(HttpResponseMessage response, string field)
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        }

        var shop = await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/shop", Ct);
        Assert.True(shop.GetProperty("isDefault").GetBoolean());
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "US", laborRate = 100 }, Ct), "currency");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "US1", laborRate = 100 }, Ct), "currency");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "USD", laborRate = -1 }, Ct), "laborRate");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "USD", laborRate = 10.001m }, Ct), "laborRate");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "JPY", laborRate = 10.5m }, Ct), "laborRate");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "USD", laborRate = 100, taxRatePercent = 101 }, Ct), "taxRatePercent");

        var saved = await client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "eur", laborRate = 95.5m, taxRatePercent = 19 }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var profile = await saved.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("EUR", profile.GetProperty("currency").GetString());
        Assert.Equal(9550, profile.GetProperty("laborRateMinor").GetInt64());
        Assert.False(profile.GetProperty("isDefault").GetBoolean());

        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/thermostat.replace", new { name = "Thermostat", hours = 100.5m }, Ct), "hours");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/thermostat.replace", new { name = "Thermostat", hours = -1 }, Ct), "hours");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/Thermostat.Replace", new { name = "Thermostat", hours = 1 }, Ct), "key");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/thermostat", new { name = "Thermostat", hours = 1 }, Ct), "key");
        await Invalid(await client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/thermostat.replace", new { hours = 1 }, Ct), "name");

        await Invalid(await client.PostAsJsonAsync("/api/v1/diagnostics/parts", new { partNumber = "T-1", description = "Thermostat", unitPrice = -5 }, Ct), "unitPrice");
        await Invalid(await client.PostAsJsonAsync("/api/v1/diagnostics/parts", new { partNumber = "T-1", description = "Thermostat", unitPrice = 5, laborOperationKey = "bad key" }, Ct), "laborOperationKey");
        await Invalid(await client.PostAsJsonAsync("/api/v1/diagnostics/parts", new { partNumber = "T-1", description = "Thermostat", unitPrice = 5, quantity = 0 }, Ct), "quantity");
        await Invalid(await client.PostAsJsonAsync("/api/v1/diagnostics/parts", new { description = "Thermostat", unitPrice = 5 }, Ct), "partNumber");

        var table = await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/labor-times", Ct);
        var thermostat = table.EnumerateArray().Single(l => l.GetProperty("key").GetString() == "thermostat.replace");
        Assert.Equal("default", thermostat.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/thermostat.replace", new { name = "Thermostat (ours)", hours = 2.25m }, Ct)).StatusCode);
        table = await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/labor-times", Ct);
        thermostat = table.EnumerateArray().Single(l => l.GetProperty("key").GetString() == "thermostat.replace");
        Assert.Equal("shop", thermostat.GetProperty("source").GetString());
        Assert.Equal(2.25m, thermostat.GetProperty("hours").GetDecimal());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/diagnostics/labor-times/thermostat.replace", Ct)).StatusCode);
        await ProblemAsync(await client.DeleteAsync("/api/v1/diagnostics/labor-times/thermostat.replace", Ct), HttpStatusCode.NotFound);

        var part = await client.PostAsJsonAsync("/api/v1/diagnostics/parts",
            new { partNumber = "T-1", description = "Thermostat", unitPrice = 24.99m, laborOperationKey = "thermostat.replace" }, Ct);
        Assert.Equal(HttpStatusCode.Created, part.StatusCode);
        var created = await part.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2499, created.GetProperty("unitPriceMinor").GetInt64());
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/diagnostics/parts", new { partNumber = "T-1", description = "Again", unitPrice = 1 }, Ct), HttpStatusCode.Conflict);
        Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/parts", Ct)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/diagnostics/parts/{created.GetProperty("id").GetGuid()}", Ct)).StatusCode);

        // Prices are the organisation's own: a stranger sees the defaults, not these.
        var (stranger, _) = await App.NewUserAsync();
        Assert.True((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/shop", Ct)).GetProperty("isDefault").GetBoolean());
    }
}

/// <summary>
/// pdftotext, pdftoppm (poppler-utils) and zbarimg (zbar-tools) over a downloaded PDF. A missing tool skips, except in CI
/// (PITLANE_REQUIRE_SERVERS=1), where it fails.
/// </summary>
internal sealed class PdfTools : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pitlane-report-").FullName;

    public PdfTools(byte[] pdf)
    {
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        PdfPath = Path.Combine(_directory, "report.pdf");
        File.WriteAllBytes(PdfPath, pdf);
    }

    public string PdfPath { get; }

    public string Text() => Run("pdftotext", "poppler-utils", ["-layout", PdfPath, "-"]);

    /// <summary>Page 1 at 150 dpi, as a phone camera sees a printout.</summary>
    public string[] DecodeQrCodes()
    {
        var prefix = Path.Combine(_directory, "page");
        Run("pdftoppm", "poppler-utils", ["-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", PdfPath, prefix]);
        return Run("zbarimg", "zbar-tools", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", prefix + ".png"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Run(string tool, string package, IEnumerable<string> arguments)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool))))
        {
            ServerRequirement.Unavailable($"{tool} is not installed (apt-get install {package})");
        }
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in 60 s");
        }
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

public sealed class ReportTestsOnSqlite(SqliteApp app) : ReportTests(app), IClassFixture<SqliteApp>;

public sealed class ReportTestsOnPostgres(PostgresApp app) : ReportTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
