using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Shop.Imports.Csv;
using Pitlane.Modules.Shop.Imports.Tekmetric;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Imports;

/// <param name="ClientSecret">Write-only: kept encrypted, never returned; omit it to keep the stored one.</param>
public sealed record TekmetricConnectionRequest(string? Environment, string? ClientId, string? ClientSecret, long? ShopId);

public sealed record TekmetricConnectionResponse(string Environment, string ClientId, long? ShopId, bool SecretStored, DateTime UpdatedAt);

public sealed record ImportJobView(Guid Id, string State, int Progress, string? Message, string? Error);

public sealed record ImportRunResponse(
    Guid Id, string Source, string Status, string? FileName, Guid StartedBy, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt,
    string? Error, ImportSummary? Summary, ImportJobView? Job)
{
    public static ImportRunResponse From(ImportRun run, Job? job) => new(
        run.Id, run.Source, run.Status.ToString().ToLowerInvariant(), run.FileName, run.StartedBy, run.CreatedAt, run.StartedAt, run.FinishedAt, run.Error,
        run.Summary is null ? null : JsonSerializer.Deserialize<ImportSummary>(run.Summary, JsonSerializerOptions.Web),
        job is null ? null : new ImportJobView(job.Id, JobStates.Name(job.State), job.Progress, job.ProgressMessage, job.Error));
}

/// <summary>
/// /api/v1/shop/imports: bring a shop's customers, vehicles and repair orders over from Tekmetric (a background job
/// with progress and a summary) or its customers and vehicles from a CSV file (dry run, then commit). Managers only.
/// </summary>
public static class ImportEndpoints
{
    private const string NoConnection = "No Tekmetric connection yet: PUT /api/v1/shop/imports/tekmetric/connection with your client id and secret.";

    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder routes)
    {
        var imports = routes.MapTenantApi("/api/v1/shop/imports", "Shop");
        imports.MapGet("/tekmetric/connection", GetConnection).RequirePermission(ShopPermissions.Import);
        imports.MapPut("/tekmetric/connection", PutConnection).RequirePermission(ShopPermissions.Import);
        imports.MapDelete("/tekmetric/connection", DeleteConnection).RequirePermission(ShopPermissions.Import);
        imports.MapPost("/tekmetric/runs", StartTekmetric).RequirePermission(ShopPermissions.Import);
        imports.MapGet("/runs", Runs).RequirePermission(ShopPermissions.Import);
        imports.MapGet("/runs/{id:guid}", Run).RequirePermission(ShopPermissions.Import);
        var maxCsv = routes.ServiceProvider.GetService(typeof(IOptions<ShopOptions>)) is IOptions<ShopOptions> o ? o.Value.MaxCsvBytes : new ShopOptions().MaxCsvBytes;
        imports.MapPost("/csv", ImportCsv).RequirePermission(ShopPermissions.Import).AcceptsBodyUpTo(maxCsv);
        return routes;
    }

    private static TekmetricConnectionResponse View(ImportConnection c) => new(c.Environment, c.ClientId, c.ExternalShopId, c.ProtectedSecret.Length > 0, c.UpdatedAt);

    private static async Task<IResult> GetConnection(OrganizationScope scope, ShopDbContext db, CancellationToken ct) =>
        await db.ImportConnections.AsNoTracking().FirstOrDefaultAsync(c => c.OrganizationId == scope.OrganizationId && c.Source == ImportSources.Tekmetric, ct) is { } c
            ? TypedResults.Ok(View(c))
            : Problems.NotFound(NoConnection);

    private static async Task<IResult> PutConnection(TekmetricConnectionRequest request, OrganizationScope scope, ShopDbContext db, IDataProtectionProvider protection,
        TimeProvider time, CancellationToken ct)
    {
        var existing = await db.ImportConnections.FirstOrDefaultAsync(c => c.OrganizationId == scope.OrganizationId && c.Source == ImportSources.Tekmetric, ct);
        var environment = request.Environment?.Trim().ToLowerInvariant() ?? existing?.Environment ?? "production";
        var check = new Validation()
            .Require(environment is "production" or "sandbox", "environment", "environment is production or sandbox.")
            .Require(request.ClientId is { } id && id.Trim().Length is > 0 and <= 200 && id.All(ch => ch > ' ' && ch < 0x7F), "clientId",
                "clientId is Tekmetric's client id: 1 to 200 visible characters.")
            .Require(request.ClientSecret is null ? existing is not null : request.ClientSecret.Trim().Length is > 0 and <= 500,
                "clientSecret", "clientSecret is required the first time (at most 500 characters).")
            .Require(request.ShopId is null or > 0, "shopId", "shopId is Tekmetric's shop id (a positive number), or leave it out for the first shop of the credentials.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (existing is null)
        {
            existing = new ImportConnection(scope.OrganizationId, ImportSources.Tekmetric, now);
            db.ImportConnections.Add(existing);
        }
        var secret = request.ClientSecret is { } s ? protection.CreateProtector(TekmetricImporter.SecretPurpose).Protect(s.Trim()) : existing.ProtectedSecret;
        existing.Set(environment, request.ClientId!.Trim(), secret, request.ShopId, now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(existing));
    }

    private static async Task<IResult> DeleteConnection(OrganizationScope scope, ShopDbContext db, CancellationToken ct) =>
        await db.ImportConnections.Where(c => c.OrganizationId == scope.OrganizationId && c.Source == ImportSources.Tekmetric).ExecuteDeleteAsync(ct) > 0
            ? TypedResults.NoContent()
            : Problems.NotFound(NoConnection);

    /// <summary>202 with the run; 409 while another Tekmetric import of this shop is queued or running.</summary>
    private static async Task<IResult> StartTekmetric(OrganizationScope scope, ShopDbContext db, JobQueue jobs, TimeProvider time, CancellationToken ct)
    {
        if (!await db.ImportConnections.AnyAsync(c => c.OrganizationId == scope.OrganizationId && c.Source == ImportSources.Tekmetric, ct))
        {
            return Problems.Conflict(NoConnection);
        }
        if (await db.ImportRuns.AnyAsync(r => r.OrganizationId == scope.OrganizationId && r.Source == ImportSources.Tekmetric
            && (r.Status == ImportRunStatus.Queued || r.Status == ImportRunStatus.Running), ct))
        {
            return Problems.Conflict("A Tekmetric import of this shop is already under way: wait for it to finish.");
        }
        var run = new ImportRun(scope.OrganizationId, ImportSources.Tekmetric, scope.UserId, null, time.GetUtcNow().UtcDateTime);
        db.ImportRuns.Add(run);
        var jobId = jobs.Enqueue(db, scope.OrganizationId, new TekmetricImportJob(run.Id));
        run.Queue(jobId);
        await db.SaveChangesAsync(ct);
        jobs.WakeLocal(jobId);
        var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        return TypedResults.Accepted($"/api/v1/shop/imports/runs/{run.Id}", ImportRunResponse.From(run, job));
    }

    private static async Task<IResult> Runs(OrganizationScope scope, ShopDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var runs = await paging.ApplyAsync(db.ImportRuns.AsNoTracking().Where(r => r.OrganizationId == scope.OrganizationId).OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id), ct);
        var jobIds = runs.Items.Select(r => r.JobId).OfType<Guid>().ToList();
        var found = await db.Set<Job>().AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, ct);
        return TypedResults.Ok(runs.Map(r => ImportRunResponse.From(r, r.JobId is { } id ? found.GetValueOrDefault(id) : null)));
    }

    private static async Task<IResult> Run(Guid id, OrganizationScope scope, ShopDbContext db, CancellationToken ct)
    {
        if (await db.ImportRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct) is not { } run)
        {
            return Problems.NotFound("No such import.");
        }
        var job = run.JobId is { } jobId ? await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct) : null;
        return TypedResults.Ok(ImportRunResponse.From(run, job));
    }

    /// <summary>
    /// The CSV file is the request body (text/csv, UTF-8). ?dryRun=true (the default) checks every row and says what
    /// would happen; ?dryRun=false imports the valid rows. Columns are found by header; col.&lt;field&gt;=&lt;header&gt;
    /// names one (fields: name, phone, email, plate, vin, year, make, model). 413 over the size limit, 400 with the line
    /// for a file that is not CSV.
    /// </summary>
    private static async Task<IResult> ImportCsv(HttpContext http, OrganizationScope scope, CsvImport import, IOptions<ShopOptions> options, CancellationToken ct)
    {
        var max = options.Value.MaxCsvBytes;
        if (http.Request.ContentLength > max)
        {
            return Problems.TooLarge($"A CSV file is at most {max} bytes: split it into smaller files.");
        }
        var query = http.Request.Query;
        var dryRun = true;
        if (query.TryGetValue("dryRun", out var dry) && !bool.TryParse(dry.ToString(), out dryRun))
        {
            return Problems.Invalid("dryRun", "dryRun is true or false.");
        }
        var mapping = query.Where(q => q.Key.StartsWith("col.", StringComparison.Ordinal))
            .ToDictionary(q => q.Key["col.".Length..].ToLowerInvariant(), q => q.Value.ToString(), StringComparer.Ordinal);
        var fileName = query.TryGetValue("fileName", out var name) ? name.ToString() : null;
        if (fileName is { Length: > 200 })
        {
            return Problems.Invalid("fileName", "fileName is at most 200 characters.");
        }
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > max)
            {
                return Problems.TooLarge($"A CSV file is at most {max} bytes: split it into smaller files.");
            }
            body.Write(buffer, 0, read);
        }
        if (body.Length == 0)
        {
            return Problems.BadRequest("Send the CSV file as the request body (Content-Type: text/csv), with a header row.");
        }
        IReadOnlyList<CsvRecord> records;
        try
        {
            records = CsvParser.Parse(body.GetBuffer().AsSpan(0, (int)body.Length), options.Value.MaxCsvRows + 1);
        }
        catch (CsvFormatException e)
        {
            return Problems.Invalid("file", e.Message);
        }
        if (records.Count < 2)
        {
            return Problems.Invalid("file", "The file needs a header row and at least one row of data.");
        }
        var (columns, errors) = CsvImport.Map(records[0].Fields, mapping);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        return TypedResults.Ok(await import.RunAsync(scope.OrganizationId, scope.UserId, records, columns, dryRun, fileName, ct));
    }
}
