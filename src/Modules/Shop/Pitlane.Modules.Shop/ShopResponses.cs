using Microsoft.AspNetCore.Http;
using Pitlane.Modules.Shop.Bays;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform;

namespace Pitlane.Modules.Shop;

public sealed record CustomerResponse(
    Guid Id, string Kind, string Name, string? Phone, string? Email, string PreferredContact,
    bool SmsConsent, DateTime? SmsConsentAt, string? SmsConsentSource, bool EmailConsent, DateTime? EmailConsentAt, string? EmailConsentSource,
    string? ExternalRef, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CustomerResponse From(Customer c) => new(
        c.Id, Lower(c.Kind), c.Name, c.Phone, c.Email, Lower(c.PreferredContact), c.SmsConsent, c.SmsConsentAt, c.SmsConsentSource,
        c.EmailConsent, c.EmailConsentAt, c.EmailConsentSource, c.ExternalRef, c.CreatedAt, c.UpdatedAt);

    internal static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

public sealed record LineResponse(
    Guid Id, string Kind, string Description, string? PartNumber, string? LaborCategory, decimal Quantity, long UnitPrice, long UnitCost,
    long CoreCharge, decimal? Percent, string AppliesTo, long Extended, long ExtendedCore)
{
    public static LineResponse From(RepairOrderLine l) => new(
        l.Id, CustomerResponse.Lower(l.Kind), l.Description, l.PartNumber, l.LaborCategory, l.QuantityHundredths / 100m, l.UnitPrice, l.UnitCost,
        l.CoreCharge, l.DiscountBps > 0 ? l.DiscountBps / 100m : null, CustomerResponse.Lower(l.AppliesTo), l.Extended, l.ExtendedCore);
}

public sealed record JobResponse(Guid Id, int Position, string Title, string? Concern, string? Cause, string? Correction, string Status, IReadOnlyList<LineResponse> Lines)
{
    public static JobResponse From(RepairOrderJob j) => new(j.Id, j.Position, j.Title, j.Concern, j.Cause, j.Correction, StatusName(j.Status), [.. j.Lines.Select(LineResponse.From)]);

    internal static string StatusName(JobStatus status) => status == JobStatus.InProgress ? "in_progress" : CustomerResponse.Lower(status);
}

public sealed record TotalsResponse(
    long Labor, long Parts, long Cores, long Fees, long Discounts, long LaborTax, long PartsTax, long FeesTax, long Tax, long Subtotal, long Total, long PartsCost, double LaborHours)
{
    public static TotalsResponse From(RepairOrderTotals t) => new(
        t.Labor, t.Parts, t.Cores, t.Fees, t.Discounts, t.LaborTax, t.PartsTax, t.FeesTax, t.Tax, t.Subtotal, t.Total, t.PartsCost, t.LaborHours);
}

public sealed record PaymentResponse(Guid Id, string Method, long Amount, string? Reference, Guid? PaymentIntentId, DateTime ReceivedAt);

public sealed record CreditNoteResponse(Guid Id, string Number, long Amount, string Reason, DateTime IssuedAt);

public sealed record RepairOrderResponse(
    Guid Id, int Number, string Status, Guid CustomerId, Guid VehicleId, string Currency, int? OdometerInKm, Guid? TechnicianId, Guid? BayId,
    IReadOnlyList<JobResponse> Jobs, TotalsResponse Totals, string? InvoiceNumber, long? InvoicedTotal, DateTime? InvoicedAt, long Paid, long Credited,
    long BalanceDue, DateTime? PaidAt, Guid? PaymentIntentId, IReadOnlyList<PaymentResponse> Payments, IReadOnlyList<CreditNoteResponse> CreditNotes,
    DateTime CreatedAt, DateTime UpdatedAt, int Version)
{
    public static RepairOrderResponse From(RepairOrder r) => new(
        r.Id, r.Number, StatusName(r.Status), r.CustomerId, r.VehicleId, r.Currency, r.OdometerInKm, r.TechnicianId, r.BayId,
        [.. r.Jobs.OrderBy(j => j.Position).Select(JobResponse.From)], TotalsResponse.From(RepairOrderTotals.Of(r)), r.InvoiceNumber, r.InvoicedTotal, r.InvoicedAt,
        r.Paid, r.Credited, r.BalanceDue, r.PaidAt, r.PaymentIntentId,
        [.. r.Payments.OrderBy(p => p.ReceivedAt).Select(p => new PaymentResponse(p.Id, p.Method, p.Amount, p.Reference, p.PaymentIntentId, p.ReceivedAt))],
        [.. r.CreditNotes.OrderBy(c => c.IssuedAt).Select(c => new CreditNoteResponse(c.Id, c.Number, c.Amount, c.Reason, c.IssuedAt))],
        r.CreatedAt, r.UpdatedAt, r.Version);

    internal static string StatusName(RepairOrderStatus status) => status == RepairOrderStatus.InProgress ? "in_progress" : CustomerResponse.Lower(status);
}

public sealed record AuditResponse(DateTime At, Guid UserId, string Field, string? Before, string? After)
{
    public static AuditResponse From(ShopAuditEntry a) => new(a.At, a.UserId, a.Field, a.Before, a.After);
}

public sealed record BayResponse(Guid Id, string Name, bool HasLift, bool HasAlignment, bool HasEvCharger, string OpensAt, string ClosesAt, string TimeZone)
{
    public static BayResponse From(Bay b) => new(b.Id, b.Name, b.HasLift, b.HasAlignment, b.HasEvCharger, Bookings.Clock(b.OpensAtMinute), Bookings.Clock(b.ClosesAtMinute), b.TimeZone);
}

public sealed record BookingResponse(Guid Id, Guid BayId, DateTime StartsAt, DateTime EndsAt, string Title, Guid? RepairOrderId, string Status, DateTime? StartedAt, DateTime? FinishedAt)
{
    public static BookingResponse From(BayBooking b) => new(
        b.Id, b.BayId, b.StartsAt, b.EndsAt, b.Title, b.RepairOrderId, b.Status == BookingStatus.InProgress ? "in_progress" : CustomerResponse.Lower(b.Status), b.StartedAt, b.FinishedAt);
}

/// <summary>An <see cref="Outcome{T}"/> as HTTP: 200/201, 400 validation problem, 409 conflict, 404.</summary>
internal static class OutcomeResults
{
    public static IResult Ok<T, TOut>(this Outcome<T> outcome, Func<T, TOut> map, string notFound) => outcome switch
    {
        { NotFound: true } => Problems.NotFound(notFound),
        { Errors: { } errors } => Problems.Invalid(errors),
        { Conflict: { } conflict } => Problems.Conflict(conflict),
        _ => TypedResults.Ok(map(outcome.Value!)),
    };

    public static IResult Created<T, TOut>(this Outcome<T> outcome, Func<T, TOut> map, Func<T, string> location, string notFound) => outcome switch
    {
        { NotFound: true } => Problems.NotFound(notFound),
        { Errors: { } errors } => Problems.Invalid(errors),
        { Conflict: { } conflict } => Problems.Conflict(conflict),
        _ => TypedResults.Created(location(outcome.Value!), map(outcome.Value!)),
    };
}
