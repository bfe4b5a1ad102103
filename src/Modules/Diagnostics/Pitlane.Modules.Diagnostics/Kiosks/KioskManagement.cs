using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics;

/// <summary>POST /api/v1/diagnostics/kiosks: the screen's name ("Lane 1 kiosk") and the adapter of its lane.</summary>
public sealed record CreateKioskRequest(string? Name, Guid? AdapterId);

/// <summary>A kiosk as listed. <see cref="PairingUrl"/> is only in the answers that created the code (create, re-pair).</summary>
public sealed record KioskResponse(
    Guid Id, string Name, Guid AdapterId, string AdapterName, bool Paired, DateTime? PairedAt, DateTime? LastSeenAt, DateTime? RevokedAt,
    DateTime CreatedAt, string? PairingUrl, DateTime? PairingExpiresAt);

/// <summary>
/// The organisation's kiosks (Owner or Manager). A kiosk is paired by opening its one-time pairing link on the device
/// within <see cref="PairingLifetime"/>; pairing again (a new device, a wiped browser) ends the old device's access.
/// </summary>
public static class KioskManagement
{
    public const int MaxNameLength = 80;

    public static readonly TimeSpan PairingLifetime = TimeSpan.FromMinutes(15);

    public static IEndpointRouteBuilder MapKioskManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        var kiosks = routes.MapTenantApi("/api/v1/diagnostics/kiosks", "Diagnostics");
        kiosks.MapPost("/", Create).WithSummary("Create a customer kiosk for one adapter; the answer carries its one-time pairing link (15 minutes).");
        kiosks.MapGet("/", List);
        kiosks.MapPost("/{id:guid}/pairing", Repair).WithSummary("A new pairing link; the device paired before stops working once it is used.");
        kiosks.MapDelete("/{id:guid}", Revoke).WithSummary("Unpair and disable the kiosk: its next request is refused.");
        return routes;
    }

    private static async Task<Results<Created<KioskResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateKioskRequest request, OrganizationScope scope, DiagnosticsDbContext db, HttpRequest http, IOptions<DiagnosticsOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.ManageKiosks))
        {
            return Problems.Forbidden("Only an Owner or Manager can set up kiosks.");
        }
        var (created, errors) = await CreateAsync(db, scope.OrganizationId, scope.UserId, request, http, options.Value, time.GetUtcNow().UtcDateTime, ct);
        return created is null ? Problems.Invalid(errors!) : TypedResults.Created($"/api/v1/diagnostics/kiosks/{created.Id}", created);
    }

    /// <summary>
    /// Creates a kiosk with its first pairing code (the API and the Diagnostics page); the caller has checked the role.
    /// Returns the kiosk with its pairing link, or the errors by field.
    /// </summary>
    public static async Task<(KioskResponse? Kiosk, Dictionary<string, string[]>? Errors)> CreateAsync(
        DiagnosticsDbContext db, Guid organizationId, Guid userId, CreateKioskRequest request, HttpRequest http, DiagnosticsOptions options, DateTime now,
        CancellationToken ct)
    {
        var name = request.Name?.Trim();
        var adapter = request.AdapterId is { } adapterId
            ? await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == adapterId && a.OrganizationId == organizationId, ct)
            : null;
        var check = new Validation()
            .Require(!string.IsNullOrEmpty(name) && name.Length <= MaxNameLength, "name", $"name is 1 to {MaxNameLength} characters.")
            .Require(adapter is not null, "adapterId", "adapterId must name one of this organisation's adapters (the one in the kiosk's lane).");
        if (check.IsValid && await db.Kiosks.AnyAsync(k => k.OrganizationId == organizationId && k.Name == name, ct))
        {
            check.Require(false, "name", $"This organisation already has a kiosk named '{name}'.");
        }
        if (!check.IsValid)
        {
            return (null, check.Errors);
        }
        var kiosk = Kiosk.Create(organizationId, name!, adapter!.Id, userId, now);
        var code = NewPairingCode(kiosk, now);
        db.Kiosks.Add(kiosk);
        await db.SaveChangesAsync(ct);
        return (ResponseOf(kiosk, adapter.Name, PairingUrlOf(http, options, code)), null);
    }

    private static async Task<Ok<List<KioskResponse>>> List(OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var kiosks = await db.Kiosks.AsNoTracking().Where(k => k.OrganizationId == scope.OrganizationId)
            .Join(db.ScanAdapters, k => k.AdapterId, a => a.Id, (k, a) => new { Kiosk = k, AdapterName = a.Name })
            .OrderBy(x => x.Kiosk.Name).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(kiosks.Select(x => ResponseOf(x.Kiosk, x.AdapterName, null)).ToList());
    }

    private static async Task<Results<Ok<KioskResponse>, ProblemHttpResult>> Repair(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, HttpRequest http, IOptions<DiagnosticsOptions> options, TimeProvider time, CancellationToken ct)
    {
        var kiosk = await db.Kiosks.FirstOrDefaultAsync(k => k.Id == id && k.OrganizationId == scope.OrganizationId, ct);
        if (kiosk is null)
        {
            return Problems.NotFound("No such kiosk.");
        }
        if (!scope.Can(DiagnosticsPermissions.ManageKiosks))
        {
            return Problems.Forbidden("Only an Owner or Manager can pair kiosks.");
        }
        if (kiosk.RevokedAt is not null)
        {
            return Problems.Conflict("The kiosk was revoked; create a new one.");
        }
        var url = IssuePairing(kiosk, http, options.Value, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        var adapterName = await db.ScanAdapters.Where(a => a.Id == kiosk.AdapterId).Select(a => a.Name).FirstAsync(ct);
        return TypedResults.Ok(ResponseOf(kiosk, adapterName, url));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var kiosk = await db.Kiosks.FirstOrDefaultAsync(k => k.Id == id && k.OrganizationId == scope.OrganizationId, ct);
        if (kiosk is null)
        {
            return Problems.NotFound("No such kiosk.");
        }
        if (!scope.Can(DiagnosticsPermissions.ManageKiosks))
        {
            return Problems.Forbidden("Only an Owner or Manager can revoke kiosks.");
        }
        Disable(kiosk, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Revokes the kiosk: the paired device and any pairing link stop working. The caller saves.</summary>
    public static void Disable(Kiosk kiosk, DateTime now)
    {
        kiosk.RevokedAt ??= now;
        kiosk.PairingCodeHash = null;
        kiosk.PairingExpiresAt = null;
        kiosk.SecretHash = null;
    }

    /// <summary>A new one-time pairing link for the kiosk (the caller saves); the device paired before keeps working until it is used.</summary>
    public static string IssuePairing(Kiosk kiosk, HttpRequest http, DiagnosticsOptions options, DateTime now) =>
        PairingUrlOf(http, options, NewPairingCode(kiosk, now));

    public static KioskResponse ResponseOf(Kiosk k, string adapterName, string? pairingUrl) => new(
        k.Id, k.Name, k.AdapterId, adapterName, k.SecretHash is not null && k.RevokedAt is null, k.PairedAt, k.LastSeenAt, k.RevokedAt, k.CreatedAt,
        pairingUrl, pairingUrl is null ? null : k.PairingExpiresAt);

    private static string PairingUrlOf(HttpRequest request, DiagnosticsOptions options, string code) =>
        $"{ReportEndpoints.BaseUrlOf(request, options)}/Kiosk/Pair/{code}";

    /// <summary>A fresh one-time code (32 random bytes, base64url); only its SHA-256 is kept.</summary>
    private static string NewPairingCode(Kiosk kiosk, DateTime now)
    {
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        kiosk.PairingCodeHash = Hash(code);
        kiosk.PairingExpiresAt = now + PairingLifetime;
        return code;
    }

    internal static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The kiosk a pairing code opens, if it is unused, unexpired and the kiosk not revoked.</summary>
    public static async Task<(Kiosk Kiosk, string OrganizationName, string AdapterName)?> FindPairingAsync(
        DiagnosticsDbContext db, IOrganizationDirectory organizations, string code, DateTime now, CancellationToken ct)
    {
        if (code.Length is < 40 or > 64)
        {
            return null;
        }
        var hash = Hash(code);
        var found = await db.Kiosks
            .Where(k => k.PairingCodeHash == hash && k.RevokedAt == null)
            .Join(db.ScanAdapters, k => k.AdapterId, a => a.Id, (k, a) => new { Kiosk = k, AdapterName = a.Name })
            .FirstOrDefaultAsync(ct);
        return found is null || found.Kiosk.PairingExpiresAt is not { } expires || expires <= now
            ? null
            : (found.Kiosk, await organizations.NameOfAsync(found.Kiosk.OrganizationId, ct) ?? "", found.AdapterName);
    }

    /// <summary>
    /// Uses the code: the kiosk gets a new device secret (the previous device's stops working) and the code is spent.
    /// Conditional on the code still being there, so two devices racing with one code cannot both pair.
    /// </summary>
    /// <returns>The cookie value for the device, or null when the code was spent meanwhile.</returns>
    public static async Task<string?> PairAsync(DiagnosticsDbContext db, Kiosk kiosk, DateTime now, CancellationToken ct)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var secretHash = Hash(secret);
        var codeHash = kiosk.PairingCodeHash;
        var updated = await db.Kiosks
            .Where(k => k.Id == kiosk.Id && k.PairingCodeHash == codeHash && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(k => k.SecretHash, secretHash)
                .SetProperty(k => k.PairedAt, now)
                .SetProperty(k => k.PairingCodeHash, (byte[]?)null)
                .SetProperty(k => k.PairingExpiresAt, (DateTime?)null), ct);
        return updated == 1 ? $"{kiosk.Id:N}.{secret}" : null;
    }
}
