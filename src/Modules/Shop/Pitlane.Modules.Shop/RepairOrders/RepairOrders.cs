using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Shop.RepairOrders;

/// <summary>What a use case answers: a value, field errors (400), a broken rule (409), or nothing there (404).</summary>
public sealed record Outcome<T>(T? Value, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false)
{
    public static Outcome<T> Missing { get; } = new(default, NotFound: true);

    public static Outcome<T> Invalid(string field, string message) => new(default, new() { [field] = [message] });

    public static Outcome<T> Refused(string conflict) => new(default, Conflict: conflict);
}

/// <summary>A line to add to a job. Kind "labor": hours, laborCategory. "part": quantity, unitCost, unitPrice?, coreCharge. "fee": amount. "discount": appliesTo and amount or percent.</summary>
public sealed record AddLineRequest(
    string? Kind, string? Description, decimal? Hours = null, string? LaborCategory = null, string? PartNumber = null, decimal? Quantity = null,
    long? UnitCost = null, long? UnitPrice = null, long? CoreCharge = null, long? Amount = null, decimal? Percent = null, string? AppliesTo = null);

/// <summary>Repair orders: open, add work, take the customer's decisions, do the work, invoice, get paid, close.</summary>
public sealed class RepairOrders(ShopDbContext db, IVehicleDirectory vehicles, IPayments payments, ShopSettingsStore settings, ILiveChannel live, TimeProvider time)
    : IRepairOrderJobs
{
    public const int MaxText = 2000;

    public Actor Actor(Guid userId) => new(userId, time.GetUtcNow().UtcDateTime);

    public Task<RepairOrder?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) => db.RepairOrders
        .Include(r => r.Jobs).ThenInclude(j => j.Lines).Include(r => r.Payments).Include(r => r.CreditNotes).AsSplitQuery()
        .FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == organizationId, ct);

    public async Task<Outcome<RepairOrder>> OpenAsync(Guid organizationId, Guid userId, Guid? customerId, Guid? vehicleId, int? odometerKm, CancellationToken ct)
    {
        var check = new Pitlane.Platform.Validation()
            .Require(customerId is not null, "customerId", "Choose the customer.")
            .Require(vehicleId is not null, "vehicleId", "Choose the vehicle.")
            .Require(odometerKm is null or >= 0 and <= 5_000_000, "odometerKm", "odometerKm must be between 0 and 5000000.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (!await db.Customers.AnyAsync(c => c.Id == customerId && c.OrganizationId == organizationId, ct))
        {
            return Outcome<RepairOrder>.Invalid("customerId", "No such customer in this shop.");
        }
        if (!await vehicles.BelongsToAsync(vehicleId!.Value, organizationId, ct))
        {
            return Outcome<RepairOrder>.Invalid("vehicleId", "No such vehicle in this shop.");
        }
        var shop = await settings.GetAsync(organizationId, ct);
        for (var attempt = 0; ; attempt++)
        {
            var number = (await db.RepairOrders.Where(r => r.OrganizationId == organizationId).MaxAsync(r => (int?)r.Number, ct) ?? 0) + 1;
            var order = RepairOrder.Open(organizationId, number, customerId!.Value, vehicleId.Value, shop.Currency, shop.Taxes, odometerKm, Actor(userId));
            db.RepairOrders.Add(order);
            db.Audit.AddRange(order.Changes);
            try
            {
                await db.SaveChangesAsync(ct);
                order.ForgetChanges();
                await PublishAsync(order, ct);
                return new(order);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Two advisors took the same number at once (unique per shop): take the next one.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <inheritdoc />
    public async Task<AddShopJobResult> AddJobAsync(Guid organizationId, Guid repairOrderId, NewShopJob job, CancellationToken ct) =>
        await AddJobAsync(organizationId, repairOrderId, job, Guid.Empty, ct) switch
        {
            { NotFound: true } => new AddShopJobResult(null, NotFound: true),
            { Errors: { } errors } => new AddShopJobResult(null, errors),
            { Conflict: { } conflict } => new AddShopJobResult(null, Conflict: conflict),
            var done => new AddShopJobResult(done.Value!.Id),
        };

    /// <summary>A job with its lines, priced by the shop's rules, in one change; <paramref name="userId"/> empty for another module's call.</summary>
    public async Task<Outcome<RepairOrderJob>> AddJobAsync(Guid organizationId, Guid repairOrderId, NewShopJob job, Guid userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var check = new Pitlane.Platform.Validation()
            .Require(!string.IsNullOrWhiteSpace(job.Title) && job.Title.Trim().Length <= 200, "title", "The job needs a title of at most 200 characters.")
            .Require(job.Concern is null || job.Concern.Length <= MaxText, "concern", $"concern is at most {MaxText} characters.")
            .Require(job.Cause is null || job.Cause.Length <= MaxText, "cause", $"cause is at most {MaxText} characters.")
            .Require((job.Labor?.Count ?? 0) + (job.Parts?.Count ?? 0) <= 100, "lines", "At most 100 lines per job.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var shop = await settings.GetAsync(organizationId, ct);
        var lines = new List<RepairOrderLine>();
        var errors = new Dictionary<string, string[]>();
        foreach (var (labor, i) in (job.Labor ?? []).Select((l, i) => (l, i)))
        {
            var built = BuildLine(new AddLineRequest("labor", labor.Description, Hours: labor.Hours, LaborCategory: labor.LaborCategory), shop, $"labor[{i}].");
            Collect(built, lines, errors);
        }
        foreach (var (part, i) in (job.Parts ?? []).Select((p, i) => (p, i)))
        {
            var built = BuildLine(new AddLineRequest("part", part.Description, PartNumber: part.PartNumber, Quantity: part.Quantity, UnitCost: part.UnitCost,
                UnitPrice: part.UnitPrice, CoreCharge: part.CoreCharge), shop, $"parts[{i}].");
            Collect(built, lines, errors);
        }
        if (errors.Count > 0)
        {
            return new(null, errors);
        }
        return await ChangeAsync(organizationId, repairOrderId, userId, order =>
        {
            var (added, conflict) = order.AddJob(job.Title.Trim(), Trim(job.Concern), Trim(job.Cause), job.Source, Actor(userId));
            if (added is null)
            {
                return Outcome<RepairOrderJob>.Refused(conflict!);
            }
            foreach (var line in lines)
            {
                order.AddLine(added.Id, line, Actor(userId));
            }
            return new(added);
        }, ct);
    }

    public async Task<Outcome<RepairOrderLine>> AddLineAsync(Guid organizationId, Guid repairOrderId, Guid jobId, AddLineRequest request, Guid userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var built = BuildLine(request, await settings.GetAsync(organizationId, ct), "");
        if (built.Value is null)
        {
            return built;
        }
        return await ChangeAsync(organizationId, repairOrderId, userId, order =>
        {
            var (line, conflict) = order.AddLine(jobId, built.Value, Actor(userId));
            return line is not null ? new(line) : conflict is not null ? Outcome<RepairOrderLine>.Refused(conflict) : Outcome<RepairOrderLine>.Missing;
        }, ct);
    }

    /// <summary>
    /// Loads the RO, applies <paramref name="change"/> (its methods hold the rules) and saves the change with its audit
    /// entries in one transaction. A concurrent change of the same RO makes this one a 409 (optimistic concurrency).
    /// </summary>
    public async Task<Outcome<T>> ChangeAsync<T>(Guid organizationId, Guid repairOrderId, Guid userId, Func<RepairOrder, Outcome<T>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (await FindAsync(organizationId, repairOrderId, ct) is not { } order)
        {
            return Outcome<T>.Missing;
        }
        var outcome = change(order);
        if (outcome.Value is null)
        {
            return outcome;
        }
        db.Audit.AddRange(order.Changes);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<T>.Refused("Someone else changed this repair order at the same time: reload it and try again.");
        }
        order.ForgetChanges();
        await PublishAsync(order, ct);
        return outcome;
    }

    /// <summary>A rule-only change (authorise, start, complete…): the RO after it.</summary>
    public Task<Outcome<RepairOrder>> ChangeAsync(Guid organizationId, Guid repairOrderId, Guid userId, Func<RepairOrder, Actor, string?> rule, CancellationToken ct) =>
        ChangeAsync(organizationId, repairOrderId, userId, order => rule(order, Actor(userId)) is { } conflict ? Outcome<RepairOrder>.Refused(conflict) : new(order), ct);

    /// <summary>Invoices the RO: freezes its total and locks it (INV-00042 follows the RO number).</summary>
    public Task<Outcome<RepairOrder>> InvoiceAsync(Guid organizationId, Guid repairOrderId, Guid userId, CancellationToken ct) =>
        ChangeAsync(organizationId, repairOrderId, userId, (order, actor) => order.Invoice($"INV-{order.Number:D5}", actor), ct);

    /// <summary>
    /// A payment link for the balance: an intent through the Payments module, paid by the customer on its hosted page.
    /// The RO becomes paid when the payment succeeds (<see cref="SyncOnlinePaymentAsync"/>).
    /// </summary>
    public async Task<Outcome<PaymentIntentView>> CreatePaymentLinkAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct)
    {
        if (await FindAsync(organizationId, repairOrderId, ct) is not { } order)
        {
            return Outcome<PaymentIntentView>.Missing;
        }
        if (order.Status != RepairOrderStatus.Invoiced || order.BalanceDue <= 0)
        {
            return Outcome<PaymentIntentView>.Refused(order.Status < RepairOrderStatus.Invoiced ? "Invoice the repair order before asking for payment." : "Nothing is owed on this repair order.");
        }
        var created = await payments.CreateIntentAsync(organizationId,
            new NewPaymentIntent(order.BalanceDue, order.Currency, Description: $"Invoice {order.InvoiceNumber} (repair order {order.Number})",
                Reference: PaymentReference(order.Id)), ct);
        if (created.Intent is not { } intent)
        {
            return created.Errors is { } errors ? new(null, errors) : Outcome<PaymentIntentView>.Refused(created.Conflict ?? "The payment could not be created.");
        }
        return await ChangeAsync(organizationId, repairOrderId, Guid.Empty, o => o.LinkPaymentIntent(intent.Id, Actor(Guid.Empty)) is { } c
            ? Outcome<PaymentIntentView>.Refused(c) : new(intent), ct);
    }

    public const string ReferencePrefix = "shop.invoice:";

    public static string PaymentReference(Guid repairOrderId) => $"{ReferencePrefix}{repairOrderId:N}";

    /// <summary>Asks the Payments module about the RO's online payment and records it once it succeeded (idempotent by intent).</summary>
    public async Task<Outcome<RepairOrder>> SyncOnlinePaymentAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct)
    {
        if (await FindAsync(organizationId, repairOrderId, ct) is not { } order)
        {
            return Outcome<RepairOrder>.Missing;
        }
        if (order.PaymentIntentId is not { } intentId || order.Payments.Any(p => p.PaymentIntentId == intentId))
        {
            return new(order);
        }
        var intent = await payments.FindAsync(organizationId, intentId, ct);
        if (intent is not { Status: "succeeded", AmountReceived: > 0 })
        {
            return new(order);
        }
        return await RecordOnlineAsync(organizationId, repairOrderId, intent.Id, intent.AmountReceived, intent.ProcessorId, ct);
    }

    public Task<Outcome<RepairOrder>> RecordOnlineAsync(Guid organizationId, Guid repairOrderId, Guid intentId, long amount, string reference, CancellationToken ct) =>
        ChangeAsync(organizationId, repairOrderId, Guid.Empty, (order, actor) => order.RecordPayment("online", amount, reference, intentId, actor).Conflict, ct);

    public async Task<IReadOnlyList<ShopAuditEntry>> AuditOfAsync(Guid organizationId, string entityType, Guid entityId, CancellationToken ct) =>
        await db.Audit.AsNoTracking().Where(a => a.OrganizationId == organizationId && a.EntityType == entityType && a.EntityId == entityId)
            .OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(ct);

    private Outcome<RepairOrderLine> BuildLine(AddLineRequest request, ShopSettings shop, string prefix)
    {
        var check = new Pitlane.Platform.Validation();
        var description = request.Description?.Trim();
        check.Require(!string.IsNullOrEmpty(description) && description.Length <= 300, prefix + "description", "A line needs a description of at most 300 characters.");
        const long maxAmount = 100_000_000_00;
        switch (request.Kind?.ToLowerInvariant())
        {
            case "labor":
            {
                var hours = request.Hours is { } h ? ShopMoney.ToHundredths(h) : null;
                check.Require(hours is > 0 and <= 100_000, prefix + "hours", "hours must be more than 0 and at most 1000, to 0.01 h.");
                var category = string.IsNullOrWhiteSpace(request.LaborCategory) ? "standard" : request.LaborCategory.Trim().ToLowerInvariant();
                var rate = shop.RateFor(category);
                check.Require(rate is not null, prefix + "laborCategory", $"The shop has no labor rate for \"{category}\" ({string.Join(", ", shop.LaborRates.Select(r => r.Category))}).");
                // The cost per hour is kept on the line, so a later change of the shop's cost rates leaves past gross profit as it was.
                return check.IsValid ? new(RepairOrderLine.Labor(description!, category, hours!.Value, rate!.Value, shop.CostFor(category) ?? 0)) : new(null, check.Errors);
            }
            case "part":
            {
                var quantity = request.Quantity is { } q ? ShopMoney.ToHundredths(q) : null;
                check.Require(quantity is > 0 and <= 1_000_000, prefix + "quantity", "quantity must be more than 0 and at most 10000, to 0.01.");
                check.Require(request.UnitCost is >= 0 and <= maxAmount, prefix + "unitCost", "unitCost (minor units) is required and cannot be negative.");
                check.Require(request.UnitPrice is null or >= 0 and <= maxAmount, prefix + "unitPrice", "unitPrice (minor units) cannot be negative.");
                check.Require(request.CoreCharge is null or >= 0 and <= maxAmount, prefix + "coreCharge", "coreCharge (minor units) cannot be negative.");
                check.Require(request.PartNumber is null || request.PartNumber.Length <= 60, prefix + "partNumber", "partNumber is at most 60 characters.");
                return check.IsValid
                    ? new(RepairOrderLine.Part(description!, Trim(request.PartNumber), quantity!.Value, request.UnitCost!.Value,
                        request.UnitPrice ?? shop.PriceFor(request.UnitCost!.Value), request.CoreCharge ?? 0))
                    : new(null, check.Errors);
            }
            case "fee":
                check.Require(request.Amount is > 0 and <= maxAmount, prefix + "amount", "A fee needs an amount (minor units) above 0.");
                return check.IsValid ? new(RepairOrderLine.Fee(description!, request.Amount!.Value)) : new(null, check.Errors);
            case "discount":
            {
                var category = Enum.TryParse<TaxCategory>(request.AppliesTo, ignoreCase: true, out var c) && Enum.IsDefined(c) ? c : (TaxCategory?)null;
                check.Require(category is not null, prefix + "appliesTo", "appliesTo must be labor, parts or fees.");
                var bps = request.Percent is { } p ? ShopMoney.ToHundredths(p) : null;
                check.Require((request.Amount is null) != (request.Percent is null), prefix + "amount", "Give either an amount or a percent.");
                check.Require(request.Amount is null or > 0 and <= maxAmount, prefix + "amount", "amount (minor units) must be above 0.");
                check.Require(request.Percent is null || bps is > 0 and <= 10_000, prefix + "percent", "percent must be above 0 and at most 100, to 0.01.");
                return check.IsValid ? new(RepairOrderLine.Discount(description!, category!.Value, request.Amount ?? 0, bps ?? 0)) : new(null, check.Errors);
            }
            default:
                check.Require(false, prefix + "kind", "kind must be labor, part, fee or discount.");
                return new(null, check.Errors);
        }
    }

    private static void Collect(Outcome<RepairOrderLine> built, List<RepairOrderLine> lines, Dictionary<string, string[]> errors)
    {
        if (built.Value is { } line)
        {
            lines.Add(line);
            return;
        }
        foreach (var (field, messages) in built.Errors ?? [])
        {
            errors[field] = messages;
        }
    }

    private async Task PublishAsync(RepairOrder order, CancellationToken ct) =>
        await live.PublishAsync(LiveGroup.Organization(order.OrganizationId), "shop.order", new
        {
            id = order.Id, number = order.Number, status = order.Status.ToString(), technicianId = order.TechnicianId, bayId = order.BayId,
            jobs = order.Jobs.Select(j => new { id = j.Id, title = j.Title, status = j.Status.ToString() }),
        }, ct);

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The shop's prices, or the defaults until a manager sets them.</summary>
public sealed class ShopSettingsStore(ShopDbContext db, TimeProvider time)
{
    public async Task<ShopSettings> GetAsync(Guid organizationId, CancellationToken ct) =>
        await db.Settings.FirstOrDefaultAsync(s => s.OrganizationId == organizationId, ct) ?? ShopSettings.Default(organizationId, time.GetUtcNow().UtcDateTime);

    public async Task<ShopSettings> SaveAsync(Guid organizationId, Action<ShopSettings> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = await db.Settings.FirstOrDefaultAsync(s => s.OrganizationId == organizationId, ct);
        if (current is null)
        {
            current = ShopSettings.Default(organizationId, time.GetUtcNow().UtcDateTime);
            db.Settings.Add(current);
        }
        change(current);
        await db.SaveChangesAsync(ct);
        return current;
    }
}
