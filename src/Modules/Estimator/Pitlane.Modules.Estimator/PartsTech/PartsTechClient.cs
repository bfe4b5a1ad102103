using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Estimator.Pipeline;
using Pitlane.Sourcing.Suppliers;

namespace Pitlane.Modules.Estimator.PartsTech;

/// <summary>The access token PartsTech issued (valid 60 min), shared by every typed client instance.</summary>
public sealed class PartsTechTokenCache
{
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public string? Token { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// PartsTech adapter on its HTTP API (typed HttpClient): POST /oauth/access for a JWT (60 minutes; renewed a minute
/// early), POST /catalog/quote for parts by vehicle and PCdb part type (prices in dollars as floats, availability
/// per store, status IN_STOCK | OUT_OF_STOCK | SPECIAL_ORDER | BACK_ORDER, no ETA field), and punchout
/// (POST /punchout/quote/create → sessionId + redirectUrl; PartsTech later posts the orders to our callback with
/// action SUBMIT_QUOTE or PURCHASE). Errors come as {"error":{"code","message"}}, 429 with x-rate-limit-* headers.
/// </summary>
public sealed class PartsTechClient : IPartsSupplier
{
    /// <summary>PartsTech gives no ETA; an in-stock part from a local store is assumed next-day until it says otherwise.</summary>
    internal static readonly DeliveryOption AssumedDelivery = new("PartsTech store delivery (no ETA given, next day assumed)", 0, new TimeOnly(16, 0), 16 * 60);

    private readonly HttpClient _http;
    private readonly PartsTechOptions _options;
    private readonly PartsTechTokenCache _tokens;
    private readonly TimeProvider _clock;

    public PartsTechClient(HttpClient http, IOptions<EstimatorOptions> options, PartsTechTokenCache tokens, TimeProvider clock)
    {
        _http = http;
        _options = options.Value.PartsTech;
        _tokens = tokens;
        _clock = clock;
    }

    public string Id => "partstech";

    public string Name => "PartsTech";

    public SupplierKind Kind => SupplierKind.PartsTech;

    public async Task<SupplierQuote> QuoteAsync(CatalogQuoteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["searchParams"] = new JsonObject
            {
                ["vehicleParams"] = new JsonObject
                {
                    ["year"] = request.Vehicle.Year, ["make"] = request.Vehicle.Make, ["model"] = request.Vehicle.Model,
                    ["engine"] = request.Vehicle.Engine, ["vin"] = request.Vehicle.Vin,
                },
                ["partTypeIds"] = new JsonArray(request.PartTypes.Select(p => (JsonNode)p.PartTypeId).ToArray()),
            },
        };
        var root = await SendAsync(HttpMethod.Post, "catalog/quote", body, ct);
        var offers = new List<SupplierOffer>();
        foreach (var part in root["parts"]?.AsArray() ?? throw new JsonException("no parts array"))
        {
            if (part is null) continue;
            var price = part["price"] ?? throw new JsonException("part without price");
            var stores = (part["storesAvailability"]?.AsArray() ?? []).Where(s => s is not null).Select(s =>
            {
                var store = s!["store"];
                var id = store is JsonObject o ? o["id"]?.ToString() ?? "" : store?.ToString() ?? "";
                var name = store is JsonObject n ? n["name"]?.GetValue<string>() ?? id : id;
                return new StoreStock(id, name, s["quantity"]?.GetValue<int>() ?? 0);
            }).ToList();
            var status = (part["status"] ?? part["availability"])?.GetValue<string>() switch
            {
                "IN_STOCK" => StockStatus.InStock,
                "SPECIAL_ORDER" => StockStatus.SpecialOrder,
                "BACK_ORDER" => StockStatus.BackOrder,
                "OUT_OF_STOCK" => StockStatus.OutOfStock,
                var other => throw new JsonException($"unknown availability status {other}"),
            };
            var brand = part["brand"] is JsonObject b ? b["name"]?.GetValue<string>() ?? "" : part["brand"]?.GetValue<string>() ?? "";
            var core = Cents(price["core"]);
            offers.Add(new SupplierOffer(
                part["taxonomy"]?["partTypeId"]?.GetValue<int>() ?? throw new JsonException("part without taxonomy.partTypeId"),
                part["partNumber"]?.GetValue<string>() ?? throw new JsonException("part without partNumber"),
                brand, part["partName"]?.GetValue<string>() ?? "", QualityTier.Standard,
                Cents(price["cost"]), Cents(price["list"]), core, 12, status, stores, [AssumedDelivery], [],
                Notes: part["deliveryNotes"]?.GetValue<string>()));
        }
        return new SupplierQuote(Id, "USD", new ShippingTerms(0, null, 0), offers);
    }

    public async Task<SupplierOrderReceipt> PlaceOrderAsync(SupplierOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        var callback = $"{_options.PublicBaseUrl?.TrimEnd('/')}/api/v1/estimator/partstech/callback?secret={Uri.EscapeDataString(_options.CallbackSecret ?? "")}";
        var body = new JsonObject
        {
            ["reference"] = order.Reference,
            ["callbackUrl"] = callback,
            ["parts"] = new JsonArray(order.Lines.Select(l => (JsonNode)new JsonObject
            {
                ["partNumber"] = l.PartNumber, ["store"] = l.StoreId, ["quantity"] = l.Quantity,
            }).ToArray()),
        };
        var root = await SendAsync(HttpMethod.Post, "punchout/quote/create", body, ct);
        var session = root["sessionId"]?.ToString() ?? throw new JsonException("no sessionId");
        return new SupplierOrderReceipt(session, "awaiting purchase in PartsTech", null, root["redirectUrl"]?.GetValue<string>());
    }

    /// <summary>PartsTech reports orders through the punchout callback only; the stored status is the truth.</summary>
    public Task<string> OrderStatusAsync(string supplierOrderId, DateTimeOffset placedAt, DateTimeOffset? expectedAt, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult("awaiting purchase in PartsTech");

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject body, CancellationToken ct)
    {
        var token = await TokenAsync(ct);
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return await ReadAsync(response, ct);
    }

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        await _tokens.Lock.WaitAsync(ct);
        try
        {
            if (_tokens.Token is { } t && _clock.GetUtcNow() < _tokens.ExpiresAt.AddMinutes(-1)) return t;
            var body = new JsonObject
            {
                ["accessType"] = "user",
                ["credentials"] = new JsonObject
                {
                    ["user"] = new JsonObject { ["id"] = _options.UserId, ["key"] = _options.UserKey },
                    ["partner"] = new JsonObject { ["id"] = _options.PartnerId, ["key"] = _options.PartnerKey },
                },
            };
            using var response = await _http.PostAsJsonAsync("oauth/access", body, ct);
            var root = await ReadAsync(response, ct);
            _tokens.Token = root["accessToken"]?.GetValue<string>() ?? throw new JsonException("no accessToken");
            _tokens.ExpiresAt = _clock.GetUtcNow().AddSeconds(root["expiresIn"]?.GetValue<int>() ?? 3600);
            return _tokens.Token;
        }
        finally
        {
            _tokens.Lock.Release();
        }
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var reset = response.Headers.TryGetValues("x-rate-limit-reset", out var r) ? r.FirstOrDefault() : null;
            throw new SupplierException($"PartsTech rate limit reached{(reset is null ? "" : $" (resets {reset})")}");
        }
        if (!response.IsSuccessStatusCode)
        {
            string? message = null;
            try
            {
                message = JsonNode.Parse(text)?["error"]?["message"]?.GetValue<string>();
            }
            catch (JsonException)
            {
                // Not PartsTech's error shape: report the status alone.
            }
            throw new SupplierException($"PartsTech answered {(int)response.StatusCode}{(message is null ? "" : $": {message}")}");
        }
        return JsonNode.Parse(text) ?? throw new JsonException("empty body");
    }

    /// <summary>PartsTech sends dollars as floats; money here is integer cents, rounded half away from zero.</summary>
    internal static long Cents(JsonNode? dollars) =>
        dollars is null ? 0 : (long)Math.Round(dollars.GetValue<decimal>() * 100m, MidpointRounding.AwayFromZero);

    internal static long Cents(decimal dollars) => (long)Math.Round(dollars * 100m, MidpointRounding.AwayFromZero);

    internal static string Format(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
