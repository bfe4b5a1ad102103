using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pitlane.Modules.Shop.Imports.Tekmetric;

/// <summary>A Tekmetric answer that retrying will not fix (bad credentials, no access to the shop, a malformed page).</summary>
public sealed class TekmetricException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>One import's way into Tekmetric: where, as whom, and the bearer token once issued.</summary>
public sealed class TekmetricSession(string baseUrl, string clientId, string clientSecret)
{
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public string ClientId { get; } = clientId;

    internal string ClientSecret { get; } = clientSecret;

    internal string? Token { get; set; }

    /// <summary>The shop ids the token's scope names.</summary>
    public IReadOnlyList<long> ScopeShopIds { get; internal set; } = [];
}

/// <summary>
/// Tekmetric's partner API as a typed HttpClient. OAuth 2.0 client credentials: POST {base}/oauth/token with HTTP Basic
/// client id:secret and grant_type=client_credentials (RFC 6749 §4.4) gives a bearer token whose scope lists the shop
/// ids it may read. Lists are Spring pages (?shop=&amp;page=&amp;size=, page from 0, size at most 100) read until
/// last or totalPages. 429 and 5xx are retried a bounded number of times (Retry-After honoured, else doubling
/// back-off); a 401 on a list gets one fresh token (the token was revoked).
/// </summary>
public sealed class TekmetricClient(HttpClient http, IOptions<ShopOptions> options, TimeProvider time, ILogger<TekmetricClient> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    private TekmetricOptions Options => options.Value.Tekmetric;

    public string BaseUrlOf(string environment) => environment == "sandbox" ? Options.SandboxBaseUrl : Options.BaseUrl;

    public async Task AuthenticateAsync(TekmetricSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, session.BaseUrl + "/oauth/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{session.ClientId}:{session.ClientSecret}")));
            return request;
        }, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
        {
            throw new TekmetricException($"Tekmetric refused the client id and secret ({(int)response.StatusCode}{await OAuthErrorAsync(response, ct)}).", response.StatusCode);
        }
        await EnsureSuccessAsync(response, "the token request", ct);
        var token = await ReadAsync<TekmetricToken>(response, "the token", ct);
        if (string.IsNullOrWhiteSpace(token.AccessToken))
        {
            throw new TekmetricException("Tekmetric's token answer has no access_token.");
        }
        session.Token = token.AccessToken;
        session.ScopeShopIds = (token.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (long?)null).OfType<long>().ToList();
    }

    /// <summary>GET /shops: not paged, an array.</summary>
    public async Task<IReadOnlyList<TmShop>> ShopsAsync(TekmetricSession session, CancellationToken ct) =>
        await GetAsync<List<TmShop>>(session, "/shops", ct) ?? [];

    /// <summary>Every page of a list (customers, vehicles, repair-orders) of one shop, as Tekmetric pages it.</summary>
    public async IAsyncEnumerable<TekmetricPage<T>> PagesAsync<T>(TekmetricSession session, string resource, long shopId, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var size = Options.PageSize;
        for (var page = 0; ; page++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"/{resource}?shop={shopId}&page={page}&size={size}");
            var answer = await GetAsync<TekmetricPage<T>>(session, path, ct)
                ?? throw new TekmetricException($"Tekmetric answered an empty page for {resource} (page {page}).");
            if (answer.Number != page)
            {
                throw new TekmetricException($"Tekmetric answered page {answer.Number} of {resource} when page {page} was asked for.");
            }
            yield return answer;
            // Stop on last, on the page count, or on an empty page (a guard against a server that never says last).
            if (answer.Last || page + 1 >= answer.TotalPages || (answer.Content?.Count ?? 0) == 0)
            {
                yield break;
            }
        }
    }

    private async Task<T?> GetAsync<T>(TekmetricSession session, string path, CancellationToken ct)
    {
        if (session.Token is null)
        {
            await AuthenticateAsync(session, ct);
        }
        for (var renewed = false; ; renewed = true)
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, session.BaseUrl + path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return request;
            }, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed)
            {
                await AuthenticateAsync(session, ct);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new TekmetricException($"Tekmetric denied access to {path.Split('?')[0]}: the credentials do not cover this shop.", response.StatusCode);
            }
            await EnsureSuccessAsync(response, path.Split('?')[0], ct);
            return await ReadAsync<T>(response, path.Split('?')[0], ct);
        }
    }

    /// <summary>Sends, retrying 429, 5xx and connection failures up to MaxAttempts; answers the last response otherwise.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            using var request = build();
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            }
            catch (HttpRequestException e) when (attempt < Options.MaxAttempts)
            {
                logger.LogWarning("Tekmetric {Path} failed ({Error}); attempt {Attempt} of {Max}", request.RequestUri?.AbsolutePath, e.Message, attempt, Options.MaxAttempts);
                await Task.Delay(Backoff(attempt, null), time, ct);
                continue;
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                if (attempt < Options.MaxAttempts)
                {
                    await Task.Delay(Backoff(attempt, null), time, ct);
                    continue;
                }
                throw new TekmetricException($"Tekmetric gave no answer within {Options.TimeoutSeconds} s ({Options.MaxAttempts} attempts).", null, e);
            }
            catch (HttpRequestException e)
            {
                throw new TekmetricException($"Tekmetric could not be reached after {Options.MaxAttempts} attempts: {e.Message}", null, e);
            }
            var status = (int)response.StatusCode;
            if ((status == 429 || status >= 500) && attempt < Options.MaxAttempts)
            {
                var wait = Backoff(attempt, response.Headers.RetryAfter);
                logger.LogWarning("Tekmetric {Path} answered {Status}; retrying in {Wait} ms (attempt {Attempt} of {Max})",
                    request.RequestUri?.AbsolutePath, status, (int)wait.TotalMilliseconds, attempt, Options.MaxAttempts);
                response.Dispose();
                await Task.Delay(wait, time, ct);
                continue;
            }
            return response;
        }
    }

    private TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        var asked = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        if (asked is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta > MaxRetryAfter ? MaxRetryAfter : delta;
        }
        return TimeSpan.FromMilliseconds(Math.Min(Options.RetryBaseDelayMs * Math.Pow(2, attempt - 1), MaxRetryAfter.TotalMilliseconds));
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var retried = status == 429 || status >= 500 ? $" after {Options.MaxAttempts} attempts" : "";
        throw new TekmetricException($"Tekmetric answered {status} to {what}{retried}{await ErrorMessageAsync(response, ct)}.", response.StatusCode);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new TekmetricException($"Tekmetric answered null for {what}.");
        }
        catch (JsonException e)
        {
            throw new TekmetricException($"Tekmetric's answer for {what} is not the expected JSON: {e.Message}", null, e);
        }
        catch (NotSupportedException e)
        {
            throw new TekmetricException($"Tekmetric's answer for {what} is not JSON ({response.Content.Headers.ContentType?.MediaType}).", null, e);
        }
    }

    /// <summary>API errors come as {"type":"ERROR","message":...}; a 401 has no body.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? $": {Clip(m.GetString())}" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <summary>OAuth errors come as {"error":"invalid_client"} (RFC 6749 §5.2).</summary>
    private static async Task<string> OAuthErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? $": {Clip(e.GetString())}" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string? Clip(string? text) => text is { Length: > 200 } ? text[..200] : text;
}
