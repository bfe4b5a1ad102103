using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ModelContextProtocol;

namespace Pitlane.Cli.Mcp;

/// <summary>
/// Tokens shared by every <see cref="PitlaneApiClient"/> of the process (typed clients are transient),
/// and the lock that lets one call at a time log in or refresh.
/// </summary>
internal sealed class PitlaneApiSession(PitlaneApiOptions options)
{
    public SemaphoreSlim Renewal { get; } = new(1, 1);

    public string? AccessToken { get; set; } = options.AccessToken;

    public string? RefreshToken { get; set; }
}

/// <summary>
/// A failure the model should read: the API's problem title and detail, a missing setting, or an
/// unreachable server. Derives from <see cref="McpException"/> so the SDK returns its message as an
/// error result (isError) instead of a generic one.
/// </summary>
internal sealed class PitlaneApiException(string message, Exception? inner = null) : McpException(message, inner);

/// <summary>
/// The Pitlane HTTP API (/api/v1) as the MCP tools need it: bearer token from $PITLANE_TOKEN or a
/// password login, one refresh-and-retry on 401, X-Organization-Id when an organisation is chosen.
/// </summary>
internal sealed class PitlaneApiClient(HttpClient http, PitlaneApiOptions options, PitlaneApiSession session)
{
    public const string NotConfigured =
        "The Pitlane server is not configured. Start the MCP server as `pitlane mcp --server https://your-pitlane-host` " +
        "(or set PITLANE_SERVER) and authenticate with PITLANE_TOKEN=<access token>, or with --email you@example.com and PITLANE_PASSWORD.";

    private const string OrganizationHeader = "X-Organization-Id";

    private sealed record TokenResponse(string AccessToken, string? RefreshToken, int ExpiresIn, string? TokenType);

    private sealed record Problem(string? Title, string? Detail, int? Status);

    /// <summary>GET a path under the server and return its JSON body.</summary>
    public Task<JsonElement> GetAsync(string pathAndQuery, CancellationToken ct) => CallAsync(HttpMethod.Get, pathAndQuery, null, ct);

    /// <summary>POST a JSON body to a path under the server and return its JSON body.</summary>
    public Task<JsonElement> PostAsync(string path, object body, CancellationToken ct) => CallAsync(HttpMethod.Post, path, body, ct);

    private async Task<JsonElement> CallAsync(HttpMethod method, string pathAndQuery, object? body, CancellationToken ct)
    {
        if (options.Server is null) throw new PitlaneApiException(NotConfigured);

        var token = await CurrentTokenAsync(ct);
        using var first = await SendAsync(method, pathAndQuery, body, token, ct);
        if (first.StatusCode != HttpStatusCode.Unauthorized) return await ReadAsync(first, ct);

        token = await RenewAsync(token, ct);
        using var second = await SendAsync(method, pathAndQuery, body, token, ct);
        return await ReadAsync(second, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, object? body, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.OrganizationId is { } organization)
            request.Headers.Add(OrganizationHeader, organization.ToString());
        return await Transport(() => http.SendAsync(request, ct), ct);
    }

    private async Task<string> CurrentTokenAsync(CancellationToken ct)
    {
        if (session.AccessToken is { } token) return token;
        await session.Renewal.WaitAsync(ct);
        try
        {
            return session.AccessToken ??= await LogInAsync(ct);
        }
        finally
        {
            session.Renewal.Release();
        }
    }

    /// <summary>After a 401: refresh if a refresh token is known, else log in again with the password.</summary>
    private async Task<string> RenewAsync(string rejected, CancellationToken ct)
    {
        await session.Renewal.WaitAsync(ct);
        try
        {
            // Another call may have renewed while this one waited.
            if (session.AccessToken is { } current && current != rejected) return current;
            session.AccessToken = null;
            if (session.RefreshToken is { } refresh)
            {
                session.RefreshToken = null;
                var refreshed = await TokenAsync("api/v1/auth/refresh", new { refreshToken = refresh }, allowUnauthorized: options.Password is not null, ct);
                if (refreshed is not null) return session.AccessToken = refreshed;
            }
            if (options.Email is null || options.Password is null)
                throw new PitlaneApiException("The Pitlane server rejected the access token (401). Set a fresh PITLANE_TOKEN, or use --email with PITLANE_PASSWORD so the session can renew itself.");
            return session.AccessToken = await LogInAsync(ct);
        }
        finally
        {
            session.Renewal.Release();
        }
    }

    private async Task<string> LogInAsync(CancellationToken ct)
    {
        if (options.Email is null || options.Password is null)
            throw new PitlaneApiException("No credentials for the Pitlane server: set PITLANE_TOKEN, or start with --email you@example.com and set PITLANE_PASSWORD.");
        return (await TokenAsync("api/v1/auth/token", new { email = options.Email, password = options.Password }, allowUnauthorized: false, ct))!;
    }

    /// <summary>POST to a token endpoint; null only for a 401 when <paramref name="allowUnauthorized"/>.</summary>
    private async Task<string?> TokenAsync(string path, object body, bool allowUnauthorized, CancellationToken ct)
    {
        using var response = await Transport(() => http.PostAsJsonAsync(path, body, ct), ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized && allowUnauthorized) return null;
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, $"POST /{path}", ct);
        var tokens = await response.Content.ReadFromJsonAsync<TokenResponse>(JsonSerializerOptions.Web, ct);
        if (tokens is not { AccessToken.Length: > 0 })
            throw new PitlaneApiException($"POST /{path} answered without an access token.");
        session.RefreshToken = tokens.RefreshToken;
        return tokens.AccessToken;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}", ct);
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (JsonException e)
        {
            throw new PitlaneApiException($"The Pitlane server answered {response.RequestMessage?.RequestUri?.PathAndQuery} with a body that is not JSON.", e);
        }
    }

    /// <summary>RFC 9457 problem details: the title and detail are written for people, so pass them on.</summary>
    private static async Task<PitlaneApiException> FailureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is { } type && type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(JsonSerializerOptions.Web, ct);
            }
            catch (JsonException)
            {
                // A body that is not a problem document still leaves the status code to report.
            }
        }
        var title = problem?.Title is { Length: > 0 } t ? t : response.ReasonPhrase ?? "Request failed";
        var detail = problem?.Detail is { Length: > 0 } d ? $": {d}" : "";
        return new PitlaneApiException($"Pitlane API {what} failed with {status} {title}{detail}");
    }

    private async Task<HttpResponseMessage> Transport(Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new PitlaneApiException($"Could not reach the Pitlane server at {options.Server}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new PitlaneApiException($"The Pitlane server at {options.Server} did not answer within {http.Timeout.TotalSeconds:0} seconds.", e);
        }
    }
}
