using System.Globalization;

namespace Pitlane.Modules.Shop.RepairOrders;

public enum RepairOrderStatus
{
    Estimate,
    Authorised,
    InProgress,
    Completed,
    Invoiced,
    Paid,
    Closed,
}

/// <summary>A job's authorisation and work state; a declined job stays on the RO for follow-up.</summary>
public enum JobStatus
{
    Pending,
    Authorised,
    Declined,
    InProgress,
    Done,
}

public enum LineKind
{
    Labor,
    Part,
    Fee,
    Discount,
}

/// <summary>The line type a tax rate or a discount applies to.</summary>
public enum TaxCategory
{
    Labor,
    Parts,
    Fees,
}

/// <summary>Who makes a change and when: every aggregate method takes one and writes it to the audit trail.</summary>
public readonly record struct Actor(Guid UserId, DateTime At);

/// <summary>One change kept forever: who, when, which field of what, before → after.</summary>
public sealed class ShopAuditEntry
{
    private ShopAuditEntry()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    /// <summary>"repair_order", "customer", "bay", "booking".</summary>
    public string EntityType { get; private set; } = "";

    public Guid EntityId { get; private set; }

    public Guid UserId { get; private set; }

    public DateTime At { get; private set; }

    /// <summary>"status", "job[3f2a…].concern", "line[…]" …</summary>
    public string Field { get; private set; } = "";

    public string? Before { get; private set; }

    public string? After { get; private set; }

    public static ShopAuditEntry Of(Guid organizationId, string entityType, Guid entityId, Actor actor, string field, string? before, string? after) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, EntityType = entityType, EntityId = entityId, UserId = actor.UserId,
        At = actor.At, Field = field, Before = Clip(before), After = Clip(after),
    };

    private static string? Clip(string? value) => value is { Length: > 2000 } ? value[..2000] : value;
}

/// <summary>The tax rates (basis points) a repair order was opened with; a later change of the shop's rates does not move it.</summary>
public sealed record TaxRates(int LaborBps, int PartsBps, int FeesBps)
{
    public int For(TaxCategory category) => category switch
    {
        TaxCategory.Labor => LaborBps,
        TaxCategory.Parts => PartsBps,
        _ => FeesBps,
    };
}

/// <summary>
/// A repair order: the customer's vehicle, its jobs (concern, cause, correction, lines), and the way from estimate to
/// closed. Every rule lives in these methods; each answers null on success or the rule it breaks (a 409), and records
/// what it changed in <see cref="Changes"/> for the audit trail. Invoiced is a lock: afterwards only payments, credit
/// notes and closing.
/// </summary>
public sealed class RepairOrder
{
    public const string EntityType = "repair_order";

    private readonly List<RepairOrderJob> _jobs = [];
    private readonly List<RepairOrderPayment> _payments = [];
    private readonly List<CreditNote> _creditNotes = [];
    private readonly List<ShopAuditEntry> _changes = [];

    private RepairOrder()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    /// <summary>The shop's RO number, 1, 2, 3… per organisation.</summary>
    public int Number { get; private set; }

    public Guid CustomerId { get; private set; }

    /// <summary>The Vehicles module's vehicle id (no foreign key: asked through IVehicleDirectory).</summary>
    public Guid VehicleId { get; private set; }

    public RepairOrderStatus Status { get; private set; }

    public string Currency { get; private set; } = "usd";

    public int LaborTaxBps { get; private set; }

    public int PartsTaxBps { get; private set; }

    public int FeesTaxBps { get; private set; }

    public int? OdometerInKm { get; private set; }

    public Guid? TechnicianId { get; private set; }

    public Guid? BayId { get; private set; }

    public string? InvoiceNumber { get; private set; }

    /// <summary>The total frozen when invoiced; the amount owed is this less credit notes and payments.</summary>
    public long? InvoicedTotal { get; private set; }

    public DateTime? InvoicedAt { get; private set; }

    public DateTime? PaidAt { get; private set; }

    /// <summary>The Payments module's intent of the customer's payment link, if one was sent.</summary>
    public Guid? PaymentIntentId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>Optimistic concurrency: two advisors editing the same RO never overwrite each other silently.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<RepairOrderJob> Jobs => _jobs;

    public IReadOnlyList<RepairOrderPayment> Payments => _payments;

    public IReadOnlyList<CreditNote> CreditNotes => _creditNotes;

    /// <summary>Audit entries made since loading, for the caller to save in the same transaction.</summary>
    public IReadOnlyList<ShopAuditEntry> Changes => _changes;

    public TaxRates Taxes => new(LaborTaxBps, PartsTaxBps, FeesTaxBps);

    public bool IsLocked => Status >= RepairOrderStatus.Invoiced;

    public long Paid => _payments.Sum(p => p.Amount);

    public long Credited => _creditNotes.Sum(c => c.Amount);

    public long BalanceDue => (InvoicedTotal ?? RepairOrderTotals.Of(this).Total) - Credited - Paid;

    public static RepairOrder Open(Guid organizationId, int number, Guid customerId, Guid vehicleId, string currency, TaxRates taxes, int? odometerKm, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(taxes);
        var order = new RepairOrder
        {
            Id = Guid.CreateVersion7(), OrganizationId = organizationId, Number = number, CustomerId = customerId, VehicleId = vehicleId,
            Status = RepairOrderStatus.Estimate, Currency = currency, LaborTaxBps = taxes.LaborBps, PartsTaxBps = taxes.PartsBps, FeesTaxBps = taxes.FeesBps,
            OdometerInKm = odometerKm, CreatedAt = actor.At, UpdatedAt = actor.At,
        };
        order.Record(actor, "status", null, RepairOrderStatus.Estimate.ToString());
        return order;
    }

    public RepairOrderJob? Job(Guid jobId) => _jobs.FirstOrDefault(j => j.Id == jobId);

    public (RepairOrderJob? Job, string? Conflict) AddJob(string title, string? concern, string? cause, string? source, Actor actor)
    {
        if (Status >= RepairOrderStatus.Completed)
        {
            return (null, Status >= RepairOrderStatus.Invoiced ? LockedMessage : "The work is completed: reopen it as a new repair order.");
        }
        var job = new RepairOrderJob(Id, _jobs.Count == 0 ? 1 : _jobs.Max(j => j.Position) + 1, title, concern, cause);
        _jobs.Add(job);
        Record(actor, $"job[{job.Position}]", null, source is null ? title : $"{title} (from {source})");
        if (Status > RepairOrderStatus.Estimate && Status < RepairOrderStatus.InProgress)
        {
            // A new pending job needs the customer's word again before work starts.
            SetStatus(RepairOrderStatus.Estimate, actor);
        }
        return (job, null);
    }

    /// <summary>The three Cs; null leaves a field as it is, an empty string clears it.</summary>
    public string? DescribeJob(Guid jobId, string? concern, string? cause, string? correction, Actor actor)
    {
        if (Editable() is { } locked)
        {
            return locked;
        }
        if (Job(jobId) is not { } job)
        {
            return null;
        }
        if (concern is not null && job.Concern != Blank(concern))
        {
            Record(actor, $"job[{job.Position}].concern", job.Concern, Blank(concern));
            job.Concern = Blank(concern);
        }
        if (cause is not null && job.Cause != Blank(cause))
        {
            Record(actor, $"job[{job.Position}].cause", job.Cause, Blank(cause));
            job.Cause = Blank(cause);
        }
        if (correction is not null && job.Correction != Blank(correction))
        {
            Record(actor, $"job[{job.Position}].correction", job.Correction, Blank(correction));
            job.Correction = Blank(correction);
        }
        return null;
    }

    public (RepairOrderLine? Line, string? Conflict) AddLine(Guid jobId, RepairOrderLine line, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (Editable() is { } locked)
        {
            return (null, locked);
        }
        if (Job(jobId) is not { } job)
        {
            return (null, null);
        }
        if (job.Status is JobStatus.Done)
        {
            return (null, "The job is done: add the work as a new job.");
        }
        job.Add(line);
        Record(actor, $"job[{job.Position}].line", null, line.Describe(Currency));
        return (line, null);
    }

    public string? RemoveLine(Guid jobId, Guid lineId, Actor actor)
    {
        if (Editable() is { } locked)
        {
            return locked;
        }
        if (Job(jobId) is not { } job || job.Lines.FirstOrDefault(l => l.Id == lineId) is not { } line)
        {
            return null;
        }
        job.Remove(line);
        Record(actor, $"job[{job.Position}].line", line.Describe(Currency), null);
        return null;
    }

    /// <summary>The customer's yes: to the named pending jobs, or (null) to every pending job.</summary>
    public string? Authorise(IReadOnlyCollection<Guid>? jobIds, Actor actor) => Decide(jobIds, JobStatus.Authorised, actor);

    /// <summary>The customer's no: the jobs stay on the RO, out of the totals, for follow-up.</summary>
    public string? Decline(IReadOnlyCollection<Guid>? jobIds, Actor actor) => Decide(jobIds, JobStatus.Declined, actor);

    /// <summary>
    /// The customer's own decision on one job, made outside the shop (an approval link): applied like the advisor's,
    /// and recorded with when, from where, signed by whom and through what. The same decision again changes nothing.
    /// </summary>
    public (bool Changed, string? Conflict, bool NotFound) DecideForCustomer(Guid jobId, bool approve, string signedName, string? ipAddress, DateTime decidedAt,
        string source, Actor actor)
    {
        if (Job(jobId) is not { } job)
        {
            return (false, null, true);
        }
        var decision = approve ? JobStatus.Authorised : JobStatus.Declined;
        if (IsLocked)
        {
            return (false, LockedMessage, false);
        }
        if (job.Status == decision)
        {
            return (false, null, false);
        }
        if (Decide([jobId], decision, actor) is { } conflict)
        {
            return (false, conflict, false);
        }
        Record(actor, $"job[{job.Position}].customerDecision", null,
            $"{(approve ? "approved" : "declined")} by \"{signedName}\" at {decidedAt.ToString("O", CultureInfo.InvariantCulture)}"
            + $"{(ipAddress is null ? "" : $" from {ipAddress}")} via {source}");
        return (true, null, false);
    }

    private string? Decide(IReadOnlyCollection<Guid>? jobIds, JobStatus decision, Actor actor)
    {
        if (Status >= RepairOrderStatus.Completed)
        {
            return IsLocked ? LockedMessage : "The work is completed.";
        }
        var chosen = jobIds is null ? _jobs.Where(j => j.Status == JobStatus.Pending).ToList() : _jobs.Where(j => jobIds.Contains(j.Id)).ToList();
        if (jobIds is not null && chosen.Count != jobIds.Count)
        {
            return "Some of those jobs are not on this repair order.";
        }
        if (chosen.Count == 0)
        {
            return "There is no job waiting for a decision.";
        }
        if (chosen.FirstOrDefault(j => j.Status is not (JobStatus.Pending or JobStatus.Authorised or JobStatus.Declined)) is { } started)
        {
            return $"Job {started.Position} is already {started.Status.ToString().ToLowerInvariant()}.";
        }
        foreach (var job in chosen.Where(j => j.Status != decision))
        {
            Record(actor, $"job[{job.Position}].status", job.Status.ToString(), decision.ToString());
            job.Status = decision;
        }
        if (Status == RepairOrderStatus.Estimate && _jobs.All(j => j.Status != JobStatus.Pending) && _jobs.Any(j => j.Status == JobStatus.Authorised))
        {
            SetStatus(RepairOrderStatus.Authorised, actor);
        }
        else if (Status == RepairOrderStatus.Authorised && !_jobs.Any(j => j.Status == JobStatus.Authorised))
        {
            SetStatus(RepairOrderStatus.Estimate, actor);
        }
        return null;
    }

    public string? Assign(Guid? technicianId, Guid? bayId, Actor actor)
    {
        if (Editable() is { } locked)
        {
            return locked;
        }
        if (technicianId != TechnicianId)
        {
            Record(actor, "technician", TechnicianId?.ToString(), technicianId?.ToString());
            TechnicianId = technicianId;
        }
        if (bayId != BayId)
        {
            Record(actor, "bay", BayId?.ToString(), bayId?.ToString());
            BayId = bayId;
        }
        return null;
    }

    public string? Start(Actor actor)
    {
        if (Status != RepairOrderStatus.Authorised)
        {
            return Status == RepairOrderStatus.Estimate
                ? "The customer has not authorised the work yet: authorise or decline every job first."
                : $"The repair order is {Describe(Status)}.";
        }
        SetStatus(RepairOrderStatus.InProgress, actor);
        return null;
    }

    /// <summary>A technician's work state on one authorised job.</summary>
    public string? SetJobWork(Guid jobId, JobStatus state, Actor actor)
    {
        if (state is not (JobStatus.InProgress or JobStatus.Done))
        {
            return "A job's work is either in progress or done.";
        }
        if (Status is not (RepairOrderStatus.Authorised or RepairOrderStatus.InProgress))
        {
            return $"The repair order is {Describe(Status)}: work happens between authorisation and completion.";
        }
        if (Job(jobId) is not { } job)
        {
            return null;
        }
        if (job.Status is JobStatus.Pending or JobStatus.Declined)
        {
            return "The customer has not authorised this job.";
        }
        if (job.Status != state)
        {
            Record(actor, $"job[{job.Position}].status", job.Status.ToString(), state.ToString());
            job.Status = state;
        }
        if (Status == RepairOrderStatus.Authorised)
        {
            SetStatus(RepairOrderStatus.InProgress, actor);
        }
        return null;
    }

    public string? Complete(Actor actor)
    {
        if (Status != RepairOrderStatus.InProgress)
        {
            return $"Only work in progress can be completed; the repair order is {Describe(Status)}.";
        }
        if (_jobs.Any(j => j.Status == JobStatus.Pending))
        {
            return "Some jobs still wait for the customer's decision.";
        }
        foreach (var job in _jobs.Where(j => j.Status is JobStatus.Authorised or JobStatus.InProgress))
        {
            Record(actor, $"job[{job.Position}].status", job.Status.ToString(), JobStatus.Done.ToString());
            job.Status = JobStatus.Done;
        }
        SetStatus(RepairOrderStatus.Completed, actor);
        return null;
    }

    /// <summary>Freezes the total and locks the RO; from now on only payments and credit notes change what is owed.</summary>
    public string? Invoice(string invoiceNumber, Actor actor)
    {
        if (Status != RepairOrderStatus.Completed)
        {
            return $"Only completed work can be invoiced; the repair order is {Describe(Status)}.";
        }
        var total = RepairOrderTotals.Of(this).Total;
        InvoiceNumber = invoiceNumber;
        InvoicedTotal = total;
        InvoicedAt = actor.At;
        Record(actor, "invoice", null, $"{invoiceNumber}: {Format(total)}");
        SetStatus(RepairOrderStatus.Invoiced, actor);
        if (total == 0)
        {
            MarkPaid(actor);
        }
        return null;
    }

    /// <summary>Money received (cash, card on the shop's terminal, or the online payment); paid in full moves to Paid.</summary>
    public (RepairOrderPayment? Payment, string? Conflict) RecordPayment(string method, long amount, string? reference, Guid? paymentIntentId, Actor actor)
    {
        if (Status is not (RepairOrderStatus.Invoiced or RepairOrderStatus.Paid))
        {
            return (null, Status < RepairOrderStatus.Invoiced ? "Invoice the repair order before taking payment." : "The repair order is closed.");
        }
        if (paymentIntentId is { } intent && _payments.Any(p => p.PaymentIntentId == intent))
        {
            return (_payments.First(p => p.PaymentIntentId == intent), null);
        }
        if (amount <= 0 || amount > BalanceDue)
        {
            return (null, $"The amount must be between 0.01 and the balance due ({Format(BalanceDue)}).");
        }
        var payment = new RepairOrderPayment(Id, method, amount, reference, paymentIntentId, actor);
        _payments.Add(payment);
        Record(actor, "payment", null, $"{method} {Format(amount)}{(reference is null ? "" : $" ({reference})")}");
        if (BalanceDue == 0)
        {
            MarkPaid(actor);
        }
        return (payment, null);
    }

    /// <summary>The only change to an invoiced RO's amount: a credit note, at most what is still owed plus what was paid.</summary>
    public (CreditNote? Note, string? Conflict) IssueCreditNote(string number, long amount, string reason, Actor actor)
    {
        if (!IsLocked)
        {
            return (null, "Before invoicing, change the lines themselves; credit notes are for invoiced work.");
        }
        var creditable = InvoicedTotal!.Value - Credited;
        if (amount <= 0 || amount > creditable)
        {
            return (null, $"The credit must be between 0.01 and {Format(creditable)}.");
        }
        var note = new CreditNote(Id, number, amount, reason, actor);
        _creditNotes.Add(note);
        Record(actor, "credit_note", null, $"{number}: {Format(amount)} ({reason})");
        if (Status == RepairOrderStatus.Invoiced && BalanceDue <= 0)
        {
            MarkPaid(actor);
        }
        return (note, null);
    }

    public string? LinkPaymentIntent(Guid intentId, Actor actor)
    {
        if (Status != RepairOrderStatus.Invoiced)
        {
            return "Only an invoiced, unpaid repair order takes a payment link.";
        }
        Record(actor, "paymentLink", PaymentIntentId?.ToString(), intentId.ToString());
        PaymentIntentId = intentId;
        return null;
    }

    public string? Close(Actor actor)
    {
        if (Status != RepairOrderStatus.Paid)
        {
            return $"Only a paid repair order can be closed; it is {Describe(Status)}.";
        }
        SetStatus(RepairOrderStatus.Closed, actor);
        return null;
    }

    public void ForgetChanges() => _changes.Clear();

    private void MarkPaid(Actor actor)
    {
        PaidAt = actor.At;
        SetStatus(RepairOrderStatus.Paid, actor);
    }

    private string? Editable() => IsLocked ? LockedMessage : Status == RepairOrderStatus.Completed ? "The work is completed: invoice it, or open a new repair order." : null;

    private const string LockedMessage = "The repair order is invoiced and locked: changes go through a credit note.";

    private void SetStatus(RepairOrderStatus status, Actor actor)
    {
        Record(actor, "status", Status.ToString(), status.ToString());
        Status = status;
    }

    private void Record(Actor actor, string field, string? before, string? after)
    {
        _changes.Add(ShopAuditEntry.Of(OrganizationId, EntityType, Id, actor, field, before, after));
        UpdatedAt = actor.At;
        Version++;
    }

    private string Format(long amount) => new Pitlane.Reports.Money(amount, Currency.ToUpperInvariant()).ToString();

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static string Describe(RepairOrderStatus status) => status switch
    {
        RepairOrderStatus.Estimate => "an estimate",
        RepairOrderStatus.InProgress => "in progress",
        _ => status.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}

public sealed class RepairOrderJob
{
    private readonly List<RepairOrderLine> _lines = [];

    private RepairOrderJob()
    {
    }

    internal RepairOrderJob(Guid repairOrderId, int position, string title, string? concern, string? cause)
    {
        Id = Guid.CreateVersion7();
        RepairOrderId = repairOrderId;
        Position = position;
        Title = title;
        Concern = concern;
        Cause = cause;
        Status = JobStatus.Pending;
    }

    public Guid Id { get; private set; }

    public Guid RepairOrderId { get; private set; }

    public int Position { get; private set; }

    public string Title { get; private set; } = "";

    public string? Concern { get; internal set; }

    public string? Cause { get; internal set; }

    public string? Correction { get; internal set; }

    public JobStatus Status { get; internal set; }

    public IReadOnlyList<RepairOrderLine> Lines => _lines;

    internal void Add(RepairOrderLine line)
    {
        line.AttachTo(Id);
        _lines.Add(line);
    }

    internal void Remove(RepairOrderLine line) => _lines.Remove(line);
}

/// <summary>
/// One line of a job. Labor and parts carry their inputs (hours, rate, quantity, cost, price) and their extended amount,
/// rounded once when the line is made (<see cref="ShopMoney"/>); a percentage discount is extended when totals are made.
/// </summary>
public sealed class RepairOrderLine
{
    private RepairOrderLine()
    {
    }

    public Guid Id { get; private set; }

    public Guid JobId { get; private set; }

    public LineKind Kind { get; private set; }

    public string Description { get; private set; } = "";

    public string? PartNumber { get; private set; }

    public string? LaborCategory { get; private set; }

    /// <summary>Labor: flagged hours × 100. Part: quantity × 100.</summary>
    public int QuantityHundredths { get; private set; }

    /// <summary>Labor: rate per hour. Part: unit price. Fee: the amount. Discount: the fixed amount (0 with a percentage).</summary>
    public long UnitPrice { get; private set; }

    /// <summary>Part: unit cost. Labor: the category's cost per hour when the line was priced (0 when none was set). For gross profit.</summary>
    public long UnitCost { get; private set; }

    public long CoreCharge { get; private set; }

    /// <summary>Discount: the percentage in basis points of <see cref="AppliesTo"/>'s job subtotal (0 for a fixed amount).</summary>
    public int DiscountBps { get; private set; }

    /// <summary>The line type whose tax rate it follows; for a discount, the subtotal it comes off.</summary>
    public TaxCategory AppliesTo { get; private set; }

    /// <summary>Labor and part: quantity × unit price, rounded once. Fee: the amount. Discount (fixed): the amount.</summary>
    public long Extended { get; private set; }

    public long ExtendedCore { get; private set; }

    public long ExtendedCost { get; private set; }

    internal void AttachTo(Guid jobId) => JobId = jobId;

    public static RepairOrderLine Labor(string description, string category, int hoursHundredths, long ratePerHour, long costPerHour = 0) => new()
    {
        Id = Guid.CreateVersion7(), Kind = LineKind.Labor, Description = description, LaborCategory = category, QuantityHundredths = hoursHundredths,
        UnitPrice = ratePerHour, AppliesTo = TaxCategory.Labor, Extended = ShopMoney.Extend(hoursHundredths, ratePerHour),
        UnitCost = costPerHour, ExtendedCost = ShopMoney.Extend(hoursHundredths, costPerHour),
    };

    public static RepairOrderLine Part(string description, string? partNumber, int quantityHundredths, long unitCost, long unitPrice, long coreCharge) => new()
    {
        Id = Guid.CreateVersion7(), Kind = LineKind.Part, Description = description, PartNumber = partNumber, QuantityHundredths = quantityHundredths,
        UnitCost = unitCost, UnitPrice = unitPrice, CoreCharge = coreCharge, AppliesTo = TaxCategory.Parts,
        Extended = ShopMoney.Extend(quantityHundredths, unitPrice), ExtendedCore = ShopMoney.Extend(quantityHundredths, coreCharge),
        ExtendedCost = ShopMoney.Extend(quantityHundredths, unitCost),
    };

    /// <summary>Shop supplies, disposal, diagnostics flat fees: taxed at the fees rate.</summary>
    public static RepairOrderLine Fee(string description, long amount) => new()
    {
        Id = Guid.CreateVersion7(), Kind = LineKind.Fee, Description = description, QuantityHundredths = 100, UnitPrice = amount, AppliesTo = TaxCategory.Fees,
        Extended = amount,
    };

    public static RepairOrderLine Discount(string description, TaxCategory appliesTo, long amount, int basisPoints) => new()
    {
        Id = Guid.CreateVersion7(), Kind = LineKind.Discount, Description = description, QuantityHundredths = 100, UnitPrice = amount,
        DiscountBps = basisPoints, AppliesTo = appliesTo, Extended = amount,
    };

    internal string Describe(string currency)
    {
        var money = (long v) => new Pitlane.Reports.Money(v, currency.ToUpperInvariant()).ToString();
        var quantity = (QuantityHundredths / 100m).ToString("0.##", CultureInfo.InvariantCulture);
        return Kind switch
        {
            LineKind.Labor => $"labor {Description}: {quantity} h × {money(UnitPrice)} ({LaborCategory})",
            LineKind.Part => $"part {Description}{(PartNumber is null ? "" : $" [{PartNumber}]")}: {quantity} × {money(UnitPrice)} (cost {money(UnitCost)}, core {money(CoreCharge)})",
            LineKind.Fee => $"fee {Description}: {money(UnitPrice)}",
            _ => DiscountBps > 0
                ? $"discount {Description}: {(DiscountBps / 100m).ToString("0.##", CultureInfo.InvariantCulture)} % of {AppliesTo.ToString().ToLowerInvariant()}"
                : $"discount {Description}: {money(UnitPrice)} off {AppliesTo.ToString().ToLowerInvariant()}",
        };
    }
}

public sealed class RepairOrderPayment
{
    private RepairOrderPayment()
    {
    }

    internal RepairOrderPayment(Guid repairOrderId, string method, long amount, string? reference, Guid? paymentIntentId, Actor actor)
    {
        Id = Guid.CreateVersion7();
        RepairOrderId = repairOrderId;
        Method = method;
        Amount = amount;
        Reference = reference;
        PaymentIntentId = paymentIntentId;
        ReceivedAt = actor.At;
        RecordedBy = actor.UserId;
    }

    public Guid Id { get; private set; }

    public Guid RepairOrderId { get; private set; }

    /// <summary>"cash", "card" (the shop's own terminal) or "online" (through the Payments module).</summary>
    public string Method { get; private set; } = "";

    public long Amount { get; private set; }

    public string? Reference { get; private set; }

    public Guid? PaymentIntentId { get; private set; }

    public DateTime ReceivedAt { get; private set; }

    public Guid RecordedBy { get; private set; }
}

public sealed class CreditNote
{
    private CreditNote()
    {
    }

    internal CreditNote(Guid repairOrderId, string number, long amount, string reason, Actor actor)
    {
        Id = Guid.CreateVersion7();
        RepairOrderId = repairOrderId;
        Number = number;
        Amount = amount;
        Reason = reason;
        IssuedAt = actor.At;
        IssuedBy = actor.UserId;
    }

    public Guid Id { get; private set; }

    public Guid RepairOrderId { get; private set; }

    public string Number { get; private set; } = "";

    public long Amount { get; private set; }

    public string Reason { get; private set; } = "";

    public DateTime IssuedAt { get; private set; }

    public Guid IssuedBy { get; private set; }
}
