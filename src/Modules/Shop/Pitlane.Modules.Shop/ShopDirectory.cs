using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.RepairOrders;

namespace Pitlane.Modules.Shop;

/// <summary>The shop's customers as other modules see them (<see cref="IShopCustomerDirectory"/>); consent goes through the customer's own rules and audit.</summary>
internal sealed class ShopCustomerDirectory(ShopDbContext db, Customers.Customers customers) : IShopCustomerDirectory
{
    /// <summary>Fewer digits than this are not a phone number worth matching.</summary>
    public const int MinPhoneDigits = 7;

    public async Task<ShopCustomerContact?> FindAsync(Guid organizationId, Guid customerId, CancellationToken ct) =>
        await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId && c.OrganizationId == organizationId, ct) is { } customer
            ? From(customer)
            : null;

    public async Task<IReadOnlyList<ShopCustomerContact>> FindByPhoneAsync(Guid organizationId, string phone, CancellationToken ct)
    {
        var digits = new string((phone ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is < MinPhoneDigits or > 20)
        {
            return [];
        }
        // The last ten digits (a national number) narrow it in the store; then one must end with the other, so
        // "+1 555 010 2030" (15550102030) finds "(555) 010-2030" (5550102030) and the other way round.
        var key = digits.Length > 10 ? digits[^10..] : digits;
        var candidates = await db.Customers.AsNoTracking()
            .Where(c => c.OrganizationId == organizationId && c.PhoneDigits != null && c.PhoneDigits.EndsWith(key))
            .OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(200).ToListAsync(ct);
        return [.. candidates.Where(c => SameNumber(c.Phone!, phone!)).Select(From)];
    }

    public async Task<bool> RecordConsentAsync(Guid organizationId, Guid customerId, string channel, bool given, string source, CancellationToken ct)
    {
        var outcome = await customers.SetConsentAsync(organizationId, Guid.Empty, customerId, new ConsentRequest(channel, given, source), ct);
        return outcome.Value is not null;
    }

    /// <summary>Both read as E.164: the same number. Otherwise (a local number without its area), the longer ends with the shorter.</summary>
    internal static bool SameNumber(string storedPhone, string queryPhone)
    {
        if (E164(storedPhone) is { } a && E164(queryPhone) is { } b)
        {
            return a == b;
        }
        var (x, y) = (Digits(storedPhone), Digits(queryPhone));
        var (shorter, longer) = x.Length <= y.Length ? (x, y) : (y, x);
        return shorter.Length >= MinPhoneDigits && longer.EndsWith(shorter, StringComparison.Ordinal);
    }

    private static string Digits(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    /// <summary>E.164 when the number says its country ("+44…", "0044…") or is a North American ten-digit number (the shop default); else null.</summary>
    internal static string? E164(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }
        var trimmed = phone.Trim();
        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        if (trimmed.StartsWith('+'))
        {
            return digits.Length is >= 8 and <= 15 && digits[0] != '0' ? "+" + digits : null;
        }
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            return digits.Length is >= 10 and <= 17 && digits[2] != '0' ? "+" + digits[2..] : null;
        }
        return digits.Length switch
        {
            10 when digits[0] is >= '2' and <= '9' => "+1" + digits,
            11 when digits[0] == '1' && digits[1] is >= '2' and <= '9' => "+" + digits,
            _ => null,
        };
    }

    internal static ShopCustomerContact From(Customer c) => new(
        c.Id, c.OrganizationId, c.Name, c.Phone, E164(c.Phone), c.Email, c.PreferredContact.ToString().ToLowerInvariant(), c.SmsConsent, c.EmailConsent);
}

/// <summary>Repair orders as other modules see them, and the customer's own decisions on jobs (<see cref="IShopRepairOrders"/>).</summary>
internal sealed class ShopRepairOrderDirectory(RepairOrders.RepairOrders orders, ShopDbContext db, TimeProvider time) : IShopRepairOrders
{
    public async Task<ShopRepairOrderView?> FindAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct) =>
        await db.RepairOrders.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == repairOrderId && r.OrganizationId == organizationId, ct) is { } order ? View(order) : null;

    public async Task<CustomerDecisionResult> DecideAsync(Guid organizationId, Guid repairOrderId, CustomerJobDecision decision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var signed = decision.SignedName?.Trim() ?? "";
        if (signed.Length is 0 or > 200)
        {
            return new(false, Conflict: "The decision needs the customer's signed name (at most 200 characters).");
        }
        var source = string.IsNullOrWhiteSpace(decision.Source) ? "customer" : decision.Source.Trim();
        var ip = string.IsNullOrWhiteSpace(decision.IpAddress) ? null : decision.IpAddress.Trim();
        if (source.Length > 200 || ip is { Length: > 64 })
        {
            return new(false, Conflict: "The source is at most 200 characters and the address at most 64.");
        }
        var at = decision.At == default ? time.GetUtcNow().UtcDateTime : decision.At.ToUniversalTime();
        var changed = false;
        // Another module may keep its scope across calls: never decide on a copy loaded before someone else's change.
        db.ChangeTracker.Clear();
        var outcome = await orders.ChangeAsync(organizationId, repairOrderId, Guid.Empty, order =>
        {
            var (didChange, conflict, notFound) = order.DecideForCustomer(decision.JobId, decision.Approve, signed, ip, at, source, orders.Actor(Guid.Empty));
            changed = didChange;
            return notFound ? Outcome<RepairOrder>.Missing : conflict is not null ? Outcome<RepairOrder>.Refused(conflict) : new(order);
        }, ct);
        db.ChangeTracker.Clear();
        return outcome switch
        {
            { NotFound: true } => new(false, NotFound: true),
            { Conflict: { } conflict } => new(false, Conflict: conflict),
            _ => new(changed || outcome.Value is not null),
        };
    }

    internal static ShopRepairOrderView View(RepairOrder order)
    {
        var jobs = order.Jobs.OrderBy(j => j.Position)
            .Select(j => new ShopJobView(j.Id, j.Title, j.Concern, j.Cause, JobResponse.StatusName(j.Status), RepairOrderTotals.Of([j], order.Taxes).Total))
            .ToList();
        return new(order.Id, order.OrganizationId, order.Number, order.CustomerId, order.VehicleId, RepairOrderResponse.StatusName(order.Status), order.Currency,
            order.InvoicedTotal ?? RepairOrderTotals.Of(order).Total, jobs);
    }
}
