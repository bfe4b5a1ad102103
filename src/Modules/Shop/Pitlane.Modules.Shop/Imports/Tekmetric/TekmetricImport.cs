using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Shop.Imports.Tekmetric;

/// <summary>The job that pulls one shop from Tekmetric: the import run it reports into.</summary>
public sealed record TekmetricImportJob(Guid RunId);

/// <summary>
/// Pulls a Tekmetric shop into Pitlane: customers, then vehicles (by VIN, through the Vehicles module, linked to their
/// owner), then repair orders with their jobs (labor at Tekmetric's rate and hours, parts at its cost and retail, fees
/// and discounts, all in cents) and their state (estimate, work in progress, complete, posted and paid). Every record is
/// keyed by its Tekmetric id, so running it again creates nothing twice: a changed record is updated, an unchanged one
/// skipped. A failed attempt can be retried by the platform for the same reason.
/// </summary>
public sealed class TekmetricImporter(
    ShopDbContext db, TekmetricClient client, ImportWriter writer, RepairOrders.RepairOrders orders, ShopSettingsStore settings,
    IDataProtectionProvider protection, TimeProvider time, ILogger<TekmetricImporter> logger)
    : IJobHandler<TekmetricImportJob>, IJobEndHandler<TekmetricImportJob>
{
    public const string SecretPurpose = "Pitlane.Shop.Imports.Tekmetric.ClientSecret";

    /// <summary>Tekmetric's repair order status ids (repairOrderStatus.id).</summary>
    private const int Estimate = 1, WorkInProgress = 2, Complete = 3, SavedForLater = 4, Posted = 5, AccountsReceivable = 6, Deleted = 7;

    private const double MilesToKm = 1.609344;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<object?> RunAsync(JobContext<TekmetricImportJob> job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var run = await db.ImportRuns.FirstOrDefaultAsync(r => r.Id == job.Payload.RunId && r.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The import run is gone.");
        if (!run.IsActive)
        {
            return null;
        }
        run.Start(Now);
        await db.SaveChangesAsync(ct);
        var connection = await db.ImportConnections.AsNoTracking().FirstOrDefaultAsync(c => c.OrganizationId == job.OrganizationId && c.Source == ImportSources.Tekmetric, ct);
        try
        {
            if (connection is null)
            {
                throw new TekmetricException("The Tekmetric connection was removed before the import ran.");
            }
            var secret = protection.CreateProtector(SecretPurpose).Unprotect(connection.ProtectedSecret);
            var session = new TekmetricSession(client.BaseUrlOf(connection.Environment), connection.ClientId, secret);
            await job.ReportAsync(1, "Signing in to Tekmetric", ct);
            await client.AuthenticateAsync(session, ct);
            var shopId = await ShopAsync(session, connection.ExternalShopId, ct);
            var summary = new ImportSummary();
            await CustomersAsync(job, session, shopId, run.StartedBy, summary, ct);
            await VehiclesAsync(job, session, shopId, run.StartedBy, summary, ct);
            await RepairOrdersAsync(job, session, shopId, run.StartedBy, summary, ct);
            await job.ReportAsync(100, "Done", ct);
            db.ChangeTracker.Clear();
            run = await db.ImportRuns.FirstAsync(r => r.Id == run.Id, ct);
            run.Finish(ImportRunStatus.Succeeded, JsonSerializer.Serialize(summary, JsonSerializerOptions.Web), null, Now);
            await db.SaveChangesAsync(ct);
            return summary;
        }
        catch (TekmetricException e) when (e.Status is null or System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.Unauthorized
            or System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
        {
            // Wrong credentials, no access, a malformed answer: another attempt would meet the same answer.
            db.ChangeTracker.Clear();
            var failed = await db.ImportRuns.FirstAsync(r => r.Id == run.Id, CancellationToken.None);
            failed.Finish(ImportRunStatus.Failed, null, e.Message, Now);
            await db.SaveChangesAsync(CancellationToken.None);
            throw new JobPermanentFailureException(e.Message, e);
        }
    }

    /// <summary>Closes the run when its job ends without succeeding (cancelled, or out of attempts).</summary>
    public async Task JobEndedAsync(JobEnding<TekmetricImportJob> ending, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ending);
        var run = await db.ImportRuns.FirstOrDefaultAsync(r => r.Id == ending.Payload.RunId && r.OrganizationId == ending.OrganizationId, ct);
        if (run is { IsActive: true })
        {
            run.Finish(ending.State == JobState.Cancelled ? ImportRunStatus.Cancelled : ImportRunStatus.Failed, null,
                ending.State == JobState.Cancelled ? "Cancelled." : ending.Error, Now);
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task<long> ShopAsync(TekmetricSession session, long? chosen, CancellationToken ct)
    {
        if (chosen is { } id)
        {
            if (session.ScopeShopIds.Count > 0 && !session.ScopeShopIds.Contains(id))
            {
                throw new TekmetricException($"These Tekmetric credentials do not cover shop {id} (they cover {string.Join(", ", session.ScopeShopIds)}).");
            }
            return id;
        }
        if (session.ScopeShopIds.Count > 0)
        {
            return session.ScopeShopIds[0];
        }
        return (await client.ShopsAsync(session, ct)).Select(s => (long?)s.Id).FirstOrDefault()
            ?? throw new TekmetricException("These Tekmetric credentials reach no shop.");
    }

    private static int Percent(int from, int to, int page, int pages) => from + (int)((to - from) * (page + 1) / (double)Math.Max(1, pages));

    private async Task CustomersAsync(JobContext<TekmetricImportJob> job, TekmetricSession session, long shopId, Guid userId, ImportSummary summary, CancellationToken ct)
    {
        await foreach (var page in client.PagesAsync<TmCustomer>(session, "customers", shopId, ct))
        {
            foreach (var c in page.Content ?? [])
            {
                var id = c.Id.ToString(CultureInfo.InvariantCulture);
                if (c.DeletedDate is not null)
                {
                    summary.Customers.Skipped++;
                    continue;
                }
                var name = string.Join(' ', new[] { c.FirstName, c.LastName }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim()));
                var outcome = await writer.UpsertCustomerAsync(job.OrganizationId, userId, ImportSources.Tekmetric, id, ImportWriter.Fingerprint(c),
                    new ImportedCustomer(name, c.PrimaryPhone, c.FirstEmail, c.IsBusiness), ct);
                Count(summary, ImportEntities.Customer, id, outcome);
            }
            db.ChangeTracker.Clear();
            await job.ReportAsync(Percent(2, 30, page.Number, page.TotalPages), $"Customers: page {page.Number + 1} of {page.TotalPages}", ct);
        }
    }

    private async Task VehiclesAsync(JobContext<TekmetricImportJob> job, TekmetricSession session, long shopId, Guid userId, ImportSummary summary, CancellationToken ct)
    {
        await foreach (var page in client.PagesAsync<TmVehicle>(session, "vehicles", shopId, ct))
        {
            foreach (var v in page.Content ?? [])
            {
                var id = v.Id.ToString(CultureInfo.InvariantCulture);
                if (v.DeletedDate is not null)
                {
                    summary.Vehicles.Skipped++;
                    continue;
                }
                if (string.IsNullOrWhiteSpace(v.Vin))
                {
                    summary.Vehicles.Skipped++;
                    summary.Add(new ImportIssue(ImportEntities.Vehicle, id, null, $"{Describe(v)} has no VIN in Tekmetric: Pitlane keeps vehicles by VIN, so it was left out.", Warning: true));
                    continue;
                }
                var owner = await writer.RefAsync(job.OrganizationId, ImportSources.Tekmetric, ImportEntities.Customer, v.CustomerId.ToString(CultureInfo.InvariantCulture), ct);
                if (owner is null)
                {
                    Count(summary, ImportEntities.Vehicle, id, ImportOutcome.Fail($"Its owner (Tekmetric customer {v.CustomerId}) was not imported."));
                    continue;
                }
                var outcome = await writer.UpsertVehicleAsync(job.OrganizationId, userId, v.Vin, owner.LocalId, ImportSources.Tekmetric, id, ImportWriter.Fingerprint(v), ct);
                Count(summary, ImportEntities.Vehicle, id, outcome is { Error: { } error } ? outcome with { Error = $"VIN {v.Vin}: {error}" } : outcome);
            }
            db.ChangeTracker.Clear();
            await job.ReportAsync(Percent(30, 55, page.Number, page.TotalPages), $"Vehicles: page {page.Number + 1} of {page.TotalPages}", ct);
        }
    }

    private static string Describe(TmVehicle v) =>
        string.Join(' ', new[] { v.Year?.ToString(CultureInfo.InvariantCulture), v.Make, v.Model }.Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } t
            ? $"The {t}" : $"Vehicle {v.Id}";

    private async Task RepairOrdersAsync(JobContext<TekmetricImportJob> job, TekmetricSession session, long shopId, Guid userId, ImportSummary summary, CancellationToken ct)
    {
        var shop = await settings.GetAsync(job.OrganizationId, ct);
        await foreach (var page in client.PagesAsync<TmRepairOrder>(session, "repair-orders", shopId, ct))
        {
            foreach (var ro in page.Content ?? [])
            {
                var id = ro.Id.ToString(CultureInfo.InvariantCulture);
                try
                {
                    Count(summary, ImportEntities.RepairOrder, id, await RepairOrderAsync(job.OrganizationId, userId, ro, shop, summary, ct));
                }
                catch (DbUpdateException e)
                {
                    logger.LogWarning(e, "Tekmetric repair order {Id} could not be saved", ro.Id);
                    Count(summary, ImportEntities.RepairOrder, id, ImportOutcome.Fail("It could not be saved: " + e.InnerException?.Message));
                }
                db.ChangeTracker.Clear();
            }
            await job.ReportAsync(Percent(55, 99, page.Number, page.TotalPages), $"Repair orders: page {page.Number + 1} of {page.TotalPages}", ct);
        }
    }

    private async Task<ImportOutcome> RepairOrderAsync(Guid organizationId, Guid userId, TmRepairOrder ro, ShopSettings shop, ImportSummary summary, CancellationToken ct)
    {
        var id = ro.Id.ToString(CultureInfo.InvariantCulture);
        if (ro.StatusId == Deleted || ro.DeletedDate is not null)
        {
            return new(null, ImportChange.Unchanged);
        }
        var fingerprint = ImportWriter.Fingerprint(ro);
        var known = await writer.RefAsync(organizationId, ImportSources.Tekmetric, ImportEntities.RepairOrder, id, ct);
        if (known is not null && known.Fingerprint == fingerprint)
        {
            return new(known.LocalId, ImportChange.Unchanged);
        }
        var customer = await writer.RefAsync(organizationId, ImportSources.Tekmetric, ImportEntities.Customer, ro.CustomerId.ToString(CultureInfo.InvariantCulture), ct);
        var vehicle = await writer.RefAsync(organizationId, ImportSources.Tekmetric, ImportEntities.Vehicle, ro.VehicleId.ToString(CultureInfo.InvariantCulture), ct);
        if (customer is null || vehicle is null)
        {
            return ImportOutcome.Fail($"RO #{ro.RepairOrderNumber}: its {(customer is null ? $"customer ({ro.CustomerId})" : $"vehicle ({ro.VehicleId})")} was not imported.");
        }
        var importer = new Actor(userId, Now);
        var order = known is null ? null : await orders.FindAsync(organizationId, known.LocalId, ct);
        var creating = order is null;
        if (order is null)
        {
            var number = (await db.RepairOrders.Where(r => r.OrganizationId == organizationId).MaxAsync(r => (int?)r.Number, ct) ?? 0) + 1;
            var odometer = ro.MilesIn is { } miles and >= 0 and < 3_000_000 ? (int)Math.Round((double)miles * MilesToKm, MidpointRounding.AwayFromZero) : (int?)null;
            order = RepairOrder.Open(organizationId, number, customer.LocalId, vehicle.LocalId, shop.Currency, shop.Taxes, odometer,
                new Actor(userId, ro.CreatedDate?.UtcDateTime ?? Now));
            db.RepairOrders.Add(order);
        }
        await JobsAsync(organizationId, order, ro, importer, ct);
        Advance(order, ro, importer, summary);
        if (creating)
        {
            db.Audit.Add(ShopAuditEntry.Of(organizationId, RepairOrder.EntityType, order.Id, importer, "import", null,
                $"Tekmetric RO #{ro.RepairOrderNumber} (id {ro.Id})"));
        }
        var changed = order.Changes.Count > 0;
        db.Audit.AddRange(order.Changes);
        writer.KeepRef(known, organizationId, ImportSources.Tekmetric, ImportEntities.RepairOrder, id, order.Id, fingerprint);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException) when (creating && attempt < 5 && db.ChangeTracker.Entries<RepairOrder>().Any(e => e.State == EntityState.Added))
            {
                // An advisor opened an RO with the same number meanwhile (unique per shop): take the next number.
                var taken = await db.RepairOrders.AsNoTracking().Where(r => r.OrganizationId == organizationId).MaxAsync(r => (int?)r.Number, ct) ?? 0;
                db.Entry(order).Property(nameof(RepairOrder.Number)).CurrentValue = taken + 1;
            }
        }
        order.ForgetChanges();
        if (order.InvoicedTotal is { } total && total != ro.TotalSales && creating)
        {
            summary.Add(new ImportIssue(ImportEntities.RepairOrder, id, null,
                $"RO #{ro.RepairOrderNumber}: Tekmetric's total is {Money(ro.TotalSales)}, Pitlane computes {Money(total)} with this shop's tax rates.", Warning: true));
        }
        return new(order.Id, creating ? ImportChange.Created : changed ? ImportChange.Updated : ImportChange.Unchanged);
    }

    private static string Money(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Adds the jobs not seen before; re-prices a seen job whose Tekmetric lines changed while the RO can still change;
    /// applies the customer's decisions (authorized true, false for declined, null still pending). RO-level fees and
    /// discounts go on a job of their own.
    /// </summary>
    private async Task JobsAsync(Guid organizationId, RepairOrder order, TmRepairOrder ro, Actor actor, CancellationToken ct)
    {
        var jobs = (ro.Jobs ?? []).Where(j => !j.Archived)
            .Select(j => (ExternalId: j.Id.ToString(CultureInfo.InvariantCulture), Job: j)).ToList();
        if ((ro.Fees?.Count ?? 0) + (ro.Discounts?.Count ?? 0) > 0)
        {
            jobs.Add(($"ro-{ro.Id}-fees", new TmJob(0, "Fees and discounts", true, null, null, null, null, ro.Fees, ro.Discounts, 0, 0, ro.FeeTotal, ro.DiscountTotal, 0, false, null)));
        }
        var authorise = new List<Guid>();
        var decline = new List<Guid>();
        var started = ro.StatusId is WorkInProgress or Complete or Posted or AccountsReceivable;
        foreach (var (externalId, tm) in jobs)
        {
            var fingerprint = ImportWriter.Fingerprint(tm);
            var known = await writer.RefAsync(organizationId, ImportSources.Tekmetric, ImportEntities.Job, externalId, ct);
            var job = known is null ? null : order.Job(known.LocalId);
            if (job is null)
            {
                var (added, _) = order.AddJob(Clip(tm.Name, 200) ?? "Job", Clip(tm.Note, RepairOrders.RepairOrders.MaxText), null, "Tekmetric", actor);
                if (added is null)
                {
                    // The RO is completed or invoiced here: new work in Tekmetric cannot join it.
                    continue;
                }
                job = added;
                foreach (var line in Lines(tm))
                {
                    order.AddLine(job.Id, line, actor);
                }
            }
            else if (known!.Fingerprint != fingerprint && job.Status is JobStatus.Pending or JobStatus.Authorised or JobStatus.Declined && !order.IsLocked
                && order.Status < RepairOrderStatus.Completed)
            {
                foreach (var line in job.Lines.ToList())
                {
                    order.RemoveLine(job.Id, line.Id, actor);
                }
                foreach (var line in Lines(tm))
                {
                    order.AddLine(job.Id, line, actor);
                }
            }
            writer.KeepRef(known, organizationId, ImportSources.Tekmetric, ImportEntities.Job, externalId, job.Id, fingerprint);
            if (job.Status is JobStatus.Pending or JobStatus.Authorised or JobStatus.Declined)
            {
                // Once work started in Tekmetric, a job nobody authorised was in effect declined.
                var decision = tm.Authorized ?? (started ? false : null);
                if (decision == true && job.Status != JobStatus.Authorised)
                {
                    authorise.Add(job.Id);
                }
                else if (decision == false && job.Status != JobStatus.Declined)
                {
                    decline.Add(job.Id);
                }
            }
        }
        if (decline.Count > 0)
        {
            order.Decline(decline, actor);
        }
        if (authorise.Count > 0)
        {
            order.Authorise(authorise, actor);
        }
    }

    private static IEnumerable<RepairOrderLine> Lines(TmJob job)
    {
        foreach (var l in job.Labor ?? [])
        {
            yield return RepairOrderLine.Labor(Clip(l.Name, 300) ?? Clip(job.Name, 300) ?? "Labor", "standard", Hundredths(l.Hours), l.Rate);
        }
        foreach (var p in job.Parts ?? [])
        {
            var description = Clip(p.Name, 300) ?? Clip(p.Description, 300) ?? p.PartNumber ?? "Part";
            yield return RepairOrderLine.Part(description, Clip(p.PartNumber, 60), Hundredths(p.Quantity), p.Cost, p.Retail, 0);
        }
        foreach (var f in job.Fees ?? [])
        {
            yield return RepairOrderLine.Fee(Clip(f.Name, 300) ?? "Fee", f.Total);
        }
        var laborTotal = (job.Labor ?? []).Sum(l => RepairOrders.ShopMoney.Extend(Hundredths(l.Hours), l.Rate));
        foreach (var d in job.Discounts ?? [])
        {
            // Tekmetric does not say what a discount comes off: labor when the labor covers it, else parts.
            yield return RepairOrderLine.Discount(Clip(d.Name, 300) ?? "Discount", laborTotal >= d.Total ? TaxCategory.Labor : TaxCategory.Parts, d.Total, 0);
        }
    }

    /// <summary>Moves the RO forward to Tekmetric's state (never back): started, completed, invoiced, paid.</summary>
    private static void Advance(RepairOrder order, TmRepairOrder ro, Actor actor, ImportSummary summary)
    {
        var target = ro.StatusId switch
        {
            WorkInProgress => RepairOrderStatus.InProgress,
            Complete => RepairOrderStatus.Completed,
            Posted or AccountsReceivable => RepairOrderStatus.Invoiced,
            _ => RepairOrderStatus.Estimate,
        };
        if (target >= RepairOrderStatus.InProgress && order.Status == RepairOrderStatus.Authorised)
        {
            order.Start(actor);
        }
        if (target >= RepairOrderStatus.InProgress && order.Status < RepairOrderStatus.InProgress)
        {
            summary.Add(new ImportIssue(ImportEntities.RepairOrder, ro.Id.ToString(CultureInfo.InvariantCulture), null,
                $"RO #{ro.RepairOrderNumber} is past the estimate in Tekmetric but has no authorised job: it stays an estimate here.", Warning: true));
            return;
        }
        if (target >= RepairOrderStatus.Completed && order.Status == RepairOrderStatus.InProgress)
        {
            order.Complete(actor with { At = ro.CompletedDate?.UtcDateTime ?? actor.At });
        }
        if (target >= RepairOrderStatus.Invoiced && order.Status == RepairOrderStatus.Completed)
        {
            order.Invoice($"INV-{order.Number:D5}", actor with { At = ro.PostedDate?.UtcDateTime ?? actor.At });
        }
        if (order.Status == RepairOrderStatus.Invoiced)
        {
            var recorded = order.Payments.Where(p => p.Method == "tekmetric").Sum(p => p.Amount);
            var owed = Math.Min(ro.AmountPaid - recorded, order.BalanceDue);
            if (owed > 0)
            {
                order.RecordPayment("tekmetric", owed, $"paid in Tekmetric (RO #{ro.RepairOrderNumber})", null, actor with { At = ro.PostedDate?.UtcDateTime ?? actor.At });
            }
        }
    }

    private static int Hundredths(decimal value) => (int)Math.Clamp(Math.Round(value * 100, MidpointRounding.AwayFromZero), 0, int.MaxValue);

    private static string? Clip(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().Length > max ? text.Trim()[..max] : text.Trim();

    private static void Count(ImportSummary summary, string entity, string externalId, ImportOutcome outcome)
    {
        var counts = summary.For(entity);
        switch (outcome.Change)
        {
            case ImportChange.Created: counts.Created++; break;
            case ImportChange.Updated: counts.Updated++; break;
            case ImportChange.Unchanged: counts.Skipped++; break;
            default:
                counts.Errors++;
                summary.Add(new ImportIssue(entity, externalId, null, outcome.Error ?? "Failed."));
                break;
        }
    }
}
