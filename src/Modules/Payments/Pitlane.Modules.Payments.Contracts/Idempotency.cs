using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Contracts;

/// <summary>
/// Stripe's Idempotency-Key semantics for Pitlane's own POST endpoints (payments now, bookings and orders later): the
/// same key with the same request answers the stored status and body with <c>Idempotent-Replayed: true</c>; the same key
/// with another request is a 400 of type idempotency_error; a key whose first request is still running is a 409
/// (idempotency_key_in_use). Keys live 24 h. Responses that did not execute anything (400 validation, 401, 403, 409,
/// 429) are not kept, so the caller may fix the request and retry with the same key. The store is the database, so this
/// holds across instances.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>Adds the filter to an endpoint or group (after <c>MapTenantApi</c>, so the caller is known). GETs and DELETEs ignore keys.</summary>
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(new IdempotencyFilter());
        return builder;
    }

    /// <summary>
    /// Statuses that are not stored because nothing ran, so a retry with the same key must run: validation (400, 422),
    /// authentication and authorisation (401, 403), conflicts (409), rate limits (429), and an unreachable processor
    /// (502, 503: Pitlane changed nothing). A 500 is stored, as Stripe does.
    /// </summary>
    public static bool IsKept(int status) => status is not (400 or 401 or 403 or 409 or 422 or 429 or 502 or 503);

    /// <summary>SHA-256 of method, path and raw body: "the same parameters".</summary>
    public static string Fingerprint(string method, string path, ReadOnlySpan<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{method} {path}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>Where keys and their responses are kept; implemented by the Payments module over its database.</summary>
public interface IIdempotencyStore
{
    Task<IdempotencyClaim> BeginAsync(string scope, string key, string fingerprint, CancellationToken ct);

    Task CompleteAsync(IdempotencyClaim claim, StoredResponse response, CancellationToken ct);

    /// <summary>Forgets a started key (validation failure, conflict, exception) so the request may be retried.</summary>
    Task AbandonAsync(IdempotencyClaim claim, CancellationToken ct);
}

public enum IdempotencyOutcome
{
    Started,
    Replay,
    Mismatch,
    InFlight,
}

public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, Guid RecordId, StoredResponse? Response = null);

public sealed record StoredResponse(int StatusCode, string? ContentType, string? Location, byte[] Body);

/// <summary>The endpoint filter behind <see cref="Idempotency.WithIdempotency{TBuilder}"/>.</summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    /// <summary>Bodies larger than this are refused with a key (a payment request is a few hundred bytes).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Headers.TryGetValue(Idempotency.Header, out var values))
        {
            return await next(context);
        }
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(key) || key.Length > Idempotency.MaxKeyLength)
        {
            return Problems.Invalid(Idempotency.Header, $"The Idempotency-Key header must be one non-empty value of at most {Idempotency.MaxKeyLength} characters.");
        }
        if (!http.Request.Body.CanSeek)
        {
            throw new InvalidOperationException("Idempotent requests need a rewindable body: the Payments module enables buffering for requests with an Idempotency-Key.");
        }
        var body = await ReadBodyAsync(http.Request);
        if (body is null)
        {
            return Problems.TooLarge($"A request with an Idempotency-Key carries at most {MaxBodyBytes} bytes.");
        }
        var user = http.User.UserId()?.ToString() ?? "anonymous";
        var scope = http.RequestServices.GetService<OrganizationScope>() is { } org && TryOrganization(org) is { } orgId ? $"{orgId:N}:{user}" : user;
        var fingerprint = Idempotency.Fingerprint(http.Request.Method, http.Request.Path.Value ?? "/", body);

        var store = http.RequestServices.GetRequiredService<IIdempotencyStore>();
        var claim = await store.BeginAsync(scope, key, fingerprint, http.RequestAborted);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                return new ReplayedResult(claim.Response!);
            case IdempotencyOutcome.Mismatch:
                return TypedResults.Problem(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                    statusCode: StatusCodes.Status400BadRequest, title: "Idempotency error", type: "idempotency_error",
                    extensions: new Dictionary<string, object?> { ["code"] = "idempotency_error" });
            case IdempotencyOutcome.InFlight:
                return TypedResults.Problem(
                    "There is currently another in-progress request using this Idempotency-Key. Retry after it completes.",
                    statusCode: StatusCodes.Status409Conflict, title: "Conflict", type: "idempotency_error",
                    extensions: new Dictionary<string, object?> { ["code"] = "idempotency_key_in_use" });
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            // The handler's own transaction rolled back: nothing happened, so a retry must run.
            await store.AbandonAsync(claim, CancellationToken.None);
            throw;
        }

        // Render the result into a buffer to keep its exact status and bytes, then send them.
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            switch (result)
            {
                case IResult executable:
                    await executable.ExecuteAsync(http);
                    break;
                case null:
                    break;
                default:
                    await TypedResults.Json(result).ExecuteAsync(http);
                    break;
            }
        }
        catch
        {
            await store.AbandonAsync(claim, CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        var bytes = buffer.ToArray();
        var response = new StoredResponse(http.Response.StatusCode, http.Response.ContentType, http.Response.Headers.Location.FirstOrDefault(), bytes);
        if (Idempotency.IsKept(response.StatusCode))
        {
            await store.CompleteAsync(claim, response, CancellationToken.None);
        }
        else
        {
            await store.AbandonAsync(claim, CancellationToken.None);
        }
        await original.WriteAsync(bytes, http.RequestAborted);
        return TypedResults.Empty;
    }

    private static Guid? TryOrganization(OrganizationScope scope)
    {
        try
        {
            return scope.OrganizationId;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        request.Body.Position = 0;
        using var copy = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            copy.Write(chunk, 0, read);
            if (copy.Length > MaxBodyBytes)
            {
                return null;
            }
        }
        request.Body.Position = 0;
        return copy.ToArray();
    }

    private sealed class ReplayedResult(StoredResponse stored) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = stored.StatusCode;
            httpContext.Response.Headers[Idempotency.ReplayedHeader] = "true";
            if (stored.ContentType is { } type)
            {
                httpContext.Response.ContentType = type;
            }
            if (stored.Location is { } location)
            {
                httpContext.Response.Headers.Location = location;
            }
            await httpContext.Response.Body.WriteAsync(stored.Body, httpContext.RequestAborted);
        }
    }
}
