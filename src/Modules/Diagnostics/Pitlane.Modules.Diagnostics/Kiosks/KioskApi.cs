using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using System.Text.Encodings.Web;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Modules.Accounts.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <summary>POST /api/v1/kiosk/scans: the VIN the customer typed, or none to read it from the car.</summary>
public sealed record KioskScanRequest(string? Vin);

/// <summary>What the kiosk screen shows about itself.</summary>
public sealed record KioskInfoResponse(Guid Id, string Name, string OrganizationName, string AdapterName);

/// <summary>The kiosk a device request came from; set by <see cref="KioskFilter"/>.</summary>
public sealed class CurrentKiosk
{
    private Kiosk? _kiosk;

    public Kiosk Kiosk => _kiosk ?? throw new InvalidOperationException("The kiosk was not authenticated for this request.");

    /// <summary>The oldest scan this request may see: now minus Pitlane:Diagnostics:KioskResultMinutes.</summary>
    public DateTime Since { get; private set; }

    public bool IsSet => _kiosk is not null;

    internal void Set(Kiosk kiosk, DateTime since) => (_kiosk, Since) = (kiosk, since);
}

/// <summary>
/// The API of a paired kiosk screen, /api/v1/kiosk: start a scan on its own adapter, follow it, and see the health,
/// interpretation and take-home report of its own scans of the last Pitlane:Diagnostics:KioskResultMinutes (30). Nothing else:
/// no vehicle list, no other scans, no earlier customers' results.
/// </summary>
public static class KioskApi
{
    public const string CookieName = "pitlane.kiosk";

    public static IServiceCollection AddKiosks(this IServiceCollection services) => services.AddScoped<CurrentKiosk>();

    public static IEndpointRouteBuilder MapKioskEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapKioskManagementEndpoints();
        var kiosk = routes.MapGroup("/api/v1/kiosk").WithTags("Diagnostics")
            .RequireRateLimiting(DiagnosticsOptions.DeviceRateLimitPolicy)
            .RequireAuthorization(DeviceAuthentication.Kiosk)
            .AddEndpointFilter<KioskFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        kiosk.MapGet("/", Info);
        kiosk.MapGet("/vin/{vin}", (string vin, IVinLookup vins, CancellationToken ct) => vins.DecodeAsync(vin, ct));
        kiosk.MapPost("/scans", Start);
        kiosk.MapGet("/scans/{id:guid}", Get);
        kiosk.MapGet("/scans/{id:guid}/health", Health);
        kiosk.MapGet("/scans/{id:guid}/interpretation", Interpretation);
        kiosk.MapPost("/scans/{id:guid}/report", Report);
        kiosk.MapGet("/reports/{id:guid}", GetReport);
        return routes;
    }

    private static async Task<Ok<KioskInfoResponse>> Info(CurrentKiosk current, DiagnosticsDbContext db, IOrganizationDirectory organizations, CancellationToken ct)
    {
        var k = current.Kiosk;
        var organization = await organizations.NameOfAsync(k.OrganizationId, ct) ?? "";
        var adapter = await db.ScanAdapters.Where(a => a.Id == k.AdapterId).Select(a => a.Name).FirstAsync(ct);
        return TypedResults.Ok(new KioskInfoResponse(k.Id, k.Name, organization, adapter));
    }

    private static async Task<Results<Accepted<ScanResponse>, ValidationProblem, ProblemHttpResult>> Start(
        KioskScanRequest request, CurrentKiosk current, DiagnosticsDbContext db, JobQueue jobs, IVehicleDirectory vehicles, IVehicleRegistrar registration, TimeProvider time,
        IOptions<DiagnosticsOptions> options, CancellationToken ct)
    {
        var k = current.Kiosk;
        var adapter = await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == k.AdapterId && a.OrganizationId == k.OrganizationId, ct);
        if (adapter is null)
        {
            return Problems.Conflict("The kiosk's adapter was removed; ask staff to set the kiosk up again.");
        }
        // One car at the lane: a screen starts a scan only when its previous one is over (a stuck screen or repeated
        // taps cannot queue scans behind the customer's). A scan older than the longest one can take is not waited for:
        // its job ended without closing it (an instance died), and the lane must not stay shut.
        var busySince = time.GetUtcNow().UtcDateTime - options.Value.LongestScan;
        if (await db.Scans.AnyAsync(x => x.KioskId == k.Id && (x.Status == ScanStatus.Queued || x.Status == ScanStatus.Running) && x.CreatedAt >= busySince, ct))
        {
            return Problems.Conflict("A check started on this screen is still running; wait for its result.");
        }
        // Attributed to the manager who set the kiosk up; KioskId says it was the screen.
        return await ScanEndpoints.QueueAsync(db, jobs, vehicles, registration, time, k.OrganizationId, k.CreatedByUserId, adapter, null, request.Vin, k.Id,
            "/api/v1/kiosk/scans", ct);
    }

    private static async Task<Results<Ok<ScanResponse>, ProblemHttpResult>> Get(Guid id, CurrentKiosk current, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct) =>
        await OwnScanAsync(id, current, db, time, ct) is { } scan ? TypedResults.Ok(ScanResponse.From(scan)) : Problems.NotFound("No such scan.");

    private static async Task<Results<Ok<VehicleHealthResponse>, ProblemHttpResult>> Health(
        Guid id, CurrentKiosk current, DiagnosticsDbContext db, HealthService health, TimeProvider time, CancellationToken ct)
    {
        var (scan, refusal) = await CompletedAsync(id, current, db, time, ct);
        return scan is null ? refusal! : TypedResults.Ok(VehicleHealthResponse.From(await health.ForScanAsync(scan, ct)));
    }

    private static async Task<Results<Ok<InterpretationResponse>, ProblemHttpResult>> Interpretation(
        Guid id, CurrentKiosk current, DiagnosticsDbContext db, HealthService health, InterpretationService interpretations, TimeProvider time, CancellationToken ct)
    {
        var (scan, refusal) = await CompletedAsync(id, current, db, time, ct);
        if (scan is null)
        {
            return refusal!;
        }
        var record = await interpretations.LatestOrNewAsync(scan, await health.ForScanAsync(scan, ct), ct);
        return TypedResults.Ok(InterpretationResponse.From(record));
    }

    private static async Task<Results<Accepted<ReportAccepted>, ProblemHttpResult>> Report(
        Guid id, CurrentKiosk current, DiagnosticsDbContext db, JobQueue jobs, IOptions<DiagnosticsOptions> options, TimeProvider time, HttpRequest request,
        CancellationToken ct)
    {
        var (scan, refusal) = await CompletedAsync(id, current, db, time, ct);
        if (scan is null)
        {
            return refusal!;
        }
        return await ReportEndpoints.QueueAsync(db, jobs, options.Value, time, request, scan, current.Kiosk.CreatedByUserId, "/api/v1/kiosk/reports", ct);
    }

    private static async Task<Results<Ok<ReportResponse>, ProblemHttpResult>> GetReport(
        Guid id, CurrentKiosk current, DiagnosticsDbContext db, ReportLinks links, IOptions<DiagnosticsOptions> options, TimeProvider time, CancellationToken ct)
    {
        var report = await OwnReportAsync(id, current.Kiosk, current.Since, db, ct);
        return report is null
            ? Problems.NotFound("No such report.")
            : TypedResults.Ok(ReportEndpoints.ResponseOf(report, links, options.Value, time.GetUtcNow().UtcDateTime));
    }

    /// <summary>A report of one of the kiosk's own scans started at or after <paramref name="since"/>, or null.</summary>
    public static async Task<DiagnosticReport?> OwnReportAsync(Guid reportId, Kiosk kiosk, DateTime since, DiagnosticsDbContext db, CancellationToken ct)
    {
        return await db.DiagnosticReports.AsNoTracking()
            .Where(r => r.Id == reportId && r.OrganizationId == kiosk.OrganizationId
                && db.Scans.Any(s => s.Id == r.ScanId && s.KioskId == kiosk.Id && s.CreatedAt >= since))
            .FirstOrDefaultAsync(ct);
    }

    private static async Task<Scan?> OwnScanAsync(Guid id, CurrentKiosk current, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var k = current.Kiosk;
        var since = current.Since;
        return await db.Scans.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == id && s.OrganizationId == k.OrganizationId && s.KioskId == k.Id && s.CreatedAt >= since, ct);
    }

    private static async Task<(Scan? Scan, ProblemHttpResult? Refusal)> CompletedAsync(
        Guid id, CurrentKiosk current, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct) =>
        await OwnScanAsync(id, current, db, time, ct) switch
        {
            null => (null, Problems.NotFound("No such scan.")),
            { Status: not ScanStatus.Completed } scan => (null, Problems.Conflict($"The scan is {ScanStatuses.Name(scan.Status)}.")),
            var scan => (scan, null),
        };

    /// <summary>
    /// The kiosk of the request's cookie ("{id:N}.{secret}"), if its secret matches and it is not revoked; null otherwise.
    /// Also records that the kiosk was seen (at most every 30 s).
    /// </summary>
    public static async Task<Kiosk?> AuthenticateAsync(HttpContext http, DiagnosticsDbContext db, TimeProvider time)
    {
        var cookie = http.Request.Cookies[CookieName];
        if (cookie is not { Length: > 33 and < 120 } || cookie[32] != '.' || !Guid.TryParseExact(cookie[..32], "N", out var id))
        {
            return null;
        }
        var kiosk = await db.Kiosks.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null && k.SecretHash != null, http.RequestAborted);
        if (kiosk is null || !CryptographicOperations.FixedTimeEquals(kiosk.SecretHash, KioskManagement.Hash(cookie[33..])))
        {
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (kiosk.LastSeenAt is not { } seen || now - seen > TimeSpan.FromSeconds(30))
        {
            await db.Kiosks.Where(k => k.Id == kiosk.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastSeenAt, now), http.RequestAborted);
        }
        return kiosk;
    }

    /// <summary>The device cookie: HttpOnly, SameSite=Strict (no other site can make the screen act), for 400 days.</summary>
    public static CookieOptions CookieOptions(HttpRequest request, DateTime now) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        Expires = now.AddDays(400),
        IsEssential = true,
    };
}

/// <summary>
/// Authenticates /api/v1/kiosk requests by the kiosk cookie, and makes their unsafe requests carry the page's antiforgery
/// token as the signed-in API does.
/// </summary>
public sealed class KioskFilter : IEndpointFilter
{
    /// <summary>
    /// The request's kiosk, set on <see cref="CurrentKiosk"/>; or the 401 (no paired kiosk) or 400 (an unsafe request
    /// without the antiforgery token) to answer. Called by the kiosk authentication scheme before the body is read, and
    /// by the filter as a guard.
    /// </summary>
    public static async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var current = services.GetRequiredService<CurrentKiosk>();
        if (current.IsSet)
        {
            return null;
        }
        var time = services.GetRequiredService<TimeProvider>();
        var kiosk = await KioskApi.AuthenticateAsync(http, services.GetRequiredService<DiagnosticsDbContext>(), time);
        if (kiosk is null)
        {
            return Problems.Unauthorized("This screen is not a paired kiosk (or it was unpaired): ask a manager to pair it from Diagnostics → Kiosks.");
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return Problems.AntiforgeryMissing("A kiosk request must carry the page's antiforgery token.");
        }
        var minutes = services.GetRequiredService<IOptions<DiagnosticsOptions>>().Value.KioskResultMinutes;
        current.Set(kiosk, time.GetUtcNow().UtcDateTime.AddMinutes(-minutes));
        return null;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await AuthenticateAsync(context.HttpContext) ?? await next(context);
}

/// <summary>
/// The devices of the lane as registered ASP.NET Core authentication schemes: scan agents by their <c>X-Agent-Key</c>,
/// paired kiosk screens by their device cookie. Their API groups require them by policy, so the authorization
/// middleware authenticates a device after routing and before the endpoint reads its body: a request without a valid key
/// or cookie is a 401 (a kiosk's unsafe request without the antiforgery token a 400) whatever its body holds.
/// </summary>
public static class DeviceAuthentication
{
    public const string AgentScheme = "scan-agent";
    public const string KioskScheme = "kiosk";

    /// <summary>Only a scan agent authenticated by its key.</summary>
    public static readonly AuthorizationPolicy Agent = new AuthorizationPolicyBuilder(AgentScheme).RequireAuthenticatedUser().Build();

    /// <summary>Only a paired kiosk screen authenticated by its device cookie.</summary>
    public static readonly AuthorizationPolicy Kiosk = new AuthorizationPolicyBuilder(KioskScheme).RequireAuthenticatedUser().Build();

    public static AuthenticationBuilder AddDeviceAuthentication(this IServiceCollection services) =>
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DeviceAuthenticationHandler>(AgentScheme, "Scan agent key (X-Agent-Key)", null)
            .AddScheme<AuthenticationSchemeOptions, DeviceAuthenticationHandler>(KioskScheme, "Paired kiosk screen (device cookie)", null);
}

/// <summary>
/// Authenticates a scan agent (<see cref="AgentKeyFilter.AuthenticateAsync"/>) or a kiosk screen
/// (<see cref="KioskFilter.AuthenticateAsync"/>) for its scheme, and answers a failed one with that check's own
/// problem+json (401 naming what is missing, or 400 for a kiosk request without the antiforgery token).
/// </summary>
internal sealed class DeviceAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string RefusalKey = "pitlane.device-refusal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var agent = Scheme.Name == DeviceAuthentication.AgentScheme;
        var refusal = agent ? await AgentKeyFilter.AuthenticateAsync(Context) : await KioskFilter.AuthenticateAsync(Context);
        if (refusal is not null)
        {
            Context.Items[RefusalKey] = refusal;
            return AuthenticateResult.Fail(agent ? "No valid scan agent key." : "Not a paired kiosk screen.");
        }
        var services = Context.RequestServices;
        Claim[] claims = agent
            ? [new("agent", services.GetRequiredService<CurrentAgent>().Id.ToString()), new("org", services.GetRequiredService<CurrentAgent>().OrganizationId.ToString())]
            : [new("kiosk", services.GetRequiredService<CurrentKiosk>().Kiosk.Id.ToString()), new("org", services.GetRequiredService<CurrentKiosk>().Kiosk.OrganizationId.ToString())];
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        (Context.Items[RefusalKey] as IResult ?? Problems.Unauthorized("This request needs a device's key or cookie.")).ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => HandleChallengeAsync(properties);
}
