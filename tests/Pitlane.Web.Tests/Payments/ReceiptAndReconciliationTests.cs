using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>A person's receipts (list and PDF) and the reconciliation job, over HTTP on SQLite and PostgreSQL.</summary>
public abstract class ReceiptAndReconciliationTests(PitlaneApp app) : PaymentsTestBase(app)
{
    [Fact]
    public async Task Given_person_paid_Then_their_receipt_lists_and_renders_as_PDF_and_nobody_else_sees_it()
    {
        var shop = await MerchantAsync("Shop");
        var (customer, _) = await App.NewUserAsync("Customer");
        var customerId = (await customer.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("id").GetGuid();
        var paid = await PayAsync(shop, new { amount = 8_900, currency = "eur", paymentMethod = "pm_card_visa", confirm = true, customerId, description = "Oil change" });
        await PostAsync(shop, $"/api/v1/payments/intents/{Id(paid)}/refunds", new { amount = 900 });

        var receipts = await customer.GetFromJsonAsync<JsonElement>("/api/v1/me/payments", Ct);
        var receipt = Assert.Single(receipts.GetProperty("items").EnumerateArray());
        Assert.Equal(8_900, receipt.GetProperty("amount").GetInt64());
        Assert.Equal(900, receipt.GetProperty("refunded").GetInt64());
        Assert.Equal("visa ···· 4242", receipt.GetProperty("card").GetString());

        var pdf = await customer.GetAsync($"/api/v1/me/payments/{Id(paid)}/receipt.pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-1.7", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync(Ct))[..8]));

        var (stranger, _) = await App.NewUserAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/me/payments/{Id(paid)}/receipt.pdf", Ct), HttpStatusCode.NotFound);
        Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/v1/me/payments", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_ledger_matches_processor_Then_reconciliation_reports_no_difference_and_finds_a_wrong_fee()
    {
        var shop = await MerchantAsync("Reconciled");
        var paid = await PayAsync(shop, new { amount = 10_000, currency = "usd", paymentMethod = "pm_card_visa", confirm = true });
        await PostAsync(shop, $"/api/v1/payments/intents/{Id(paid)}/refunds", new { amount = 1_000 });
        await DeliverWebhooksAsync();

        var clean = await ReconcileAsync(shop);
        Assert.Equal(0, clean.GetProperty("differences").GetArrayLength());
        Assert.Equal(2, clean.GetProperty("matched").GetInt32());

        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            var processorId = paid.GetProperty("processorId").GetString();
            await db.SimBalanceTransactions.Where(t => t.Source == processorId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Fee, t => t.Fee + 1), Ct);
        }
        var dirty = await ReconcileAsync(shop);
        var difference = Assert.Single(dirty.GetProperty("differences").EnumerateArray());
        Assert.Equal("fee_mismatch", difference.GetProperty("kind").GetString());

        var (stranger, _) = await App.NewUserAsync("Nosy");
        var theirs = await ReconcileAsync(stranger);
        Assert.Equal(0, theirs.GetProperty("matched").GetInt32());
        Assert.Equal(0, theirs.GetProperty("differences").GetArrayLength());
    }

    private static async Task<JsonElement> ReconcileAsync(HttpClient client)
    {
        var accepted = await Json(await client.PostAsJsonAsync("/api/v1/payments/reconciliations", new { }, Ct), HttpStatusCode.Accepted);
        var jobId = accepted.GetProperty("jobId").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}", Ct);
            if (job.GetProperty("state").GetString() == "succeeded")
            {
                return job.GetProperty("result");
            }
            Assert.True(job.GetProperty("state").GetString() is not ("dead" or "cancelled"), job.GetRawText());
            Assert.True(DateTime.UtcNow < deadline, "the reconciliation job did not end");
            await Task.Delay(100, Ct);
        }
    }
}

public sealed class ReceiptAndReconciliationTestsOnSqlite(SqliteApp app) : ReceiptAndReconciliationTests(app), IClassFixture<SqliteApp>;

public sealed class ReceiptAndReconciliationTestsOnPostgres(PostgresApp app) : ReceiptAndReconciliationTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
