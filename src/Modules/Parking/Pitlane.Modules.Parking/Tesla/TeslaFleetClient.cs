using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pitlane.Modules.Parking.Tesla;

/// <summary>Tokens from Tesla's OAuth token endpoint; every refresh returns a new refresh token (rotation).</summary>
public sealed record TeslaTokens(string AccessToken, string RefreshToken, DateTime ExpiresAt);

public sealed record TeslaVehicle(long Id, string Vin, string? DisplayName, string State);

public sealed record TeslaLocation(double Latitude, double Longitude, double? HeadingDegrees, DateTime? At);

public enum TeslaCallStatus
{
    Ok,
    /// <summary>408: the car sleeps or is offline; a wake_up was sent.</summary>
    Asleep,
    /// <summary>429: slow down until <c>RetryAfter</c>.</summary>
    RateLimited,
    /// <summary>401: the access token is no longer valid.</summary>
    Unauthorized,
    /// <summary>403: a scope is missing (vehicle_location for location, vehicle_cmds for navigation).</summary>
    MissingScope,
    Failed,
}

public sealed record TeslaResult<T>(TeslaCallStatus Status, T? Value = default, TimeSpan? RetryAfter = null, string? Error = null);

/// <summary>
/// Tesla Fleet API over HTTP: OAuth 2.0 authorization code with PKCE (RFC 7636, S256) at auth.tesla.com, tokens from
/// fleet-auth.prd.vn.cloud.tesla.com, and the owner's vehicles under /api/1 with the {"response": ...} envelope.
/// Handles 408 (asleep: wake_up), 429 (Retry-After), and 421 (the account lives in another region: ask
/// /api/1/users/region for the right base URL and retry there once).
/// </summary>
public sealed class TeslaFleetClient(HttpClient http, TeslaOptions options)
{
    /// <summary>The scopes Pitlane asks for: identity, refresh, the vehicle list, its location, and commands (navigation).</summary>
    public const string Scopes = "openid offline_access user_data vehicle_device_data vehicle_location vehicle_cmds";

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string AuthorizeUrl(string state, string challenge, string redirectUri) =>
        $"{options.AuthorizeUrl}?response_type=code&client_id={Uri.EscapeDataString(options.ClientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
        $"&scope={Uri.EscapeDataString(Scopes)}&state={Uri.EscapeDataString(state)}&code_challenge={challenge}&code_challenge_method=S256&prompt_missing_scopes=true";

    public Task<TeslaTokens?> ExchangeCodeAsync(string code, string verifier, string redirectUri, DateTime now, CancellationToken ct) => TokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = "authorization_code",
        ["client_id"] = options.ClientId,
        ["client_secret"] = options.ClientSecret,
        ["code"] = code,
        ["code_verifier"] = verifier,
        ["redirect_uri"] = redirectUri,
        ["audience"] = options.ApiBaseUrl,
    }, now, ct);

    public Task<TeslaTokens?> RefreshAsync(string refreshToken, DateTime now, CancellationToken ct) => TokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = "refresh_token",
        ["client_id"] = options.ClientId,
        ["refresh_token"] = refreshToken,
    }, now, ct);

    private async Task<TeslaTokens?> TokenAsync(Dictionary<string, string> form, DateTime now, CancellationToken ct)
    {
        using var response = await http.PostAsync(options.TokenUrl, new FormUrlEncodedContent(form), ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var body = await ReadAsync<TokenBody>(response, ct);
        return body is { AccessToken: { Length: > 0 } access, RefreshToken: { Length: > 0 } refresh }
            ? new TeslaTokens(access, refresh, now.AddSeconds(Math.Clamp(body.ExpiresIn, 60, 86_400)))
            : null;
    }

    public async Task<TeslaResult<IReadOnlyList<TeslaVehicle>>> VehiclesAsync(string baseUrl, string accessToken, CancellationToken ct)
    {
        var (status, json, retry, error) = await SendAsync(HttpMethod.Get, baseUrl, "/api/1/vehicles", accessToken, null, ct);
        if (status != TeslaCallStatus.Ok)
        {
            return new(status, null, retry, error);
        }
        var list = new List<TeslaVehicle>();
        if (json is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var v in array.EnumerateArray())
            {
                if (v.TryGetProperty("vin", out var vin) && vin.ValueKind == JsonValueKind.String && vin.GetString() is { Length: 17 } vinText)
                {
                    list.Add(new TeslaVehicle(v.TryGetProperty("id", out var id) && id.TryGetInt64(out var n) ? n : 0, vinText,
                        v.TryGetProperty("display_name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
                        v.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString()! : "unknown"));
                }
            }
        }
        return new(TeslaCallStatus.Ok, list);
    }

    /// <summary>GET vehicle_data?endpoints=location_data: drive_state.latitude/longitude (needs the vehicle_location scope). A sleeping car is woken.</summary>
    public async Task<TeslaResult<TeslaLocation>> LocationAsync(string baseUrl, string accessToken, string vin, CancellationToken ct)
    {
        var (status, json, retry, error) = await SendAsync(HttpMethod.Get, baseUrl, $"/api/1/vehicles/{Uri.EscapeDataString(vin)}/vehicle_data?endpoints=location_data", accessToken, null, ct);
        if (status == TeslaCallStatus.Asleep)
        {
            await SendAsync(HttpMethod.Post, baseUrl, $"/api/1/vehicles/{Uri.EscapeDataString(vin)}/wake_up", accessToken, null, ct);
            return new(TeslaCallStatus.Asleep, null, retry, error);
        }
        if (status != TeslaCallStatus.Ok)
        {
            return new(status, null, retry, error);
        }
        if (json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("drive_state", out var drive) && drive.ValueKind == JsonValueKind.Object
            && drive.TryGetProperty("latitude", out var lat) && lat.TryGetDouble(out var latitude) && latitude is >= -90 and <= 90
            && drive.TryGetProperty("longitude", out var lon) && lon.TryGetDouble(out var longitude) && longitude is >= -180 and <= 180)
        {
            double? heading = drive.TryGetProperty("heading", out var h) && h.TryGetDouble(out var hv) ? hv : null;
            DateTime? at = drive.TryGetProperty("timestamp", out var t) && t.TryGetInt64(out var ms) && ms is > 0 and < 32_503_680_000_000
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;
            return new(TeslaCallStatus.Ok, new TeslaLocation(latitude, longitude, heading, at));
        }
        return new(TeslaCallStatus.Failed, null, null, "vehicle_data had no drive_state location (is the vehicle_location scope granted?).");
    }

    /// <summary>POST command/navigation_gps_request {lat, lon, order}: the spot becomes the car's destination.</summary>
    public async Task<TeslaResult<bool>> NavigateAsync(string baseUrl, string accessToken, string vin, double latitude, double longitude, CancellationToken ct)
    {
        var (status, json, retry, error) = await SendAsync(HttpMethod.Post, baseUrl, $"/api/1/vehicles/{Uri.EscapeDataString(vin)}/command/navigation_gps_request", accessToken,
            new { lat = latitude, lon = longitude, order = 0 }, ct);
        if (status == TeslaCallStatus.Asleep)
        {
            await SendAsync(HttpMethod.Post, baseUrl, $"/api/1/vehicles/{Uri.EscapeDataString(vin)}/wake_up", accessToken, null, ct);
        }
        var ok = status == TeslaCallStatus.Ok && json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.True;
        return new(ok ? TeslaCallStatus.Ok : status == TeslaCallStatus.Ok ? TeslaCallStatus.Failed : status, ok, retry,
            error ?? (json is { ValueKind: JsonValueKind.Object } reason && reason.TryGetProperty("reason", out var why) ? why.ToString() : null));
    }

    /// <summary>The region's base URL after a 421 (GET /api/1/users/region).</summary>
    public string? LastRegionBaseUrl { get; private set; }

    private async Task<(TeslaCallStatus, JsonElement?, TimeSpan?, string?)> SendAsync(HttpMethod method, string baseUrl, string path, string token, object? body, CancellationToken ct, bool retried = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(baseUrl), path));
        request.Headers.Authorization = new("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await http.SendAsync(request, ct);
        var envelope = await ReadAsync<Envelope>(response, ct);
        switch ((int)response.StatusCode)
        {
            case >= 200 and < 300:
                return (TeslaCallStatus.Ok, envelope?.Response, null, null);
            case 408:
                return (TeslaCallStatus.Asleep, null, TimeSpan.FromSeconds(30), envelope?.Error ?? "vehicle unavailable");
            case 429:
                var after = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
                return (TeslaCallStatus.RateLimited, null, after is { } a && a > TimeSpan.Zero ? a : TimeSpan.FromMinutes(1), envelope?.Error ?? "rate limited");
            case 421 when !retried:
                using (var region = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl), "/api/1/users/region")))
                {
                    region.Headers.Authorization = new("Bearer", token);
                    using var regionResponse = await http.SendAsync(region, ct);
                    var regionBody = await ReadAsync<Envelope>(regionResponse, ct);
                    if (regionBody?.Response is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("fleet_api_base_url", out var url)
                        && url.ValueKind == JsonValueKind.String && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var next)
                        && (next.Scheme == Uri.UriSchemeHttps || options.AllowHttp))
                    {
                        LastRegionBaseUrl = next.GetLeftPart(UriPartial.Authority);
                        return await SendAsync(method, LastRegionBaseUrl, path, token, body, ct, retried: true);
                    }
                }
                return (TeslaCallStatus.Failed, null, null, "wrong region and no region answer");
            case 401:
                return (TeslaCallStatus.Unauthorized, null, null, envelope?.Error ?? "token expired");
            case 403:
                return (TeslaCallStatus.MissingScope, null, null, envelope?.Error ?? "missing scope");
            default:
                return (TeslaCallStatus.Failed, null, null, envelope?.Error ?? $"HTTP {(int)response.StatusCode}");
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) where T : class
    {
        try
        {
            return response.Content.Headers.ContentLength is 0 ? null : await response.Content.ReadFromJsonAsync<T>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // Not JSON at all (an HTML error page from a proxy).
            return null;
        }
    }

    private sealed record Envelope([property: JsonPropertyName("response")] JsonElement? Response, [property: JsonPropertyName("error")] string? Error);

    private sealed record TokenBody(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
