using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Shop.Imports;

public enum ImportChange
{
    Created,
    Updated,
    Unchanged,
    Failed,
}

/// <summary>What happened to one record: the Pitlane id it became (or matched), and why it failed.</summary>
public sealed record ImportOutcome(Guid? Id, ImportChange Change, string? Error = null)
{
    public static ImportOutcome Fail(string error) => new(null, ImportChange.Failed, error);
}

/// <summary>A customer as an import sees it: already validated text, ready to create or update.</summary>
public sealed record ImportedCustomer(string Name, string? Phone, string? Email, bool Business);

/// <summary>
/// Writes imported customers and vehicles without duplicates, for the Tekmetric import and the CSV import alike. A
/// customer is found by its external id (Tekmetric), else by e-mail (case-insensitive) or by phone (same digits);
/// a vehicle by VIN through the Vehicles module's contracts (registered there when new, with its VIN rules), then
/// linked to its owner. Every write keeps the audit trail, and a new row and its external id commit together.
/// </summary>
public sealed class ImportWriter(ShopDbContext db, IVehicleDirectory vehicles, IVehicleRegistrar registrar, TimeProvider time)
{
    public const int MinPhoneDigitsToMatch = 7;

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public static string Fingerprint<T>(T record) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, JsonSerializerOptions.Web))));

    public Task<ExternalRef?> RefAsync(Guid organizationId, string source, string entity, string externalId, CancellationToken ct) =>
        db.ExternalRefs.FirstOrDefaultAsync(r => r.OrganizationId == organizationId && r.Source == source && r.EntityType == entity && r.ExternalId == externalId, ct);

    /// <summary>The customer this import row or record is, when the shop has it already: by external id, e-mail or phone.</summary>
    public async Task<Customer?> MatchCustomerAsync(Guid organizationId, string? externalRef, Guid? knownId, ImportedCustomer customer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (knownId is { } id && await db.Customers.FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.Id == id, ct) is { } known)
        {
            return known;
        }
        if (externalRef is not null && await db.Customers.FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.ExternalRef == externalRef, ct) is { } byRef)
        {
            return byRef;
        }
        if (customer.Email?.Trim().ToLowerInvariant() is { Length: > 0 } email
            && await db.Customers.OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.SearchEmail == email, ct) is { } byEmail)
        {
            return byEmail;
        }
        var digits = Digits(customer.Phone);
        if (digits.Length >= MinPhoneDigitsToMatch)
        {
            return await db.Customers.OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.PhoneDigits == digits, ct);
        }
        return null;
    }

    /// <summary>
    /// Creates the customer or brings the matched one up to date (only fields the import has; the audit trail records
    /// each change). With <paramref name="source"/> and <paramref name="externalId"/>, the external id is kept in the
    /// same transaction.
    /// </summary>
    public async Task<ImportOutcome> UpsertCustomerAsync(Guid organizationId, Guid userId, string? source, string? externalId, string? fingerprint,
        ImportedCustomer customer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var request = new CustomerRequest(customer.Business ? "business" : "person", customer.Name, customer.Phone, customer.Email, null);
        var check = Customers.Customers.Validate(request, creating: true);
        if (!check.IsValid)
        {
            return ImportOutcome.Fail(string.Join(" ", check.Errors.SelectMany(e => e.Value)));
        }
        var actor = new Actor(userId, Now);
        var externalRef = source is not null && externalId is not null ? $"{source}:{externalId}" : null;
        var known = source is not null && externalId is not null ? await RefAsync(organizationId, source, ImportEntities.Customer, externalId, ct) : null;
        var existing = await MatchCustomerAsync(organizationId, externalRef, known?.LocalId, customer, ct);
        ImportChange change;
        if (existing is null)
        {
            existing = Customer.Create(organizationId, customer.Business ? CustomerKind.Business : CustomerKind.Person, customer.Name, customer.Phone, customer.Email,
                ContactChannel.None, externalRef, actor);
            db.Customers.Add(existing);
            change = ImportChange.Created;
        }
        else
        {
            existing.Update(customer.Name, customer.Phone, customer.Email, null, actor);
            change = existing.Changes.Count > 0 ? ImportChange.Updated : ImportChange.Unchanged;
        }
        if (source is not null && externalId is not null)
        {
            KeepRef(known, organizationId, source, ImportEntities.Customer, externalId, existing.Id, fingerprint ?? "");
        }
        db.Audit.AddRange(existing.Changes);
        await db.SaveChangesAsync(ct);
        existing.ForgetChanges();
        return new(existing.Id, change);
    }

    /// <summary>
    /// Finds the vehicle by VIN in the Vehicles module or registers it there (its VIN rules apply: a VIN failing its check
    /// digit is refused), then links it to <paramref name="customerId"/>. Created: newly registered; Updated: an existing
    /// vehicle got linked to this customer (or its external record changed); Unchanged otherwise.
    /// </summary>
    public async Task<ImportOutcome> UpsertVehicleAsync(Guid organizationId, Guid userId, string vin, Guid customerId, string? source, string? externalId,
        string? fingerprint, CancellationToken ct)
    {
        var known = source is not null && externalId is not null ? await RefAsync(organizationId, source, ImportEntities.Vehicle, externalId, ct) : null;
        var vehicle = await vehicles.FindByVinAsync(organizationId, vin.Trim().ToUpperInvariant(), ct);
        var change = ImportChange.Unchanged;
        if (vehicle is null)
        {
            var registered = await registrar.RegisterByVinAsync(organizationId, vin, ct);
            if (registered.Vehicle is null && registered.Conflict is not null)
            {
                // Registered by someone else in the meantime (one VIN per organisation): take that one.
                registered = registered with { Vehicle = await vehicles.FindByVinAsync(organizationId, vin.Trim().ToUpperInvariant(), ct) };
            }
            if (registered.Vehicle is null)
            {
                return ImportOutcome.Fail(registered.Errors is { } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : registered.Conflict ?? "The vehicle could not be registered.");
            }
            vehicle = registered.Vehicle;
            change = ImportChange.Created;
        }
        if (!await db.CustomerVehicles.AnyAsync(v => v.CustomerId == customerId && v.VehicleId == vehicle.Id, ct))
        {
            var owner = await db.Customers.FirstAsync(c => c.OrganizationId == organizationId && c.Id == customerId, ct);
            db.CustomerVehicles.Add(new CustomerVehicle(organizationId, customerId, vehicle.Id, vehicle.Vin, Now));
            owner.LinkedVehicle(vehicle.Id, linked: true, new Actor(userId, Now));
            db.Audit.AddRange(owner.Changes);
            owner.ForgetChanges();
            change = change == ImportChange.Created ? change : ImportChange.Updated;
        }
        if (source is not null && externalId is not null)
        {
            if (change == ImportChange.Unchanged && known is not null && known.Fingerprint != fingerprint)
            {
                change = ImportChange.Updated;
            }
            KeepRef(known, organizationId, source, ImportEntities.Vehicle, externalId, vehicle.Id, fingerprint ?? "");
        }
        await db.SaveChangesAsync(ct);
        return new(vehicle.Id, change);
    }

    public void KeepRef(ExternalRef? known, Guid organizationId, string source, string entity, string externalId, Guid localId, string fingerprint)
    {
        if (known is null)
        {
            db.ExternalRefs.Add(new ExternalRef(organizationId, source, entity, externalId, localId, fingerprint, Now));
        }
        else if (known.LocalId != localId || known.Fingerprint != fingerprint)
        {
            known.Seen(localId, fingerprint, Now);
        }
    }

    public static string Digits(string? phone) => new((phone ?? "").Where(char.IsAsciiDigit).ToArray());
}
