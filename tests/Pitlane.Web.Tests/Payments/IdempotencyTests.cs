using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>Idempotency-Key on the payments API with Stripe's semantics, over HTTP on SQLite and PostgreSQL.</summary>
public abstract class IdempotencyTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private static HttpRequestMessage Keyed(string key, object body, string path = "/api/v1/payments/intents")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task Given_20_concurrent_requests_with_one_key_Then_one_intent_and_one_charge()
    {
        var client = await MerchantAsync();
        var key = $"order-{Guid.NewGuid():N}";
        var body = new { amount = 2500, currency = "usd", paymentMethod = "pm_card_visa", confirm = true };

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync(Ct);
            return await client.SendAsync(Keyed(key, body), Ct);
        }).ToList();
        start.Release(20);
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{r.StatusCode}"));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        var ids = new HashSet<Guid>();
        foreach (var response in created)
        {
            ids.Add(Id(await Json(response, HttpStatusCode.Created)));
        }
        Assert.Single(ids);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("idempotency_key_in_use", (await ProblemAsync(conflict, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/payments/intents", Ct);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var intent = list.GetProperty("items")[0];
        Assert.Equal("succeeded", Status(intent));
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var processorId = intent.GetProperty("processorId").GetString();
        Assert.Equal(1, await db.SimBalanceTransactions.CountAsync(t => t.Type == "charge" && t.Source == processorId, Ct));
        Assert.Equal(1, await db.JournalEntries.CountAsync(e => e.Kind == "capture" && e.ReferenceId == ids.Single(), Ct));

        // Afterwards the key replays the stored answer.
        var replay = await client.SendAsync(Keyed(key, body), Ct);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(ids.Single(), Id(await Json(replay, HttpStatusCode.Created)));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_same_key_and_changed_body_Then_400_idempotency_error_and_nothing_created()
    {
        var client = await MerchantAsync();
        var key = Guid.NewGuid().ToString();
        var first = await client.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct);
        var original = await Json(first, HttpStatusCode.Created);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var changed = await client.SendAsync(Keyed(key, new { amount = 1001, currency = "usd" }), Ct);
        var problem = await ProblemAsync(changed, HttpStatusCode.BadRequest);
        Assert.Equal("idempotency_error", problem.GetProperty("type").GetString());

        var replay = await client.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(original.GetRawText(), (await Json(replay, HttpStatusCode.Created)).GetRawText());
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/payments/intents", Ct);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_validation_failure_with_key_Then_it_is_not_stored_and_the_fixed_request_runs()
    {
        var client = await MerchantAsync();
        var key = Guid.NewGuid().ToString();
        await ProblemAsync(await client.SendAsync(Keyed(key, new { amount = 10, currency = "usd" }), Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.SendAsync(Keyed(key, new { amount = 10, currency = "usd" }), Ct), HttpStatusCode.BadRequest);
        var fixedResponse = await client.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct);
        await Json(fixedResponse, HttpStatusCode.Created);
        Assert.False(fixedResponse.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Given_key_of_another_caller_Then_it_is_theirs_alone()
    {
        var alice = await MerchantAsync("Alice");
        var bob = await MerchantAsync("Bob");
        var key = Guid.NewGuid().ToString();
        var a = await Json(await alice.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct), HttpStatusCode.Created);
        var bobResponse = await bob.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct);
        var b = await Json(bobResponse, HttpStatusCode.Created);
        Assert.False(bobResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(Id(a), Id(b));
    }

    [Fact]
    public async Task Given_overlong_key_Then_400_naming_the_header()
    {
        var client = await MerchantAsync();
        var problem = await ProblemAsync(await client.SendAsync(Keyed(new string('k', 256), new { amount = 1000, currency = "usd" }), Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task Given_expired_key_Then_the_request_runs_again()
    {
        var client = await MerchantAsync();
        var key = Guid.NewGuid().ToString();
        var first = Id(await Json(await client.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct), HttpStatusCode.Created));
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            var old = DateTime.UtcNow.AddHours(-25);
            Assert.Equal(1, await db.IdempotencyKeys.Where(k => k.Key == key).ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, old), Ct));
        }
        var again = await client.SendAsync(Keyed(key, new { amount = 1000, currency = "usd" }), Ct);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first, Id(await Json(again, HttpStatusCode.Created)));
    }
}

public sealed class IdempotencyTestsOnSqlite(SqliteApp app) : IdempotencyTests(app), IClassFixture<SqliteApp>;

public sealed class IdempotencyTestsOnPostgres(PostgresApp app) : IdempotencyTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
