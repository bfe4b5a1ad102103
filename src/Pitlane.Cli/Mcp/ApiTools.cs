using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Pitlane.Ai.Tools;

namespace Pitlane.Cli.Mcp;

/// <summary>Tools that read the Pitlane server's vehicles and scans through <see cref="PitlaneApiClient"/>.</summary>
[McpServerToolType]
internal sealed class ApiTools(PitlaneApiClient api)
{
    private const int MaxQuery = 100;

    private static readonly JsonSerializerOptions Indented = new(McpCommand.ToolJson) { WriteIndented = true };

    [McpServerTool(Name = ToolText.LookupVehicle, ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description(ToolText.LookupVehicleDescription)]
    public async Task<CallToolResult> LookupVehicle(
        [Description(ToolText.LookupVehicleQuery)] string query,
        CancellationToken cancellationToken)
    {
        var text = (query ?? "").Trim();
        if (text.Length == 0) throw new McpException("The query is empty: give part of a VIN, a plate, a make, model or nickname.");
        if (text.Length > MaxQuery) throw new McpException($"The query is {text.Length} characters; at most {MaxQuery} are searched.");
        if (text.Any(char.IsControl)) throw new McpException("The query contains control characters.");

        var page = await api.GetAsync($"api/v1/vehicles?q={Uri.EscapeDataString(text)}&pageSize=10", cancellationToken);
        var summary = new StringBuilder();
        var items = Items(page);
        var total = Int(page, "total") ?? items.Count;
        summary.Append(CultureInfo.InvariantCulture, $"{total} vehicle(s) match '{LocalTools.Echo(text)}'");
        summary.AppendLine(items.Count < total ? $", first {items.Count}:" : items.Count > 0 ? ":" : ".");
        foreach (var v in items)
        {
            var name = string.Join(' ', new[] { Str(v, "modelYear"), Str(v, "make"), Str(v, "model") }.Where(part => part is { Length: > 0 }));
            summary.Append($"- {Str(v, "id")}: {(name.Length > 0 ? name : "vehicle")}");
            if (Str(v, "vin") is { } vin) summary.Append($", VIN {vin}");
            if (Str(v, "plate") is { } plate) summary.Append($", plate {plate}");
            if (Str(v, "nickname") is { } nickname) summary.Append($", \"{nickname}\"");
            if (Int(v, "odometerKm") is { } km) summary.Append(CultureInfo.InvariantCulture, $", {km} km");
            summary.AppendLine();
        }
        return Answer(summary.ToString(), page);
    }

    [McpServerTool(Name = ToolText.GetLatestScan, ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description(ToolText.GetLatestScanDescription)]
    public async Task<CallToolResult> GetLatestScan(
        [Description(ToolText.VehicleIdArgument)] string vehicleId,
        CancellationToken cancellationToken)
    {
        var text = (vehicleId ?? "").Trim();
        if (!Guid.TryParse(text, out var id))
            throw new McpException($"'{LocalTools.Echo(text)}' is not a vehicle id: ids are GUIDs like 3f2504e0-4f89-11d3-9a0c-0305e82c3301; find one with lookup_vehicle.");

        var scans = await api.GetAsync($"api/v1/vehicles/{id}/scans?pageSize=1", cancellationToken);
        var latest = Items(scans).FirstOrDefault();
        if (Str(latest, "id") is not { } scanId || !Guid.TryParse(scanId, out var scanGuid))
            return new CallToolResult { Content = [new TextContentBlock { Text = $"Vehicle {id} has no scans yet." }] };

        var scan = await api.GetAsync($"api/v1/scans/{scanGuid}", cancellationToken);
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"Scan {scanGuid} of vehicle {id}: {Str(scan, "status") ?? "unknown status"}");
        if ((Str(scan, "completedAt") ?? Str(scan, "createdAt")) is { } when) summary.Append($", {when}");
        summary.AppendLine(".");
        if (Bool(scan, "milOn") is { } mil) summary.AppendLine(mil ? "Check-engine light (MIL) on." : "Check-engine light (MIL) off.");
        if (Bool(scan, "vinMismatch") is true) summary.AppendLine($"The VIN read from the car ({Str(scan, "vin")}) differs from the vehicle's.");
        var dtcs = Array(scan, "dtcs");
        summary.AppendLine(dtcs.Count == 0 ? "No trouble codes." : $"{dtcs.Count} trouble code(s):");
        foreach (var dtc in dtcs)
        {
            summary.Append($"- {Str(dtc, "code")}");
            if (Str(dtc, "kind") is { } kind) summary.Append($" ({kind})");
            if (Str(dtc, "description") is { } description) summary.Append($": {description}");
            if (Str(dtc, "severity") is { } severity) summary.Append($" [{severity}]");
            if (Str(dtc, "ecu") is { } ecu) summary.Append($", ECU {ecu}");
            summary.AppendLine();
        }
        if (Str(scan, "error") is { } error) summary.AppendLine($"Scan error: {error}");
        return Answer(summary.ToString(), scan);
    }

    [McpServerTool(Name = ToolText.GetServiceHistory, ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description(ToolText.GetServiceHistoryDescription)]
    public Task<CallToolResult> GetServiceHistory([Description(ToolText.VehicleIdArgument)] string vehicleId, CancellationToken cancellationToken) =>
        ForwardAsync(ToolText.GetServiceHistory, new() { ["vehicleId"] = vehicleId }, cancellationToken);

    [McpServerTool(Name = ToolText.GetNextService, ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description(ToolText.GetNextServiceDescription)]
    public Task<CallToolResult> GetNextService([Description(ToolText.VehicleIdArgument)] string vehicleId, CancellationToken cancellationToken) =>
        ForwardAsync(ToolText.GetNextService, new() { ["vehicleId"] = vehicleId }, cancellationToken);

    [McpServerTool(Name = ToolText.FindFittingParts, ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description(ToolText.FindFittingPartsDescription)]
    public Task<CallToolResult> FindFittingParts(
        [Description(ToolText.VehicleIdArgument)] string vehicleId,
        [Description(ToolText.FindFittingPartsQuery)] string? query = null,
        CancellationToken cancellationToken = default) =>
        ForwardAsync(ToolText.FindFittingParts, new() { ["vehicleId"] = vehicleId, ["query"] = query }, cancellationToken);

    [McpServerTool(Name = ToolText.GetOrderStatus, ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description(ToolText.GetOrderStatusDescription)]
    public Task<CallToolResult> GetOrderStatus([Description(ToolText.GetOrderStatusId)] string? id = null, CancellationToken cancellationToken = default) =>
        ForwardAsync(ToolText.GetOrderStatus, new() { ["id"] = id }, cancellationToken);

    /// <summary>
    /// Runs a tool on the server (POST /api/v1/assistant/tools/{name}), which runs it for the signed-in user in their
    /// organisation, as the in-app assistant does: the same code answers both. The answer's text, then its cited records.
    /// </summary>
    private async Task<CallToolResult> ForwardAsync(string tool, Dictionary<string, string?> arguments, CancellationToken ct)
    {
        foreach (var (name, value) in arguments)
        {
            if (value is { Length: > MaxQuery }) throw new McpException($"The argument '{name}' is {value.Length} characters; at most {MaxQuery} are taken.");
        }
        var answer = await api.PostAsync($"api/v1/assistant/tools/{tool}", arguments.Where(a => a.Value is not null).ToDictionary(), ct);
        var text = Str(answer, "text") ?? "";
        var sources = Array(answer, "citations").Select(c => $"- {Str(c, "kind")}: {Str(c, "label")} ({Str(c, "url")})").ToList();
        var content = new List<ContentBlock> { new TextContentBlock { Text = text } };
        if (sources.Count > 0) content.Add(new TextContentBlock { Text = "Records used:\n" + string.Join("\n", sources) });
        return new CallToolResult { Content = content, IsError = Bool(answer, "isError") is true };
    }

    private static CallToolResult Answer(string summary, JsonElement json) => new()
    {
        Content =
        [
            new TextContentBlock { Text = summary.TrimEnd() },
            new TextContentBlock { Text = JsonSerializer.Serialize(json, Indented) },
        ],
    };

    private static List<JsonElement> Items(JsonElement page) => Array(page, "items");

    private static List<JsonElement> Array(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : [];

    private static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;

    private static long? Int(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static bool? Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
