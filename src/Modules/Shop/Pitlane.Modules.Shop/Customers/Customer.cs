using Pitlane.Modules.Shop.RepairOrders;

namespace Pitlane.Modules.Shop.Customers;

public enum CustomerKind
{
    Person,
    Business,
}

public enum ContactChannel
{
    None,
    Sms,
    Email,
    Phone,
}

/// <summary>
/// A shop's customer (a person or a business) and how they want to be reached. Consent to SMS and e-mail is kept with
/// when and where it was given or withdrawn (TCPA / GDPR evidence); the search columns are lower-case copies so
/// search is case-insensitive on both databases.
/// </summary>
public sealed class Customer
{
    public const string EntityType = "customer";

    private readonly List<ShopAuditEntry> _changes = [];

    private Customer()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public CustomerKind Kind { get; private set; }

    public string Name { get; private set; } = "";

    public string? Phone { get; private set; }

    public string? Email { get; private set; }

    public ContactChannel PreferredContact { get; private set; }

    public bool SmsConsent { get; private set; }

    public DateTime? SmsConsentAt { get; private set; }

    public string? SmsConsentSource { get; private set; }

    public bool EmailConsent { get; private set; }

    public DateTime? EmailConsentAt { get; private set; }

    public string? EmailConsentSource { get; private set; }

    /// <summary>The shop system this customer was imported from and its id there ("tekmetric:123"), so a re-import updates.</summary>
    public string? ExternalRef { get; private set; }

    public string SearchName { get; private set; } = "";

    public string? SearchEmail { get; private set; }

    /// <summary>The phone's digits only, so "(555) 010-2030" is found by "0102".</summary>
    public string? PhoneDigits { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<ShopAuditEntry> Changes => _changes;

    public static Customer Create(Guid organizationId, CustomerKind kind, string name, string? phone, string? email, ContactChannel preferred, string? externalRef, Actor actor)
    {
        var customer = new Customer { Id = Guid.CreateVersion7(), OrganizationId = organizationId, Kind = kind, CreatedAt = actor.At, ExternalRef = externalRef };
        customer.Record(actor, "created", null, name);
        customer.Update(name, phone, email, preferred, actor);
        return customer;
    }

    public void Update(string? name, string? phone, string? email, ContactChannel? preferred, Actor actor)
    {
        if (name is not null && name.Trim() != Name)
        {
            Record(actor, "name", Name is "" ? null : Name, name.Trim());
            Name = name.Trim();
            SearchName = Name.ToLowerInvariant();
        }
        if (phone is not null && Blank(phone) != Phone)
        {
            Record(actor, "phone", Phone, Blank(phone));
            Phone = Blank(phone);
            PhoneDigits = Phone is null ? null : new string(Phone.Where(char.IsAsciiDigit).ToArray());
        }
        if (email is not null && Blank(email) != Email)
        {
            Record(actor, "email", Email, Blank(email));
            Email = Blank(email);
            SearchEmail = Email?.ToLowerInvariant();
        }
        if (preferred is { } channel && channel != PreferredContact)
        {
            Record(actor, "preferredContact", PreferredContact.ToString(), channel.ToString());
            PreferredContact = channel;
        }
    }

    /// <summary>Records a consent given or withdrawn, with its source ("counter, signed form", "web booking", "import").</summary>
    public void SetConsent(ContactChannel channel, bool given, string source, Actor actor)
    {
        if (channel == ContactChannel.Sms && (SmsConsent != given || SmsConsentAt is null))
        {
            Record(actor, "smsConsent", SmsConsentAt is null ? null : $"{SmsConsent} ({SmsConsentSource})", $"{given} ({source})");
            (SmsConsent, SmsConsentAt, SmsConsentSource) = (given, actor.At, source);
        }
        else if (channel == ContactChannel.Email && (EmailConsent != given || EmailConsentAt is null))
        {
            Record(actor, "emailConsent", EmailConsentAt is null ? null : $"{EmailConsent} ({EmailConsentSource})", $"{given} ({source})");
            (EmailConsent, EmailConsentAt, EmailConsentSource) = (given, actor.At, source);
        }
    }

    public void ForgetChanges() => _changes.Clear();

    internal void LinkedVehicle(Guid vehicleId, bool linked, Actor actor) =>
        Record(actor, "vehicle", linked ? null : vehicleId.ToString(), linked ? vehicleId.ToString() : null);

    private void Record(Actor actor, string field, string? before, string? after)
    {
        _changes.Add(ShopAuditEntry.Of(OrganizationId, EntityType, Id, actor, field, before, after));
        UpdatedAt = actor.At;
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A customer's vehicle (the Vehicles module's id). The VIN is copied because it never changes and makes VIN search a query.</summary>
public sealed class CustomerVehicle
{
    private CustomerVehicle()
    {
    }

    public CustomerVehicle(Guid organizationId, Guid customerId, Guid vehicleId, string vin, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganizationId = organizationId;
        CustomerId = customerId;
        VehicleId = vehicleId;
        Vin = vin.ToUpperInvariant();
        LinkedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public Guid CustomerId { get; private set; }

    public Guid VehicleId { get; private set; }

    public string Vin { get; private set; } = "";

    public DateTime LinkedAt { get; private set; }
}
