using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Estimator.Pipeline;
using Pitlane.Platform;
using Pitlane.Sourcing;
using Pitlane.Sourcing.Suppliers;

namespace Pitlane.Modules.Estimator;

/// <summary>The shop's pricing settings, or the defaults until it saves its own.</summary>
public sealed class PricingStore(EstimatorDbContext db, TimeProvider clock)
{
    public async Task<PricingSettings> GetAsync(Guid organizationId, CancellationToken ct) =>
        await db.Pricing.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == organizationId, ct) is { } row
            ? JsonSerializer.Deserialize<PricingSettings>(row.Document, EstimatePipeline.Json)!
            : PricingSettings.Default;

    public async Task<bool> IsDefaultAsync(Guid organizationId, CancellationToken ct) =>
        !await db.Pricing.AnyAsync(p => p.OrganizationId == organizationId, ct);

    public async Task SaveAsync(Guid organizationId, PricingSettings settings, CancellationToken ct)
    {
        var row = await db.Pricing.FirstOrDefaultAsync(p => p.OrganizationId == organizationId, ct);
        if (row is null) db.Pricing.Add(row = new ShopPricing { OrganizationId = organizationId });
        row.Document = JsonSerializer.Serialize(settings, EstimatePipeline.Json);
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }
}

public sealed record QuoteSummary(Guid Id, Guid VehicleId, string VehicleTitle, string Status, string Currency, long PartsTotal, long LaborTotal,
    long GrandTotal, long PartsGrossProfit, long GreedyGrossProfit, DateTime CreatedAt);

public sealed record QuoteResponse(Guid Id, Guid VehicleId, string VehicleTitle, string Status, string Currency, DateTime CreatedAt, DateTime UpdatedAt, QuoteDocument Document);

public sealed record OrderLineView(string LineId, string PartNumber, string Brand, string StoreId, int Quantity, long UnitCost, string Delivery);

public sealed record OrderResponse(Guid Id, Guid QuoteId, string SupplierId, string SupplierName, string? SupplierOrderId, string Status,
    DateTime PlacedAt, DateTime? ExpectedAt, long TotalCost, string? RedirectUrl, IReadOnlyList<OrderLineView> Lines);

/// <summary>Reading quotes, the advisor's override of a line, and ordering the chosen parts from their suppliers.</summary>
public sealed class QuoteService(EstimatorDbContext db, PricingStore pricing, SupplierRegistry suppliers, TimeProvider clock)
{
    public async Task<ListPage<QuoteSummary>> ListAsync(Guid organizationId, PageRequest paging, CancellationToken ct)
    {
        var query = db.Quotes.AsNoTracking().Where(q => q.OrganizationId == organizationId);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(q => q.CreatedAt).Skip(paging.Skip).Take(paging.PageSize)
            .Select(q => new QuoteSummary(q.Id, q.VehicleId, q.VehicleTitle, q.Status, q.Currency, q.PartsTotal, q.LaborTotal, q.GrandTotal,
                q.PartsGrossProfit, q.GreedyGrossProfit, q.CreatedAt))
            .ToListAsync(ct);
        return new ListPage<QuoteSummary>(rows, paging.Number, paging.PageSize, total);
    }

    public async Task<QuoteResponse?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        await db.Quotes.AsNoTracking().FirstOrDefaultAsync(q => q.OrganizationId == organizationId && q.Id == id, ct) is { } q ? Response(q) : null;

    internal static QuoteResponse Response(Quote q) =>
        new(q.Id, q.VehicleId, q.VehicleTitle, q.Status, q.Currency, q.CreatedAt, q.UpdatedAt, Document(q));

    internal static QuoteDocument Document(Quote q) => JsonSerializer.Deserialize<QuoteDocument>(q.Document, EstimatePipeline.Json)!;

    /// <summary>
    /// The advisor picks another offer for a line (or none, for an optional line). The whole quote is re-evaluated
    /// with the same rules as the optimiser; a choice that breaks a limit (stock, order minimum, customer ceiling,
    /// arrival) is refused with the reason, and nothing changes.
    /// </summary>
    public async Task<(QuoteResponse? Quote, string? Conflict, string? Invalid)> ChooseAsync(Guid organizationId, Guid id, string lineId, string? candidateId, CancellationToken ct)
    {
        var quote = await db.Quotes.FirstOrDefaultAsync(q => q.OrganizationId == organizationId && q.Id == id, ct);
        if (quote is null) return (null, null, null);
        if (quote.Status != "quoted") return (null, "The parts of this quote are already ordered.", null);
        var doc = Document(quote);
        var index = doc.Lines.ToList().FindIndex(l => l.LineId == lineId);
        if (index < 0) return (null, null, "lineId is not a line of this quote.");
        var line = doc.Lines[index];
        int? pick = null;
        if (candidateId is null)
        {
            if (!line.Optional) return (null, null, "Only an optional line can be left out: choose one of its offers.");
        }
        else
        {
            var k = line.Offers.ToList().FindIndex(o => o.CandidateId == candidateId);
            if (k < 0) return (null, null, "offerId is not an offer of this line.");
            pick = k;
        }
        var choice = doc.Lines.Select(l => l.Chosen).ToArray();
        choice[index] = pick;
        var evaluation = Evaluator.Evaluate(doc.Problem, choice);
        if (!evaluation.Feasible) return (null, $"That choice breaks a limit: {evaluation.Violation}.", null);

        var settings = await pricing.GetAsync(organizationId, ct);
        var lines = doc.Lines.Select((l, i) => i == index
            ? l with { Chosen = pick, Overridden = pick != l.OptimiserChoice, Reason = pick == l.OptimiserChoice ? l.Reason : "chosen by the advisor" }
            : l).ToList();
        var chosen = new Solution("advisor", SolutionStatus.Feasible, choice, evaluation, TimeSpan.Zero);
        var greedy = new Solution("greedy", doc.Totals.GreedyGrossProfit == 0 ? SolutionStatus.Infeasible : SolutionStatus.Feasible,
            [], evaluation with { GrossProfit = doc.Totals.GreedyGrossProfit }, TimeSpan.FromMilliseconds(doc.Totals.GreedyMs));
        var optimiser = new Solution("exact", Enum.Parse<SolutionStatus>(doc.Totals.OptimiserStatus), [],
            evaluation with { GrossProfit = doc.Totals.OptimiserGrossProfit }, TimeSpan.FromMilliseconds(doc.Totals.OptimiserMs));
        var updated = doc with { Lines = lines, Totals = EstimatePipeline.Totals(doc.Problem, chosen, greedy, doc.Totals.Labor, settings, optimiser) };
        EstimatePipeline.Apply(quote, updated);
        quote.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        quote.Version++;
        await db.SaveChangesAsync(ct);
        return (Response(quote), null, null);
    }

    /// <summary>Orders the chosen lines, one order per supplier, and marks the quote ordered.</summary>
    public async Task<(IReadOnlyList<OrderResponse>? Orders, string? Conflict)> OrderAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var quote = await db.Quotes.FirstOrDefaultAsync(q => q.OrganizationId == organizationId && q.Id == id, ct);
        if (quote is null) return (null, null);
        if (quote.Status != "quoted") return (null, "The parts of this quote are already ordered.");
        var doc = Document(quote);
        var chosen = doc.Lines.Where(l => l.Chosen is not null).Select(l => (Line: l, Offer: l.Offers[l.Chosen!.Value])).ToList();
        if (chosen.Count == 0) return (null, "No line has a chosen offer to order.");
        var missing = chosen.Select(c => c.Offer.SupplierId).Distinct().Where(s => suppliers.Find(s) is null).ToList();
        if (missing.Count > 0) return (null, $"Supplier {string.Join(", ", missing)} is no longer configured: choose other offers first.");

        var now = clock.GetUtcNow();
        var orders = new List<PartsOrder>();
        foreach (var group in chosen.GroupBy(c => c.Offer.SupplierId))
        {
            var supplier = suppliers.Find(group.Key)!;
            var lines = group.Select(c => new OrderLineView(c.Line.LineId, c.Offer.PartNumber, c.Offer.Brand, c.Offer.StoreId, c.Line.Quantity,
                c.Offer.UnitCost, c.Offer.Delivery)).ToList();
            var receipt = await supplier.PlaceOrderAsync(new SupplierOrder($"{quote.Id:N}-{supplier.Id}",
                lines.Select(l => new SupplierOrderLine(l.PartNumber, l.StoreId, l.Quantity, l.Delivery)).ToList(), now), ct);
            orders.Add(new PartsOrder
            {
                Id = Guid.NewGuid(), OrganizationId = organizationId, QuoteId = quote.Id, SupplierId = supplier.Id, SupplierName = supplier.Name,
                SupplierOrderId = receipt.SupplierOrderId, Status = receipt.Status, PlacedAt = now.UtcDateTime, ExpectedAt = receipt.ExpectedAt?.UtcDateTime,
                TotalCost = lines.Sum(l => l.UnitCost * l.Quantity), RedirectUrl = receipt.RedirectUrl,
                PunchoutSessionId = supplier.Kind == SupplierKind.PartsTech ? receipt.SupplierOrderId : null,
                Lines = JsonSerializer.Serialize(lines, EstimatePipeline.Json),
            });
        }
        db.Orders.AddRange(orders);
        quote.Status = "ordered";
        quote.UpdatedAt = now.UtcDateTime;
        quote.Version++;
        await db.SaveChangesAsync(ct);
        return (orders.Select(Response).ToList(), null);
    }

    /// <summary>The quote's orders with their status as of now (asked of each built-in supplier; PartsTech's come by callback).</summary>
    public async Task<IReadOnlyList<OrderResponse>?> OrdersAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        if (!await db.Quotes.AnyAsync(q => q.OrganizationId == organizationId && q.Id == id, ct)) return null;
        var orders = await db.Orders.Where(o => o.OrganizationId == organizationId && o.QuoteId == id).OrderBy(o => o.SupplierName).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var order in orders.Where(o => o.PunchoutSessionId is null && o.SupplierOrderId is not null))
        {
            if (suppliers.Find(order.SupplierId) is not { } supplier) continue;
            order.Status = await supplier.OrderStatusAsync(order.SupplierOrderId!, new DateTimeOffset(order.PlacedAt, TimeSpan.Zero),
                order.ExpectedAt is { } e ? new DateTimeOffset(e, TimeSpan.Zero) : null, now, ct);
        }
        await db.SaveChangesAsync(ct);
        return orders.Select(Response).ToList();
    }

    internal static OrderResponse Response(PartsOrder o) => new(o.Id, o.QuoteId, o.SupplierId, o.SupplierName, o.SupplierOrderId, o.Status, o.PlacedAt, o.ExpectedAt,
        o.TotalCost, o.RedirectUrl, JsonSerializer.Deserialize<List<OrderLineView>>(o.Lines, EstimatePipeline.Json)!);
}
