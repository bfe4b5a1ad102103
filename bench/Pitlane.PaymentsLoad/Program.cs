using System.Diagnostics;
using System.Globalization;

using System.Net.Http.Json;
using System.Text.Json;

// Usage: Pitlane.PaymentsLoad <base-url> [operations-per-phase=400] [concurrency=8] [rounds=2]
// Signs up a fresh merchant, then alternates phases on the same endpoints, so both sides see the same database state:
//   holds:   POST /api/v1/payments/intents (manual capture, confirmed with pm_card_visa)  — setup, not measured
//   capture: POST /api/v1/payments/intents/{id}/capture — measured, with and without Idempotency-Key
//   charge:  POST /api/v1/payments/intents (automatic capture) — measured, with and without Idempotency-Key
// Each measured call writes a journal entry (7 lines). Prints one line per phase and checks the ledger balance.
var baseUrl = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5190");
var perPhase = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
var email = $"bench-{Guid.NewGuid():N}@example.test";
(await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "Correct-horse-9", displayName = "Bench" })).EnsureSuccessStatusCode();
var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Correct-horse-9" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
http.DefaultRequestHeaders.Authorization = new("Bearer", token);

async Task<(double PerSecond, double P50, double P95, int Errors)> Run(int count, Func<int, Task<HttpResponseMessage>> call)
{
    var latencies = new double[count];
    var errors = 0;
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await call(i);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }));
    var seconds = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return (count / seconds, latencies[count / 2], latencies[(int)(count * 0.95)], errors);
}

async Task<List<Guid>> Holds(int count)
{
    var ids = new Guid[count];
    await Run(count, async i =>
    {
        var response = await http.PostAsJsonAsync("/api/v1/payments/intents", new { amount = 5_000 + i, currency = "usd", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true });
        ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return response;
    });
    return [.. ids];
}

HttpRequestMessage Post(string path, object body, bool keyed)
{
    var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
    if (keyed)
    {
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
    }
    return request;
}

// Warm-up: JIT, connection pools, the first account rows.
var warm = await Holds(20);
await Run(warm.Count, i => http.SendAsync(Post($"/api/v1/payments/intents/{warm[i]}/capture", new { }, keyed: i % 2 == 0)));

Console.WriteLine($"phase,idempotency_key,operations,per_second,p50_ms,p95_ms,errors");
for (var round = 1; round <= rounds; round++)
{
    foreach (var keyed in new[] { false, true })
    {
        var holds = await Holds(perPhase);
        var capture = await Run(perPhase, i => http.SendAsync(Post($"/api/v1/payments/intents/{holds[i]}/capture", new { }, keyed)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"capture,{(keyed ? "yes" : "no")},{perPhase},{capture.PerSecond:F1},{capture.P50:F1},{capture.P95:F1},{capture.Errors}"));
    }
    foreach (var keyed in new[] { false, true })
    {
        var charge = await Run(perPhase, i => http.SendAsync(Post("/api/v1/payments/intents", new { amount = 2_000 + i, currency = "usd", paymentMethod = "pm_card_visa", confirm = true }, keyed)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"charge,{(keyed ? "yes" : "no")},{perPhase},{charge.PerSecond:F1},{charge.P50:F1},{charge.P95:F1},{charge.Errors}"));
    }
}
var balance = await http.GetFromJsonAsync<JsonElement>("/api/v1/payments/balance");
var payable = balance.GetProperty("accounts").EnumerateArray().Where(a => a.GetProperty("code").GetString() == "payee_payable").Sum(a => a.GetProperty("balance").GetInt64());
var intents = await http.GetFromJsonAsync<JsonElement>("/api/v1/payments/intents?status=succeeded&pageSize=1");
Console.WriteLine($"# succeeded intents {intents.GetProperty("total").GetInt32()}, payee_payable {payable}");
return 0;
