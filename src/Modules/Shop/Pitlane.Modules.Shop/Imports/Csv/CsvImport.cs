using System.Globalization;
using System.Text.Json;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Vin;

namespace Pitlane.Modules.Shop.Imports.Csv;

public sealed record CsvFieldError(string Field, string Message);

/// <summary>One data row as read and checked, and what the import does (or did) with it.</summary>
public sealed record CsvRowResult(
    int Row, int Line, string? Name, string? Phone, string? Email, string? Plate, string? Vin, int? Year, string? Make, string? Model,
    string Customer, string Vehicle, IReadOnlyList<CsvFieldError> Errors, IReadOnlyList<string> Warnings);

public sealed record CsvImportResult(
    bool DryRun, int Rows, int ValidRows, int InvalidRows, IReadOnlyDictionary<string, string> Mapping, ImportSummary Summary,
    IReadOnlyList<CsvRowResult> Results, int ResultsLeftOut, Guid? RunId);

/// <summary>
/// Customers and their vehicles from a CSV file: columns found by their header (or named by the caller), every row
/// checked (name, phone, e-mail, VIN with its check digit, year), a dry run that says per row what would happen, then
/// the commit through <see cref="ImportWriter"/> (customers matched by e-mail or phone, vehicles by VIN), so the same
/// file imported twice creates nothing the second time. Cells are kept as text: a cell like =cmd|... is a name, never
/// a formula.
/// </summary>
public sealed class CsvImport(ImportWriter writer, IVehicleDirectory vehicles, ShopDbContext db, TimeProvider time)
{
    public const int MaxResults = 500;

    public static readonly string[] Fields = ["name", "phone", "email", "plate", "vin", "year", "make", "model"];

    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["name"] = "name", ["customer"] = "name", ["customername"] = "name", ["fullname"] = "name", ["client"] = "name",
        ["phone"] = "phone", ["phonenumber"] = "phone", ["mobile"] = "phone", ["cell"] = "phone", ["telephone"] = "phone", ["tel"] = "phone",
        ["email"] = "email", ["emailaddress"] = "email", ["mail"] = "email",
        ["plate"] = "plate", ["licenseplate"] = "plate", ["licenceplate"] = "plate", ["license"] = "plate", ["registration"] = "plate", ["plateno"] = "plate",
        ["vin"] = "vin", ["vinnumber"] = "vin", ["chassisnumber"] = "vin",
        ["year"] = "year", ["modelyear"] = "year",
        ["make"] = "make", ["manufacturer"] = "make", ["brand"] = "make",
        ["model"] = "model",
    };

    /// <summary>
    /// Which column holds which field: <paramref name="explicitMapping"/> (field → header text) first, then headers
    /// recognised by name. Errors name the field.
    /// </summary>
    public static (Dictionary<string, int> Columns, Dictionary<string, string[]> Errors) Map(IReadOnlyList<string> header, IReadOnlyDictionary<string, string> explicitMapping)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(explicitMapping);
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, headerText) in explicitMapping)
        {
            if (!Fields.Contains(field))
            {
                errors[$"col.{field}"] = [$"Unknown field '{field}': the fields are {string.Join(", ", Fields)}."];
                continue;
            }
            var index = header.ToList().FindIndex(h => string.Equals(h.Trim(), headerText.Trim(), StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                errors[$"col.{field}"] = [$"The file has no column '{headerText}'."];
                continue;
            }
            columns[field] = index;
        }
        for (var i = 0; i < header.Count; i++)
        {
            var key = new string(header[i].Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            if (Synonyms.TryGetValue(key, out var field) && !columns.ContainsKey(field) && !columns.ContainsValue(i))
            {
                columns[field] = i;
            }
        }
        if (!columns.ContainsKey("name") && errors.Count == 0)
        {
            errors["col.name"] = ["No column holds the customer's name: name it \"Name\" or say which it is with col.name."];
        }
        return (columns, errors);
    }

    public async Task<CsvImportResult> RunAsync(Guid organizationId, Guid userId, IReadOnlyList<CsvRecord> records, Dictionary<string, int> columns,
        bool dryRun, string? fileName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(columns);
        var header = records[0].Fields;
        var summary = new ImportSummary();
        var results = new List<CsvRowResult>();
        var valid = 0;
        var seenVins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (record, index) in records.Skip(1).Select((r, i) => (r, i + 1)))
        {
            var row = Check(record, index, columns, time.GetUtcNow().Year);
            if (row.Errors.Count > 0)
            {
                summary.Customers.Errors++;
                foreach (var error in row.Errors)
                {
                    summary.Add(new ImportIssue(error.Field == "vin" || error.Field == "year" ? ImportEntities.Vehicle : ImportEntities.Customer, null, index,
                        $"{error.Field}: {error.Message}"));
                }
                Keep(results, row);
                continue;
            }
            valid++;
            row = dryRun ? await PlanAsync(organizationId, row, seenVins, ct) : await CommitAsync(organizationId, userId, row, summary, ct);
            if (dryRun)
            {
                Tally(summary, row);
            }
            Keep(results, row);
        }
        Guid? runId = null;
        if (!dryRun)
        {
            var run = new ImportRun(organizationId, ImportSources.Csv, userId, fileName, writer.Now);
            run.Start(writer.Now);
            run.Finish(ImportRunStatus.Succeeded, JsonSerializer.Serialize(summary, JsonSerializerOptions.Web), null, writer.Now);
            db.ImportRuns.Add(run);
            await db.SaveChangesAsync(ct);
            runId = run.Id;
        }
        var mapping = columns.ToDictionary(c => c.Key, c => header[c.Value], StringComparer.Ordinal);
        return new CsvImportResult(dryRun, records.Count - 1, valid, records.Count - 1 - valid, mapping, summary, results,
            Math.Max(0, records.Count - 1 - MaxResults), runId);
    }

    private static void Keep(List<CsvRowResult> results, CsvRowResult row)
    {
        if (results.Count < MaxResults)
        {
            results.Add(row);
        }
    }

    private static void Tally(ImportSummary summary, CsvRowResult row)
    {
        _ = row.Customer switch { "create" => summary.Customers.Created++, "update" => summary.Customers.Updated++, _ => summary.Customers.Skipped++ };
        _ = row.Vehicle switch { "create" => summary.Vehicles.Created++, "link" => summary.Vehicles.Updated++, "unchanged" => summary.Vehicles.Skipped++, _ => 0 };
    }

    /// <summary>Reads and checks one row; nothing is written.</summary>
    public static CsvRowResult Check(CsvRecord record, int row, IReadOnlyDictionary<string, int> columns, int thisYear)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(columns);
        string? Cell(string field) => columns.TryGetValue(field, out var i) && i < record.Fields.Count && !string.IsNullOrWhiteSpace(record.Fields[i])
            ? record.Fields[i].Trim() : null;
        var errors = new List<CsvFieldError>();
        var warnings = new List<string>();
        var name = Cell("name");
        var phone = Cell("phone");
        var email = Cell("email");
        var plate = Cell("plate");
        var vin = Cell("vin")?.ToUpperInvariant();
        var make = Cell("make");
        var model = Cell("model");
        int? year = null;
        if (name is null)
        {
            errors.Add(new("name", "The customer's name is missing."));
        }
        else if (name.Length > 200)
        {
            errors.Add(new("name", "The name is longer than 200 characters."));
        }
        if (phone is not null && (phone.Length > 40 || !phone.All(ch => char.IsAsciiDigit(ch) || " +-().".Contains(ch, StringComparison.Ordinal))
            || ImportWriter.Digits(phone).Length < 3))
        {
            errors.Add(new("phone", $"'{Clip(phone)}' is not a phone number (digits, spaces and + - ( ) . only)."));
        }
        if (email is not null && !IsEmail(email))
        {
            errors.Add(new("email", $"'{Clip(email)}' is not an e-mail address."));
        }
        if (vin is not null)
        {
            var decoded = VinDecoder.Decode(vin);
            if (!decoded.IsWellFormed)
            {
                errors.Add(new("vin", $"'{Clip(vin)}' is not a VIN: 17 letters and digits, without I, O or Q."));
            }
            else if (decoded.CheckDigit is { Valid: false } digit)
            {
                // 49 CFR 565.15: position 9 is computed from the other 16; a mismatch is almost always a typo.
                errors.Add(new("vin", $"The check digit (position 9) of {vin} is '{digit.Actual}' but the VIN computes to '{digit.Expected}': probably a typo."));
            }
            else if (decoded.ModelYear is { } decodedYear && Cell("year") is { } y && int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given != decodedYear)
            {
                warnings.Add($"The VIN says model year {decodedYear}, the file says {given}: the VIN's year is kept.");
            }
        }
        if (Cell("year") is { } yearText)
        {
            if (int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y >= 1900 && y <= thisYear + 2)
            {
                year = y;
            }
            else
            {
                errors.Add(new("year", $"'{Clip(yearText)}' is not a model year between 1900 and {thisYear + 2}."));
            }
        }
        if (plate is { Length: > 15 })
        {
            errors.Add(new("plate", "The plate is longer than 15 characters."));
        }
        if (make is { Length: > 60 } || model is { Length: > 60 })
        {
            errors.Add(new(make is { Length: > 60 } ? "make" : "model", "Make and model are at most 60 characters."));
        }
        if (vin is null && (plate ?? make ?? model) is not null)
        {
            warnings.Add("No VIN: Pitlane keeps vehicles by VIN, so only the customer is imported from this row.");
        }
        return new CsvRowResult(row, record.Line, name, phone, email, plate, vin, year, make, model, errors.Count > 0 ? "error" : "", vin is null ? "none" : "",
            errors, warnings);
    }

    private static bool IsEmail(string text) =>
        text.Length <= 254 && !text.Any(char.IsWhiteSpace) && System.Net.Mail.MailAddress.TryCreate(text, out var address) && address.Address == text
        && address.Host.Contains('.', StringComparison.Ordinal);

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private async Task<CsvRowResult> PlanAsync(Guid organizationId, CsvRowResult row, HashSet<string> seenVins, CancellationToken ct)
    {
        var match = await writer.MatchCustomerAsync(organizationId, null, null, new ImportedCustomer(row.Name!, row.Phone, row.Email, false), ct);
        var customer = match is null ? "create"
            : match.Name == row.Name && (row.Phone is null || match.Phone == row.Phone) && (row.Email is null || match.Email == row.Email) ? "unchanged" : "update";
        var vehicle = row.Vehicle;
        if (row.Vin is { } vin)
        {
            var existing = await vehicles.FindByVinAsync(organizationId, vin, ct);
            vehicle = existing is null ? (seenVins.Add(vin) ? "create" : "link")
                : match is not null && db.CustomerVehicles.Any(v => v.CustomerId == match.Id && v.VehicleId == existing.Id) ? "unchanged" : "link";
        }
        return row with { Customer = customer, Vehicle = vehicle };
    }

    private async Task<CsvRowResult> CommitAsync(Guid organizationId, Guid userId, CsvRowResult row, ImportSummary summary, CancellationToken ct)
    {
        var customer = await writer.UpsertCustomerAsync(organizationId, userId, null, null, null, new ImportedCustomer(row.Name!, row.Phone, row.Email, false), ct);
        Count(summary.Customers, customer);
        if (customer.Id is not { } customerId)
        {
            summary.Add(new ImportIssue(ImportEntities.Customer, null, row.Row, customer.Error ?? "Failed."));
            return row with { Customer = "error", Errors = [.. row.Errors, new CsvFieldError("name", customer.Error ?? "Failed.")] };
        }
        var vehicleState = row.Vehicle;
        if (row.Vin is { } vin)
        {
            var vehicle = await writer.UpsertVehicleAsync(organizationId, userId, vin, customerId, null, null, null, ct);
            Count(summary.Vehicles, vehicle);
            if (vehicle.Change == ImportChange.Failed)
            {
                summary.Add(new ImportIssue(ImportEntities.Vehicle, null, row.Row, $"VIN {vin}: {vehicle.Error}"));
            }
            vehicleState = vehicle.Change switch { ImportChange.Created => "created", ImportChange.Updated => "linked", ImportChange.Unchanged => "unchanged", _ => "error" };
        }
        var customerState = customer.Change switch { ImportChange.Created => "created", ImportChange.Updated => "updated", _ => "unchanged" };
        db.ChangeTracker.Clear();
        return row with { Customer = customerState, Vehicle = vehicleState };
    }

    private static void Count(EntityCounts counts, ImportOutcome outcome)
    {
        _ = outcome.Change switch
        {
            ImportChange.Created => counts.Created++,
            ImportChange.Updated => counts.Updated++,
            ImportChange.Unchanged => counts.Skipped++,
            _ => counts.Errors++,
        };
    }
}
