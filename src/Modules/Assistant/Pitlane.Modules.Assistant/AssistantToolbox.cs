using System.Globalization;
using System.Text;
using Pitlane.Ai.Tools;
using Pitlane.Modules.Diagnostics.Contracts;
using Pitlane.Modules.Marketplace.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Obd.Dtc;
using Pitlane.Vin;

namespace Pitlane.Modules.Assistant;

/// <summary>Who is asking: every tool runs in this organisation, for this user, and sees nothing of any other.</summary>
public sealed record AssistantCaller(Guid OrganizationId, Guid UserId);

/// <summary>A record an answer used, with the page that shows it. <paramref name="Kind"/>: vehicle, scan, repair-order, service, order, listing.</summary>
public sealed record Citation(string Kind, Guid Id, string Label, string Url);

/// <summary>What a tool answered: text for the model (and the rules), the records it read, or an error message.</summary>
public sealed record ToolOutcome(string Text, IReadOnlyList<Citation> Citations, bool IsError = false)
{
    public static ToolOutcome Error(string message) => new(message, [], true);
}

/// <summary>Where each kind of record is shown, so citations link to pages rather than to JSON (the marketplace pages are on main).</summary>
public static class AssistantLinks
{
    public static string Vehicle(Guid id) => $"/Vehicles/Details/{id}";

    public static string Scan(Guid vehicleId, Guid scanId) => $"/Diagnostics/Vehicle/{vehicleId}?scan={scanId}";

    public static string RepairOrder(Guid id) => $"/Shop/Orders/{id}";

    public static string ServiceLog(Guid vehicleId) => $"/Diagnostics/Vehicle/{vehicleId}#maintenance-heading";

    /// <summary>The buyer's orders page (it lists every order with its state; there is no page per order).</summary>
    public static string Order(Guid id) => "/Marketplace/Orders";

    public static string Listing(Guid id) => $"/Marketplace/Listing/{id}";
}

/// <summary>
/// Runs the catalog's tools (<see cref="ToolCatalog"/>) for a caller, through the other modules' contracts only. Each
/// argument is checked; an id of another organisation's record answers exactly like an id that does not exist.
/// </summary>
public sealed class AssistantToolbox(
    IVehicleDirectory vehicles, IVehicleSearch search, IVehicleDiagnostics diagnostics, IShopServiceHistory shop, IMarketplaceBrowser marketplace)
{
    public const int MaxArgumentLength = 200;

    private static string Money(long minor, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{minor / 100m:0.00} {currency.ToUpperInvariant()}");

    private static string Day(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="name"/>; unknown tools and bad arguments are error outcomes, never exceptions.</summary>
    public async Task<ToolOutcome> RunAsync(AssistantCaller caller, string name, IReadOnlyDictionary<string, string?> arguments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(arguments);
        if (ToolCatalog.Find(name) is not { } spec) return ToolOutcome.Error($"There is no tool called '{Echo(name)}'.");
        foreach (var a in spec.Arguments.Where(a => a.Required))
        {
            if (string.IsNullOrWhiteSpace(Arg(arguments, a.Name))) return ToolOutcome.Error($"{spec.Name} needs the argument '{a.Name}'.");
        }
        foreach (var (key, value) in arguments)
        {
            if (value is { Length: > MaxArgumentLength }) return ToolOutcome.Error($"The argument '{Echo(key)}' is longer than {MaxArgumentLength} characters.");
            if (value is not null && value.Any(char.IsControl)) return ToolOutcome.Error($"The argument '{Echo(key)}' contains control characters.");
        }
        return spec.Name switch
        {
            ToolText.DecodeVin => DecodeVin(Arg(arguments, "vin")!),
            ToolText.ExplainDtc => ExplainDtc(Arg(arguments, "code")!),
            ToolText.LookupVehicle => await LookupVehicleAsync(caller, Arg(arguments, "query")!, ct),
            ToolText.GetLatestScan => await WithVehicleAsync(caller, arguments, ct, LatestScanAsync),
            ToolText.GetServiceHistory => await WithVehicleAsync(caller, arguments, ct, ServiceHistoryAsync),
            ToolText.GetNextService => await WithVehicleAsync(caller, arguments, ct, NextServiceAsync),
            ToolText.FindFittingParts => await WithVehicleAsync(caller, arguments, ct, (c, v, t) => FittingPartsAsync(v, Arg(arguments, "query"), t)),
            ToolText.GetOrderStatus => await OrderStatusAsync(caller, Arg(arguments, "id"), ct),
            _ => ToolOutcome.Error($"The tool '{spec.Name}' is not available here."),
        };
    }

    private static string? Arg(IReadOnlyDictionary<string, string?> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>At most a few printable ASCII characters of what was given (no quotes or markup), never a pasted page.</summary>
    internal static string Echo(string? text)
    {
        text ??= "";
        var shown = new string([.. text.Take(24).Select(ch => ch is >= ' ' and <= '~' && ch is not ('\'' or '"' or '<' or '>' or '&') ? ch : '?')]);
        return text.Length > 24 ? shown + "..." : shown;
    }

    private static ToolOutcome DecodeVin(string vin)
    {
        if (vin.Length > 32) return ToolOutcome.Error($"That is {vin.Length} characters, not a VIN: a VIN has 17.");
        var r = VinDecoder.Decode(vin);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"VIN {r.Vin}: {(r.IsValid ? "valid" : "not valid")}.");
        var identity = string.Join(' ', new[] { r.ModelYear?.ToString(CultureInfo.InvariantCulture), r.Make ?? r.Manufacturer }.Where(p => !string.IsNullOrWhiteSpace(p)));
        if (identity.Length > 0) text.Append($" {identity}");
        if (r.Country is { } country) text.Append($", built in {country}");
        text.Append('.');
        foreach (var f in r.Errors) text.Append($" Fault: {f.Message}");
        return new ToolOutcome(text.ToString(), []);
    }

    private static ToolOutcome ExplainDtc(string code)
    {
        if (!TroubleCode.TryParse(code, out var parsed))
            return ToolOutcome.Error($"'{Echo(code)}' is not a trouble code: expected P, C, B or U, then a digit 0-3 and three hex digits, like P0300.");
        var d = DtcKnowledge.Describe(parsed);
        var specific = d.ManufacturerSpecific ? " It is manufacturer-specific: the exact meaning depends on the make." : "";
        return new ToolOutcome($"{d.Code}: {d.Description}. System: {d.System}. Severity: {d.Severity.ToString().ToLowerInvariant()}.{specific}", []);
    }

    private async Task<ToolOutcome> LookupVehicleAsync(AssistantCaller caller, string query, CancellationToken ct)
    {
        var found = await search.SearchAsync(caller.OrganizationId, query, 10, ct);
        if (found.Count == 0) return new ToolOutcome($"No vehicle of yours matches '{Echo(query)}'.", []);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{found.Count} vehicle(s) match '{Echo(query)}':");
        foreach (var v in found) text.Append('\n').Append(Describe(v));
        return new ToolOutcome(text.ToString(), [.. found.Select(Cite)]);
    }

    internal static string Describe(VehicleSummary v)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"- {v.Id}: {v.Title}, VIN {v.Vin}");
        if (v.Plate is { } plate) text.Append($", plate {plate}");
        if (v.Nickname is { } nickname) text.Append($", \"{nickname}\"");
        if (v.OdometerKm is { } km) text.Append(CultureInfo.InvariantCulture, $", {km:N0} km");
        return text.ToString();
    }

    internal static Citation Cite(VehicleSummary v) => new("vehicle", v.Id, v.Nickname is { } n ? $"{v.Title} ({n})" : v.Title, AssistantLinks.Vehicle(v.Id));

    private async Task<ToolOutcome> WithVehicleAsync(
        AssistantCaller caller, IReadOnlyDictionary<string, string?> arguments, CancellationToken ct, Func<AssistantCaller, VehicleSummary, CancellationToken, Task<ToolOutcome>> run)
    {
        var text = Arg(arguments, "vehicleId") ?? "";
        if (!Guid.TryParse(text, out var id))
            return ToolOutcome.Error($"'{Echo(text)}' is not a vehicle id: ids are GUIDs; find one with lookup_vehicle.");
        // Another organisation's vehicle is answered exactly like one that does not exist.
        if (await vehicles.FindAsync(caller.OrganizationId, id, ct) is not { } vehicle)
            return ToolOutcome.Error($"There is no vehicle {id} in your organisation.");
        return await run(caller, vehicle, ct);
    }

    private async Task<ToolOutcome> LatestScanAsync(AssistantCaller caller, VehicleSummary vehicle, CancellationToken ct)
    {
        var scan = await diagnostics.LatestScanAsync(caller.OrganizationId, vehicle.Id, ct);
        if (scan is null) return new ToolOutcome($"{vehicle.Title} has no scans yet.", [Cite(vehicle)]);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Latest scan of {vehicle.Title} ({Day(scan.CompletedAt ?? scan.CreatedAt)}): {scan.Status}.");
        text.Append(scan.MilOn ? " Check-engine light on." : " Check-engine light off.");
        text.Append(scan.Codes.Count == 0 ? " No trouble codes." : $" {scan.Codes.Count} trouble code(s):");
        foreach (var c in scan.Codes) text.Append(CultureInfo.InvariantCulture, $"\n- {c.Code}: {c.Description} [{c.Severity}], {c.System}");
        if (scan.Error is { } error) text.Append($"\nScan error: {error}");
        return new ToolOutcome(text.ToString(),
            [Cite(vehicle), new("scan", scan.Id, $"Scan of {Day(scan.CompletedAt ?? scan.CreatedAt)}", AssistantLinks.Scan(vehicle.Id, scan.Id))]);
    }

    private async Task<ToolOutcome> ServiceHistoryAsync(AssistantCaller caller, VehicleSummary vehicle, CancellationToken ct)
    {
        var orders = await shop.ForVehicleAsync(caller.OrganizationId, vehicle.Id, 10, ct);
        var log = await diagnostics.ServiceLogAsync(caller.OrganizationId, vehicle.Id, ct);
        var citations = new List<Citation> { Cite(vehicle) };
        if (orders.Count == 0 && log.Count == 0) return new ToolOutcome($"{vehicle.Title} has no repair orders and no recorded services yet.", citations);
        var text = new StringBuilder($"Service history of {vehicle.Title}:");
        foreach (var r in orders)
        {
            var o = r.Order;
            text.Append(CultureInfo.InvariantCulture, $"\n- Repair order #{o.Number} ({Day(r.CreatedAt)}), {o.Status.Replace('_', ' ')}, {Money(o.Total, o.Currency)}");
            if (r.OdometerInKm is { } km) text.Append(CultureInfo.InvariantCulture, $", at {km:N0} km");
            if (o.Jobs.Count > 0) text.Append(": ").Append(string.Join("; ", o.Jobs.Select(j => $"{j.Title} ({j.Status.Replace('_', ' ')})")));
            citations.Add(new("repair-order", o.Id, $"Repair order #{o.Number}", AssistantLinks.RepairOrder(o.Id)));
        }
        foreach (var e in log)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {e.Name} done {e.PerformedOn:yyyy-MM-dd}");
            if (e.OdometerKm is { } km) text.Append(CultureInfo.InvariantCulture, $" at {km:N0} km");
            citations.Add(new("service", e.Id, $"{e.Name}, {e.PerformedOn:yyyy-MM-dd}", AssistantLinks.ServiceLog(vehicle.Id)));
        }
        return new ToolOutcome(text.ToString(), citations);
    }

    private async Task<ToolOutcome> NextServiceAsync(AssistantCaller caller, VehicleSummary vehicle, CancellationToken ct)
    {
        var due = await diagnostics.MaintenanceAsync(caller.OrganizationId, vehicle.Id, ct);
        if (due is null) return ToolOutcome.Error($"There is no vehicle {vehicle.Id} in your organisation.");
        if (due.Count == 0) return new ToolOutcome($"No maintenance schedule applies to {vehicle.Title}.", [Cite(vehicle)]);
        var text = new StringBuilder($"Maintenance of {vehicle.Title}, most urgent first:");
        foreach (var m in due)
        {
            text.Append($"\n- {m.Name}: {m.Urgency.Replace('-', ' ')}");
            if (m.DueDate is { } date) text.Append($", due by {date:yyyy-MM-dd}");
            if (m.DueKm is { } km) text.Append(m.DueDate is null ? ", due at " : ", or at ").Append(km.ToString("N0", CultureInfo.InvariantCulture)).Append(" km");
            if (m.RemainingDays is { } days) text.Append(days >= 0 ? $" ({days.ToString(CultureInfo.InvariantCulture)} days left)" : $" ({(-days).ToString(CultureInfo.InvariantCulture)} days late)");
            text.Append($" [{m.Basis}]");
        }
        var citations = new List<Citation> { Cite(vehicle), new("service", vehicle.Id, $"Maintenance log of {vehicle.Title}", AssistantLinks.ServiceLog(vehicle.Id)) };
        return new ToolOutcome(text.ToString(), citations);
    }

    private async Task<ToolOutcome> FittingPartsAsync(VehicleSummary vehicle, string? query, CancellationToken ct)
    {
        if (vehicle.ModelYear is not { } year || string.IsNullOrWhiteSpace(vehicle.Make))
            return new ToolOutcome($"The model year and make of {vehicle.Title} are not known, so fitment cannot be checked; decode its VIN first.", [Cite(vehicle)], true);
        var listings = await marketplace.FindFittingAsync(year, vehicle.Make, vehicle.Model, query, 10, ct);
        var what = query is null ? "parts" : $"'{Echo(query)}'";
        if (listings.Count == 0) return new ToolOutcome($"No marketplace listing of {what} fits {vehicle.Title} right now.", [Cite(vehicle)]);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{listings.Count} listing(s) of {what} fit {vehicle.Title}:");
        var citations = new List<Citation> { Cite(vehicle) };
        foreach (var l in listings)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {l.Title} ({l.Brand} {l.PartNumber}, {l.Condition}): {Money(l.Price, l.Currency)}, {l.Quantity} in stock, fit {l.Fit}");
            citations.Add(new("listing", l.Id, l.Title, AssistantLinks.Listing(l.Id)));
        }
        if (vehicle.Model is null) text.Append("\nThe model is not known (only year and make), so check the part number before buying.");
        return new ToolOutcome(text.ToString(), citations);
    }

    private async Task<ToolOutcome> OrderStatusAsync(AssistantCaller caller, string? id, CancellationToken ct)
    {
        var text = new StringBuilder();
        var citations = new List<Citation>();
        if (id is not null)
        {
            var number = id.TrimStart('#');
            if (Guid.TryParse(id, out var guid))
            {
                if (await marketplace.OrderOfBuyerAsync(caller.OrganizationId, guid, ct) is { } order)
                {
                    AppendOrder(order);
                }
                else if (await shop.FindAsync(caller.OrganizationId, guid, ct) is { } ro)
                {
                    AppendRepairOrder(ro);
                }
                else
                {
                    return ToolOutcome.Error($"There is no order or repair order {guid} in your organisation.");
                }
            }
            else if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                if (await shop.FindByNumberAsync(caller.OrganizationId, n, ct) is not { } ro) return ToolOutcome.Error($"There is no repair order #{n} in your organisation.");
                AppendRepairOrder(ro);
            }
            else
            {
                return ToolOutcome.Error($"'{Echo(id)}' is neither an order id (a GUID) nor a repair order number.");
            }
            return new ToolOutcome(text.ToString().Trim(), citations);
        }

        var orders = await marketplace.OrdersOfBuyerAsync(caller.OrganizationId, 5, ct);
        var repairs = await shop.RecentAsync(caller.OrganizationId, 5, ct);
        if (orders.Count == 0 && repairs.Count == 0) return new ToolOutcome("You have no marketplace orders and no repair orders yet.", []);
        foreach (var o in orders) AppendOrder(o);
        foreach (var r in repairs) AppendRepairOrder(r);
        return new ToolOutcome(text.ToString().Trim(), citations);

        void AppendOrder(MarketplaceOrderView o)
        {
            text.Append(CultureInfo.InvariantCulture, $"- Parts order '{o.Title}' ({Day(o.CreatedAt)}): {o.Status.Replace('_', ' ')}, {Money(o.Total, o.Currency)}");
            if (o.Tracking is { } tracking) text.Append($", tracking {tracking}");
            if (o.ShippedAt is { } shipped) text.Append($", shipped {Day(shipped)}");
            if (o.CompletedAt is { } done) text.Append($", completed {Day(done)}");
            text.Append('\n');
            citations.Add(new("order", o.Id, $"Order: {o.Title}", AssistantLinks.Order(o.Id)));
        }

        void AppendRepairOrder(ShopServiceRecord r)
        {
            var o = r.Order;
            text.Append(CultureInfo.InvariantCulture, $"- Repair order #{o.Number} ({Day(r.CreatedAt)}): {o.Status.Replace('_', ' ')}, {Money(o.Total, o.Currency)}");
            if (o.Jobs.Count > 0) text.Append("; jobs: ").Append(string.Join("; ", o.Jobs.Select(j => $"{j.Title} ({j.Status.Replace('_', ' ')})")));
            text.Append('\n');
            citations.Add(new("repair-order", o.Id, $"Repair order #{o.Number}", AssistantLinks.RepairOrder(o.Id)));
        }
    }
}
