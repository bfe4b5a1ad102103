using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Pitlane.Ai.Tools;

/// <summary>
/// The texts of the Pitlane tools, as constants so <c>pitlane mcp</c> can use them in its tool attributes: one source
/// for the names and descriptions the MCP server lists and the in-app assistant offers its model.
/// </summary>
public static class ToolText
{
    public const string DecodeVin = "decode_vin";
    public const string DecodeVinDescription = "Decode a 17-character vehicle identification number (ISO 3779 / 49 CFR 565): validity, faults with their 1-based positions, manufacturer, make, model year, country and the check digit. Works offline.";
    public const string DecodeVinVin = "The VIN, e.g. 1HGCM82633A004352. Spaces around it are ignored; letters may be lower case.";

    public const string ExplainDtc = "explain_dtc";
    public const string ExplainDtcDescription = "Explain an OBD-II diagnostic trouble code (SAE J2012): description, affected system, severity and whether the code is manufacturer-specific. Works offline.";
    public const string ExplainDtcCode = "The trouble code: P, C, B or U, a digit 0-3 and three hex digits, e.g. P0300.";

    public const string LookupVehicle = "lookup_vehicle";
    public const string LookupVehicleDescription = "Find vehicles on the Pitlane server by VIN, plate, make, model or nickname (up to 10). Answers one line per vehicle, then the API's JSON with ids for get_latest_scan.";
    public const string LookupVehicleQuery = "Search text: a full or partial VIN, a plate, a make or model, or a nickname.";

    public const string GetLatestScan = "get_latest_scan";
    public const string GetLatestScanDescription = "The most recent diagnostic scan of a vehicle on the Pitlane server: status, trouble codes with descriptions, MIL, ECUs and readiness. Answers a short summary, then the scan's JSON.";
    public const string VehicleIdArgument = "The vehicle id (a GUID) as lookup_vehicle returns it.";

    public const string GetServiceHistory = "get_service_history";
    public const string GetServiceHistoryDescription = "A vehicle's service history on the Pitlane server: the shop's repair orders (number, status, jobs, total) and the maintenance log (what was done, when, at what odometer), newest first.";

    public const string GetNextService = "get_next_service";
    public const string GetNextServiceDescription = "When a vehicle's next services are due: each maintenance item (oil and filter, air filter, brake fluid, coolant, spark plugs) with its urgency, due date and due odometer, from the maintenance log and the odometer.";

    public const string FindFittingParts = "find_fitting_parts";
    public const string FindFittingPartsDescription = "Search the parts marketplace for active listings that fit a vehicle (its model year, make and model), optionally narrowed by words such as 'brake pads'. Answers up to 10 listings with price, condition and how sure the fit is.";
    public const string FindFittingPartsQuery = "Optional words to search for, e.g. 'brake pads' or a part number; empty for every part that fits.";

    public const string GetOrderStatus = "get_order_status";
    public const string GetOrderStatusDescription = "The status of the caller's marketplace orders and the shop's repair orders: one order or repair order by its id (or a repair order by its number), or without an id the most recent ones.";
    public const string GetOrderStatusId = "Optional: a marketplace order id or repair order id (GUID), or a repair order number such as 1042; empty for the most recent orders.";
}

/// <summary>One string argument of a tool.</summary>
public sealed record ToolArgument(string Name, string Description, bool Required = true);

/// <summary>A tool: its name, what it does, its arguments, and whether it needs the Pitlane server's data (or runs offline).</summary>
public sealed record ToolSpec(string Name, string Description, IReadOnlyList<ToolArgument> Arguments, bool NeedsServer)
{
    /// <summary>The JSON schema of the arguments, the shape MCP's tools/list and OpenAI's function tools both take.</summary>
    public JsonElement InputSchema { get; } = Schema(Arguments);

    private static JsonElement Schema(IReadOnlyList<ToolArgument> arguments)
    {
        var properties = new JsonObject();
        foreach (var a in arguments) properties[a.Name] = new JsonObject { ["description"] = a.Description, ["type"] = "string" };
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        var required = arguments.Where(a => a.Required).Select(a => (JsonNode)a.Name).ToArray();
        if (required.Length > 0) schema["required"] = new JsonArray(required);
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>The tool as a declaration for <see cref="ChatOptions.Tools"/>: the model sees it, the caller runs it.</summary>
    public AIFunctionDeclaration Declaration() => AIFunctionFactory.CreateDeclaration(Name, Description, InputSchema);
}

/// <summary>Every Pitlane tool, shared by <c>pitlane mcp</c> and the Assistant module.</summary>
public static class ToolCatalog
{
    public static readonly ToolSpec DecodeVin = new(ToolText.DecodeVin, ToolText.DecodeVinDescription, [new("vin", ToolText.DecodeVinVin)], false);
    public static readonly ToolSpec ExplainDtc = new(ToolText.ExplainDtc, ToolText.ExplainDtcDescription, [new("code", ToolText.ExplainDtcCode)], false);
    public static readonly ToolSpec LookupVehicle = new(ToolText.LookupVehicle, ToolText.LookupVehicleDescription, [new("query", ToolText.LookupVehicleQuery)], true);
    public static readonly ToolSpec GetLatestScan = new(ToolText.GetLatestScan, ToolText.GetLatestScanDescription, [new("vehicleId", ToolText.VehicleIdArgument)], true);
    public static readonly ToolSpec GetServiceHistory = new(ToolText.GetServiceHistory, ToolText.GetServiceHistoryDescription, [new("vehicleId", ToolText.VehicleIdArgument)], true);
    public static readonly ToolSpec GetNextService = new(ToolText.GetNextService, ToolText.GetNextServiceDescription, [new("vehicleId", ToolText.VehicleIdArgument)], true);
    public static readonly ToolSpec FindFittingParts = new(ToolText.FindFittingParts, ToolText.FindFittingPartsDescription,
        [new("vehicleId", ToolText.VehicleIdArgument), new("query", ToolText.FindFittingPartsQuery, Required: false)], true);
    public static readonly ToolSpec GetOrderStatus = new(ToolText.GetOrderStatus, ToolText.GetOrderStatusDescription, [new("id", ToolText.GetOrderStatusId, Required: false)], true);

    public static IReadOnlyList<ToolSpec> All { get; } =
        [DecodeVin, ExplainDtc, LookupVehicle, GetLatestScan, GetServiceHistory, GetNextService, FindFittingParts, GetOrderStatus];

    /// <summary>The tools <c>pitlane mcp</c> implements itself (the rest it forwards to the server's assistant tool endpoint).</summary>
    public static IReadOnlyList<string> McpNative { get; } = [ToolText.DecodeVin, ToolText.ExplainDtc, ToolText.LookupVehicle, ToolText.GetLatestScan];

    public static ToolSpec? Find(string? name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
