using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Pitlane.Ai.Tools;
using Pitlane.Obd.Dtc;
using Pitlane.Vin;

namespace Pitlane.Cli.Mcp;

/// <summary>Tools that need no server: the VIN decoder and the trouble-code knowledge base.</summary>
[McpServerToolType]
internal static class LocalTools
{
    /// <summary>Longer input is not a VIN with a typo but something else pasted; refuse it rather than decode it.</summary>
    private const int MaxVinInput = 32;

    /// <summary>One fault or remark; position is 1-based, null when about the VIN as a whole.</summary>
    public sealed record Finding(string Code, string Message, int? Position);

    /// <summary>What decode_vin answers.</summary>
    public sealed record VinAnswer(
        string Vin,
        bool Valid,
        bool WellFormed,
        IReadOnlyList<Finding> Faults,
        IReadOnlyList<Finding> Warnings,
        string? Wmi,
        string? Manufacturer,
        string? Make,
        int? ModelYear,
        string? Country,
        string? Region,
        CheckDigitAnswer? CheckDigit,
        string? PlantCode,
        string? SerialNumber);

    /// <summary>The 49 CFR 565.15(c) check digit as computed and as written.</summary>
    public sealed record CheckDigitAnswer(string Expected, string Actual, bool Valid);

    /// <summary>What explain_dtc answers.</summary>
    public sealed record DtcAnswer(string Code, string Description, string System, string Severity, bool ManufacturerSpecific, string Source);

    [McpServerTool(Name = ToolText.DecodeVin, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description(ToolText.DecodeVinDescription)]
    public static VinAnswer DecodeVin([Description(ToolText.DecodeVinVin)] string vin)
    {
        var text = (vin ?? "").Trim();
        if (text.Length == 0) throw new McpException("The VIN is empty: give the 17 characters from the windscreen, door pillar or registration document.");
        if (text.Length > MaxVinInput) throw new McpException($"That is {text.Length} characters, not a VIN: a VIN has 17.");
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is < ' ' or > '~')
                throw new McpException($"Position {i + 1} holds U+{(int)text[i]:X4}, which is not a printable ASCII character; a VIN uses only A-Z (without I, O, Q) and 0-9.");
        }

        var result = VinDecoder.Decode(text);
        return new VinAnswer(
            result.Vin,
            result.IsValid,
            result.IsWellFormed,
            [.. result.Errors.Select(f => new Finding(f.Code, f.Message, f.Position))],
            [.. result.Warnings.Select(f => new Finding(f.Code, f.Message, f.Position))],
            result.Wmi,
            result.Manufacturer,
            result.Make,
            result.ModelYear,
            result.Country,
            result.Region,
            result.CheckDigit is { } c ? new CheckDigitAnswer(c.Expected.ToString(), c.Actual.ToString(), c.Valid) : null,
            result.PlantCode?.ToString(),
            result.SerialNumber);
    }

    [McpServerTool(Name = ToolText.ExplainDtc, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description(ToolText.ExplainDtcDescription)]
    public static DtcAnswer ExplainDtc([Description(ToolText.ExplainDtcCode)] string code)
    {
        var text = (code ?? "").Trim();
        if (!TroubleCode.TryParse(text, out var parsed))
            throw new McpException($"'{Echo(text)}' is not a trouble code: expected P, C, B or U, then a digit 0-3 and three hex digits, like P0300 or U0100.");
        var d = DtcKnowledge.Describe(parsed);
        return new DtcAnswer(d.Code, d.Description, d.System, d.Severity.ToString().ToLowerInvariant(), d.ManufacturerSpecific, d.Source.ToString().ToLowerInvariant());
    }

    /// <summary>Repeat at most a few printable ASCII characters of bad input back, never a pasted page.</summary>
    internal static string Echo(string text)
    {
        var shown = new string([.. text.Take(12).Select(ch => ch is >= ' ' and <= '~' && ch != '\'' ? ch : '?')]);
        return text.Length > 12 ? shown + "..." : shown;
    }
}
