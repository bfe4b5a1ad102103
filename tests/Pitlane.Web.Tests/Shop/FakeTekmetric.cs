using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pitlane.Web.Tests.Shop;

/// <summary>
/// An in-process fake of Tekmetric's partner API on Kestrel (real HTTP on loopback), speaking its wire format
/// (WIRE-FACTS.md): POST /oauth/token with HTTP Basic client id:secret and grant_type=client_credentials → a bearer
/// token whose scope names the shop id; GET /shops, and GET /customers, /vehicles, /repair-orders with ?shop=&amp;page=&amp;size=
/// answered as Spring pages {content, totalPages, totalElements, last, number, size}; money in integer cents.
/// It can revoke every token once (the next list call gets 401) and answer 429 with Retry-After once, so the
/// client's renewal and retry are exercised; it counts what it served.
/// </summary>
public sealed class FakeTekmetric : IAsyncDisposable
{
    public const string ClientId = "tm-client-1", ClientSecret = "tm-secret-1";
    public const long ShopId = 4711;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private int _issued;

    /// <summary>The next list request gets 401 (every token issued so far is revoked), once.</summary>
    public bool RevokeTokensOnce { get; set; }

    /// <summary>The next list request gets 429 with Retry-After: 1, once.</summary>
    public bool ThrottleOnce { get; set; }

    public int TokensIssued => _issued;

    public int Throttled { get; private set; }

    public int Unauthorized { get; private set; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public List<JsonObject> Customers { get; } = [];

    public List<JsonObject> Vehicles { get; } = [];

    public List<JsonObject> RepairOrders { get; } = [];

    public string BaseUrl { get; private set; } = "";

    private FakeTekmetric()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/api/v1/oauth/token", async (HttpContext c) =>
        {
            Requests.Enqueue("POST /oauth/token");
            var basic = c.Request.Headers.Authorization.ToString();
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
            var form = c.Request.HasFormContentType ? await c.Request.ReadFormAsync(c.RequestAborted) : null;
            if (form?["grant_type"].ToString() != "client_credentials")
            {
                return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
            }
            if (basic != expected)
            {
                return Results.Json(new { error = "invalid_client", error_description = "Bad credentials" }, statusCode: 401);
            }
            var token = $"tm-token-{Interlocked.Increment(ref _issued)}-{Guid.NewGuid():N}";
            _tokens[token] = true;
            return Results.Json(new { access_token = token, token_type = "bearer", expires_in = 3600, scope = ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        });
        _app.MapGet("/api/v1/shops", (HttpContext c) => Gate(c) ?? Results.Json(new[] { new { id = ShopId, name = "Fake Auto Care", nickname = "FAC", phone = "5550100", email = "shop@fake.test" } }));
        _app.MapGet("/api/v1/customers", (HttpContext c) => Gate(c) ?? Page(c, Customers));
        _app.MapGet("/api/v1/vehicles", (HttpContext c) => Gate(c) ?? Page(c, Vehicles));
        _app.MapGet("/api/v1/repair-orders", (HttpContext c) => Gate(c) ?? Page(c, RepairOrders));
    }

    public static async Task<FakeTekmetric> StartAsync()
    {
        var fake = new FakeTekmetric();
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.TrimEnd('/') + "/api/v1";
        return fake;
    }

    private IResult? Gate(HttpContext c)
    {
        Requests.Enqueue($"GET {c.Request.Path}{c.Request.QueryString}");
        var auth = c.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.ContainsKey(auth["Bearer ".Length..]))
        {
            Unauthorized++;
            return Results.StatusCode(401);
        }
        if (RevokeTokensOnce)
        {
            RevokeTokensOnce = false;
            _tokens.Clear();
            Unauthorized++;
            return Results.StatusCode(401);
        }
        if (ThrottleOnce)
        {
            ThrottleOnce = false;
            Throttled++;
            c.Response.Headers.RetryAfter = "1";
            return Results.Json(new { type = "ERROR", message = "Too many requests" }, statusCode: 429);
        }
        if (c.Request.Path != "/api/v1/shops" && c.Request.Query["shop"].ToString() != ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return Results.Json(new { type = "ERROR", message = "Access denied to shop" }, statusCode: 403);
        }
        return null;
    }

    private static IResult Page(HttpContext c, List<JsonObject> all)
    {
        var page = int.TryParse(c.Request.Query["page"], out var p) ? p : 0;
        var size = int.TryParse(c.Request.Query["size"], out var s) ? Math.Clamp(s, 1, 100) : 20;
        var totalPages = (all.Count + size - 1) / size;
        var content = new JsonArray(all.Skip(page * size).Take(size).Select(o => (JsonNode)o.DeepClone()).ToArray());
        return Results.Json(new JsonObject
        {
            ["content"] = content, ["totalPages"] = totalPages, ["totalElements"] = all.Count, ["last"] = page >= totalPages - 1,
            ["number"] = page, ["size"] = size, ["first"] = page == 0, ["numberOfElements"] = content.Count,
        });
    }

    public static JsonObject Customer(long id, string first, string last, string? email, string? phone, bool business = false, bool deleted = false) => new()
    {
        ["id"] = id, ["firstName"] = first, ["lastName"] = last, ["email"] = email is null ? new JsonArray() : new JsonArray(email),
        ["phone"] = phone is null ? new JsonArray() : new JsonArray(new JsonObject { ["number"] = phone, ["type"] = "Mobile", ["primary"] = true }),
        ["customerType"] = new JsonObject { ["id"] = business ? 2 : 1, ["code"] = business ? "BUSINESS" : "PERSON", ["name"] = business ? "Business" : "Person" },
        ["shopId"] = ShopId, ["okForMarketing"] = true, ["createdDate"] = "2026-01-05T15:00:00Z", ["updatedDate"] = "2026-01-05T15:00:00Z",
        ["deletedDate"] = deleted ? "2026-02-01T00:00:00Z" : null,
    };

    public static JsonObject Vehicle(long id, long customerId, string? vin, int year, string make, string model, string plate) => new()
    {
        ["id"] = id, ["customerId"] = customerId, ["year"] = year, ["make"] = make, ["model"] = model, ["subModel"] = null, ["vin"] = vin,
        ["licensePlate"] = plate, ["color"] = "Blue", ["mileage"] = 42000.0, ["createdDate"] = "2026-01-05T15:00:00Z", ["updatedDate"] = "2026-01-05T15:00:00Z",
        ["deletedDate"] = null,
    };

    /// <summary>A posted RO: one authorised job (labor hours × rate in cents, one part at cost and retail in cents), paid in full.</summary>
    public static JsonObject RepairOrder(long id, int number, long customerId, long vehicleId, int status, long rateCents, decimal hours, long partCost, long partRetail,
        bool? authorized = true, long amountPaid = 0) => new()
    {
        ["id"] = id, ["repairOrderNumber"] = number, ["shopId"] = ShopId,
        ["repairOrderStatus"] = new JsonObject { ["id"] = status, ["code"] = status switch { 1 => "ESTIMATE", 2 => "WORKINPROGRESS", 3 => "COMPLETE", _ => "POSTED" }, ["name"] = "s" },
        ["customerId"] = customerId, ["vehicleId"] = vehicleId, ["milesIn"] = 42000.0, ["completedDate"] = status >= 3 ? "2026-03-02T18:00:00Z" : null,
        ["postedDate"] = status >= 5 ? "2026-03-02T19:00:00Z" : null, ["laborSales"] = 0, ["partsSales"] = 0, ["subletSales"] = 0, ["discountTotal"] = 0,
        ["feeTotal"] = 0, ["taxes"] = 0, ["amountPaid"] = amountPaid, ["totalSales"] = 0,
        ["jobs"] = new JsonArray(new JsonObject
        {
            ["id"] = id * 10, ["name"] = $"Job of RO {number}", ["authorized"] = authorized, ["note"] = "Customer states noise",
            ["labor"] = new JsonArray(new JsonObject { ["id"] = id * 100, ["name"] = "Labor", ["rate"] = rateCents, ["hours"] = hours, ["complete"] = true }),
            ["parts"] = new JsonArray(new JsonObject
            {
                ["id"] = id * 100 + 1, ["quantity"] = 1.0, ["brand"] = "ACME", ["name"] = "Brake pads", ["partNumber"] = "BP-1", ["description"] = null,
                ["cost"] = partCost, ["retail"] = partRetail,
            }),
            ["fees"] = new JsonArray(), ["discounts"] = new JsonArray(), ["laborTotal"] = 0, ["partsTotal"] = 0, ["feeTotal"] = 0, ["discountTotal"] = 0,
            ["subtotal"] = 0, ["archived"] = false, ["completedDate"] = null,
        }),
        ["fees"] = new JsonArray(), ["discounts"] = new JsonArray(), ["customerConcerns"] = new JsonArray(),
        ["createdDate"] = "2026-03-01T14:00:00Z", ["updatedDate"] = "2026-03-02T19:00:00Z", ["deletedDate"] = null,
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
