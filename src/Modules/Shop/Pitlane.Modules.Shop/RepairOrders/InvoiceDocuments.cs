using System.Globalization;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Reports;

namespace Pitlane.Modules.Shop.RepairOrders;

/// <summary>The invoice PDF of an invoiced repair order (Pitlane.Reports' PDF stack, as the health report and receipts).</summary>
public sealed class InvoiceDocuments(RepairOrders orders, Customers.Customers customers, IVehicleDirectory vehicles, IOrganizationDirectory organizations)
{
    public async Task<Outcome<byte[]>> PdfAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct)
    {
        if (await orders.FindAsync(organizationId, repairOrderId, ct) is not { } order)
        {
            return Outcome<byte[]>.Missing;
        }
        if (!order.IsLocked)
        {
            return Outcome<byte[]>.Refused("The repair order is not invoiced yet.");
        }
        var currency = order.Currency.ToUpperInvariant();
        Money M(long amount) => new(amount, currency);
        var customer = await customers.FindAsync(organizationId, order.CustomerId, ct);
        var vehicle = await vehicles.FindAsync(organizationId, order.VehicleId, ct);
        var totals = RepairOrderTotals.Of(order);
        var jobs = order.Jobs.Where(j => j.Status != JobStatus.Declined).OrderBy(j => j.Position).Select(j => new InvoiceJob(j.Title, j.Concern, j.Cause, j.Correction,
            [.. j.Lines.SelectMany(l => LinesOf(j, l, M))])).ToList();
        var summary = new List<(string, Money)> { ("Labor", M(totals.Labor)), ("Parts", M(totals.Parts)) };
        if (totals.Cores > 0)
        {
            summary.Add(("Core charges", M(totals.Cores)));
        }
        if (totals.Fees > 0)
        {
            summary.Add(("Fees", M(totals.Fees)));
        }
        if (totals.Discounts > 0)
        {
            summary.Add(("Discounts", M(-totals.Discounts)));
        }
        summary.Add(("Tax on labor", M(totals.LaborTax)));
        summary.Add(("Tax on parts", M(totals.PartsTax)));
        if (totals.FeesTax > 0)
        {
            summary.Add(("Tax on fees", M(totals.FeesTax)));
        }
        var settlements = order.CreditNotes.Select(c => ($"Credit note {c.Number}", M(c.Amount)))
            .Concat(order.Payments.Select(p => ($"Paid {p.ReceivedAt:yyyy-MM-dd} ({p.Method})", M(p.Amount)))).ToList();
        var declined = order.Jobs.Where(j => j.Status == JobStatus.Declined).ToList();
        if (declined.Count > 0)
        {
            jobs.Add(new InvoiceJob("Recommended, declined this visit", string.Join("; ", declined.Select(j => j.Title)), null, null, []));
        }
        return new(ShopInvoiceRenderer.Render(new ShopInvoice(
            order.InvoiceNumber!, order.Number, await organizations.NameOfAsync(organizationId, ct) ?? "Shop", customer?.Name ?? "Customer",
            customer?.Phone ?? customer?.Email, vehicle is null ? "Vehicle" : $"{vehicle.Title} · {vehicle.Vin}{(vehicle.Plate is null ? "" : $" · {vehicle.Plate}")}",
            order.OdometerInKm, new DateTimeOffset(order.InvoicedAt!.Value, TimeSpan.Zero), jobs, summary, M(order.InvoicedTotal!.Value), settlements, M(order.BalanceDue))));
    }

    /// <summary>The line's discount as the totals count it (<see cref="RepairOrderTotals"/>).</summary>
    private static long Discount(RepairOrderJob job, RepairOrderLine discount)
    {
        var kind = discount.AppliesTo switch { TaxCategory.Labor => LineKind.Labor, TaxCategory.Parts => LineKind.Part, _ => LineKind.Fee };
        var basis = job.Lines.Where(l => l.Kind == kind).Sum(l => l.Extended);
        return Math.Min(basis, discount.DiscountBps > 0 ? ShopMoney.ApplyBasisPoints(basis, discount.DiscountBps) : discount.Extended);
    }

    private static IEnumerable<InvoiceLine> LinesOf(RepairOrderJob job, RepairOrderLine l, Func<long, Money> money)
    {
        var quantity = (l.QuantityHundredths / 100m).ToString("0.##", CultureInfo.InvariantCulture);
        switch (l.Kind)
        {
            case LineKind.Labor:
                yield return new($"Labor: {l.Description}", $"{quantity} h", money(l.UnitPrice), money(l.Extended));
                break;
            case LineKind.Part:
                yield return new($"{l.Description}{(l.PartNumber is null ? "" : $" ({l.PartNumber})")}", quantity, money(l.UnitPrice), money(l.Extended));
                if (l.ExtendedCore > 0)
                {
                    yield return new("  Core charge (refundable)", quantity, money(l.CoreCharge), money(l.ExtendedCore));
                }
                break;
            case LineKind.Fee:
                yield return new(l.Description, "", null, money(l.Extended));
                break;
            default:
                yield return new($"Discount: {l.Description}" + (l.DiscountBps > 0 ? $" ({(l.DiscountBps / 100m).ToString("0.##", CultureInfo.InvariantCulture)} % of {l.AppliesTo.ToString().ToLowerInvariant()})" : ""),
                    "", null, money(-Discount(job, l)));
                break;
        }
    }
}
