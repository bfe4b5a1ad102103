using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Platform;

namespace Pitlane.Modules.Studio;

/// <summary>The worker a protocol request came from, set by <see cref="WorkerAuthenticationHandler"/>.</summary>
public sealed class CurrentWorker
{
    private Guid? _id;

    public Guid Id => _id ?? throw new InvalidOperationException("The worker was not authenticated for this request.");

    public Guid OrganizationId { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>The worker process (X-Worker-Instance), so a restarted process does not report on its predecessor's lease.</summary>
    public string Instance { get; private set; } = "";

    public bool IsSet => _id is not null;

    internal void Set(Guid id, Guid organizationId, string name, string instance)
    {
        _id = id;
        OrganizationId = organizationId;
        Name = name;
        Instance = instance;
    }
}

/// <summary>
/// Authenticates <c>X-Worker-Key</c> against the stored hashes (no cache: a revocation holds on the next request on
/// every instance) and records that the worker was seen, which is what "alive" means to the job.
/// </summary>
internal sealed class WorkerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "studio-worker";
    public const string KeyHeader = "X-Worker-Key";
    public const string InstanceHeader = "X-Worker-Instance";

    public static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder(SchemeName).RequireAuthenticatedUser().Build();

    private const int MaxKeyLength = 128;
    private const string RefusalKey = "pitlane.studio-worker-refusal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var refusal = await AuthenticateAsync(Context);
        if (refusal is not null)
        {
            Context.Items[RefusalKey] = refusal;
            return AuthenticateResult.Fail("No valid worker key.");
        }

        var current = Context.RequestServices.GetRequiredService<CurrentWorker>();
        Claim[] claims = [new("studio-worker", current.Id.ToString()), new("org", current.OrganizationId.ToString())];
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        (Context.Items[RefusalKey] as IResult ?? Unauthorized()).ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => HandleChallengeAsync(properties);

    private static async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var current = services.GetRequiredService<CurrentWorker>();
        if (current.IsSet)
        {
            return null;
        }

        var key = http.Request.Headers[KeyHeader] is [{ Length: > 0 and <= MaxKeyLength } one] ? one : null;
        if (key is null)
        {
            return Unauthorized();
        }

        // Each `pitlane worker` process makes one up at start: up to 64 letters, digits and dashes.
        if (http.Request.Headers[InstanceHeader] is not [{ Length: > 0 and <= 64 } instance] || !instance.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return Problems.Invalid(InstanceHeader, $"{InstanceHeader} names this worker process: 1 to 64 letters, digits and dashes.");
        }

        var hash = WorkerLeases.HashKey(key);
        var db = services.GetRequiredService<StudioDbContext>();
        var worker = await db.Workers.AsNoTracking().Where(w => w.KeyHash == hash && w.RevokedAt == null)
            .Select(w => new { w.Id, w.OrganizationId, w.Name }).FirstOrDefaultAsync(http.RequestAborted);
        if (worker is null)
        {
            return Unauthorized();
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        await db.Workers.Where(w => w.Id == worker.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.LastSeenAt, now), http.RequestAborted);
        current.Set(worker.Id, worker.OrganizationId, worker.Name, instance);
        return null;
    }

    internal static IResult Unauthorized() =>
        Problems.Unauthorized($"A valid, unrevoked worker key is required in the {KeyHeader} header (a manager registers workers on the Listing studio page).");
}
