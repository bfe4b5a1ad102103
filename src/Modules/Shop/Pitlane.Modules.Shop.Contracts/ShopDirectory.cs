namespace Pitlane.Modules.Shop.Contracts;

/// <summary>A shop customer as other modules (messaging, inspections, follow-ups) may see them.</summary>
/// <param name="Phone">As entered; <paramref name="PhoneE164"/> is the same number in E.164 ("+15550102030") or null when it cannot be read as one.</param>
/// <param name="PreferredContact">"none", "sms", "email" or "phone".</param>
public sealed record ShopCustomerContact(
    Guid Id,
    Guid OrganizationId,
    string Name,
    string? Phone,
    string? PhoneE164,
    string? Email,
    string PreferredContact,
    bool SmsConsent,
    bool EmailConsent);

/// <summary>The shop's customers, read-only, for other modules. Another organisation's customer is null.</summary>
public interface IShopCustomerDirectory
{
    Task<ShopCustomerContact?> FindAsync(Guid organizationId, Guid customerId, CancellationToken ct);

    /// <summary>The organisation's customers with this phone number (compared by digits; "+1 555 010 2030" finds "(555) 010-2030").</summary>
    Task<IReadOnlyList<ShopCustomerContact>> FindByPhoneAsync(Guid organizationId, string phone, CancellationToken ct);

    /// <summary>Records that the customer withdrew (or gave) consent to a channel ("sms" or "email"), with its source ("SMS STOP reply").</summary>
    Task<bool> RecordConsentAsync(Guid organizationId, Guid customerId, string channel, bool given, string source, CancellationToken ct);
}

/// <summary>One job of a repair order as the customer sees it: money in minor units of <see cref="ShopRepairOrderView.Currency"/>, tax included.</summary>
/// <param name="Status">"pending", "authorised", "declined", "in_progress", "done" (the RO's job statuses in lower case).</param>
public sealed record ShopJobView(Guid Id, string Title, string? Concern, string? Cause, string Status, long Total);

/// <summary>A repair order as another module may show it (an approval page, a message thread).</summary>
/// <param name="Status">The RO's status in lower case ("estimate", "authorised", "in_progress", "completed", "invoiced", "paid", "closed").</param>
public sealed record ShopRepairOrderView(
    Guid Id,
    Guid OrganizationId,
    int Number,
    Guid CustomerId,
    Guid VehicleId,
    string Status,
    string Currency,
    long Total,
    IReadOnlyList<ShopJobView> Jobs);

/// <summary>The customer's own decision on a job, made outside the shop (an approval link): when, from which address, signed by whom.</summary>
public sealed record CustomerJobDecision(Guid JobId, bool Approve, string SignedName, string? IpAddress, DateTime At, string Source);

/// <summary>Why a decision was refused: no such RO or job (404), or the RO no longer takes decisions (409, e.g. invoiced).</summary>
public sealed record CustomerDecisionResult(bool Applied, bool NotFound = false, string? Conflict = null);

/// <summary>Reading repair orders and applying the customer's decisions, for other modules. Another organisation's RO is null / not found.</summary>
public interface IShopRepairOrders
{
    Task<ShopRepairOrderView?> FindAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct);

    /// <summary>
    /// Authorises or declines one job for the customer; recorded in the RO's audit trail with the time, address and
    /// signature, and pushed live to the shop (job board, RO page). Deciding a job already decided the same way is a no-op.
    /// </summary>
    Task<CustomerDecisionResult> DecideAsync(Guid organizationId, Guid repairOrderId, CustomerJobDecision decision, CancellationToken ct);
}
