using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;

namespace Pitlane.Modules.Shop.Customers;

public sealed record CustomerRequest(string? Kind, string? Name, string? Phone, string? Email, string? PreferredContact);

public sealed record ConsentRequest(string? Channel, bool? Given, string? Source);

/// <summary>Customers and the vehicles they own; search by name, phone, e-mail, plate or VIN.</summary>
public sealed class Customers(ShopDbContext db, IVehicleDirectory vehicles, TimeProvider time)
{
    public const int MaxSearchLength = 100;

    /// <summary>How many of a shop's linked vehicles a plate search looks through (plates live in the Vehicles module).</summary>
    public const int PlateSearchLimit = 5_000;

    private Actor Actor(Guid userId) => new(userId, time.GetUtcNow().UtcDateTime);

    public Task<Customer?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        db.Customers.FirstOrDefaultAsync(c => c.Id == id && c.OrganizationId == organizationId, ct);

    public static Validation Validate(CustomerRequest request, bool creating)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Validation()
            .Require(!creating || !string.IsNullOrWhiteSpace(request.Name), "name", "The customer needs a name.")
            .Require(request.Name is null || request.Name.Trim().Length <= 200, "name", "name is at most 200 characters.")
            .Require(request.Phone is null || (request.Phone.Trim().Length <= 40 && request.Phone.All(ch => char.IsAsciiDigit(ch) || " +-().".Contains(ch, StringComparison.Ordinal))),
                "phone", "phone is at most 40 digits, spaces and + - ( ) . characters.")
            .Require(request.Email is null || request.Email.Trim().Length == 0 || (request.Email.Trim().Length <= 254 && request.Email.Contains('@', StringComparison.Ordinal)),
                "email", "email must be an e-mail address.")
            .Require(request.Kind is null || Enum.TryParse<CustomerKind>(request.Kind, true, out _), "kind", "kind is person or business.")
            .Require(request.PreferredContact is null || Enum.TryParse<ContactChannel>(request.PreferredContact, true, out _), "preferredContact",
                "preferredContact is none, sms, email or phone.");
    }

    public async Task<Outcome<Customer>> CreateAsync(Guid organizationId, Guid userId, CustomerRequest request, string? externalRef, CancellationToken ct)
    {
        var check = Validate(request, creating: true);
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var customer = Customer.Create(organizationId, Parse(request.Kind, CustomerKind.Person), request.Name!, request.Phone, request.Email,
            Parse(request.PreferredContact, ContactChannel.None), externalRef, Actor(userId));
        db.Customers.Add(customer);
        await SaveAsync(customer, ct);
        return new(customer);
    }

    public async Task<Outcome<Customer>> UpdateAsync(Guid organizationId, Guid userId, Guid id, CustomerRequest request, CancellationToken ct)
    {
        var check = Validate(request, creating: false);
        if (await FindAsync(organizationId, id, ct) is not { } customer)
        {
            return Outcome<Customer>.Missing;
        }
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        customer.Update(request.Name, request.Phone, request.Email,
            request.PreferredContact is null ? null : Parse(request.PreferredContact, ContactChannel.None), Actor(userId));
        await SaveAsync(customer, ct);
        return new(customer);
    }

    public async Task<Outcome<Customer>> SetConsentAsync(Guid organizationId, Guid userId, Guid id, ConsentRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = request.Channel?.ToLowerInvariant() switch { "sms" => ContactChannel.Sms, "email" => ContactChannel.Email, _ => (ContactChannel?)null };
        var check = new Validation()
            .Require(channel is not null, "channel", "channel is sms or email.")
            .Require(request.Given is not null, "given", "given is true (consent given) or false (withdrawn).")
            .Require(!string.IsNullOrWhiteSpace(request.Source) && request.Source.Trim().Length <= 200, "source",
                "Say where the consent was given or withdrawn (\"signed form at the counter\"), at most 200 characters.");
        if (await FindAsync(organizationId, id, ct) is not { } customer)
        {
            return Outcome<Customer>.Missing;
        }
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        customer.SetConsent(channel!.Value, request.Given!.Value, request.Source!.Trim(), Actor(userId));
        await SaveAsync(customer, ct);
        return new(customer);
    }

    public async Task<Outcome<CustomerVehicle>> LinkVehicleAsync(Guid organizationId, Guid userId, Guid customerId, Guid? vehicleId, CancellationToken ct)
    {
        if (await FindAsync(organizationId, customerId, ct) is not { } customer)
        {
            return Outcome<CustomerVehicle>.Missing;
        }
        if (vehicleId is null || await vehicles.FindAsync(organizationId, vehicleId.Value, ct) is not { } vehicle)
        {
            return Outcome<CustomerVehicle>.Invalid("vehicleId", "No such vehicle in this shop: add it under Vehicles first.");
        }
        if (await db.CustomerVehicles.FirstOrDefaultAsync(v => v.CustomerId == customerId && v.VehicleId == vehicle.Id, ct) is { } existing)
        {
            return new(existing);
        }
        var link = new CustomerVehicle(organizationId, customerId, vehicle.Id, vehicle.Vin, time.GetUtcNow().UtcDateTime);
        db.CustomerVehicles.Add(link);
        customer.LinkedVehicle(vehicle.Id, linked: true, Actor(userId));
        await SaveAsync(customer, ct);
        return new(link);
    }

    public async Task<IReadOnlyList<VehicleSummary>> VehiclesOfAsync(Guid organizationId, Guid customerId, CancellationToken ct)
    {
        var ids = await db.CustomerVehicles.Where(v => v.OrganizationId == organizationId && v.CustomerId == customerId).Select(v => v.VehicleId).ToListAsync(ct);
        return ids.Count == 0 ? [] : await vehicles.FindManyAsync(organizationId, ids, ct);
    }

    /// <summary>
    /// Case-insensitive, partial: name, e-mail, phone digits and VIN are queried in the store; plates belong to the
    /// Vehicles module, so they are matched over the shop's linked vehicles through its directory.
    /// </summary>
    public async Task<ListPage<Customer>> SearchAsync(Guid organizationId, string? q, PageRequest page, CancellationToken ct)
    {
        var query = db.Customers.AsNoTracking().Where(c => c.OrganizationId == organizationId);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim().ToLowerInvariant();
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            var vin = text.ToUpperInvariant();
            var plateText = Plate(text);
            var byVin = db.CustomerVehicles.Where(v => v.OrganizationId == organizationId && v.Vin.Contains(vin)).Select(v => v.CustomerId);
            var byPlate = new List<Guid>();
            if (plateText.Length >= 2)
            {
                var links = await db.CustomerVehicles.AsNoTracking().Where(v => v.OrganizationId == organizationId)
                    .OrderByDescending(v => v.LinkedAt).Take(PlateSearchLimit).Select(v => new { v.CustomerId, v.VehicleId }).ToListAsync(ct);
                var matched = (await vehicles.FindManyAsync(organizationId, links.Select(l => l.VehicleId).Distinct().ToList(), ct))
                    .Where(v => v.Plate is { } plate && Plate(plate).Contains(plateText, StringComparison.Ordinal)).Select(v => v.Id).ToHashSet();
                byPlate = links.Where(l => matched.Contains(l.VehicleId)).Select(l => l.CustomerId).Distinct().ToList();
            }
            query = query.Where(c => c.SearchName.Contains(text) || (c.SearchEmail != null && c.SearchEmail.Contains(text))
                || (digits.Length >= 3 && c.PhoneDigits != null && c.PhoneDigits.Contains(digits)) || byVin.Contains(c.Id) || byPlate.Contains(c.Id));
        }
        return await page.ApplyAsync(query.OrderBy(c => c.SearchName).ThenBy(c => c.Id), ct);
    }

    private static string Plate(string value) => new string(value.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    private async Task SaveAsync(Customer customer, CancellationToken ct)
    {
        db.Audit.AddRange(customer.Changes);
        await db.SaveChangesAsync(ct);
        customer.ForgetChanges();
    }

    private static T Parse<T>(string? value, T fallback) where T : struct, Enum => Enum.TryParse<T>(value, true, out var parsed) ? parsed : fallback;
}
