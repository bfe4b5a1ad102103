using System.CommandLine;
using System.Text;
using System.Text.Json;
using Pitlane.Provenance;

namespace Pitlane.Cli;

/// <summary>
/// <c>pitlane provenance verify --bundle part.json --key KEY</c>: checks a part's history offline. The bundle is the
/// answer of GET /api/v1/provenance/parts/{serial} saved to a file; KEY is the log's verifier key
/// ("name+id+base64", from GET /api/v1/provenance/key, obtained once and kept). Exit 0: the checkpoint is signed by
/// that key and every entry is in the tree it signs; 1: something does not verify; 2: unreadable input.
/// </summary>
internal static class ProvenanceCommand
{
    public static Command Create()
    {
        var bundle = new Option<FileInfo>("--bundle") { Description = "The part's history bundle (JSON from /api/v1/provenance/parts/{serial}).", Required = true };
        var key = new Option<string?>("--key") { Description = "The log's verifier key: name+id+base64 public key." };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "A file holding the verifier key." };
        var origin = new Option<string?>("--origin") { Description = "The log origin the checkpoint must name (default: the key's name)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var verify = new Command("verify", "Check a part's history offline against the log's public key.") { bundle, key, keyFile, origin, json };
        verify.SetAction(async (parse, ct) =>
        {
            var keyText = parse.GetValue(key) ?? (parse.GetValue(keyFile) is { } file ? (await File.ReadAllTextAsync(file.FullName, ct)).Trim() : null);
            if (keyText is null || !NoteVerifier.TryParse(keyText.Trim(), out var verifier) || verifier is null)
            {
                await Console.Error.WriteLineAsync("pitlane provenance verify: give the log's verifier key with --key or --key-file (name+id+base64).");
                return 2;
            }
            Bundle? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<Bundle>(await File.ReadAllBytesAsync(parse.GetValue(bundle)!.FullName, ct), new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"pitlane provenance verify: cannot read the bundle: {e.Message}");
                return 2;
            }
            if (parsed?.Checkpoint is null || parsed.Serial is null || parsed.Entries is null)
            {
                await Console.Error.WriteLineAsync("pitlane provenance verify: the bundle has no checkpoint, serial or entries.");
                return 2;
            }
            List<(ProvenEntryInput Input, string Text)> entries;
            try
            {
                entries = [.. parsed.Entries.Select(e => (new ProvenEntryInput(e.Index, Convert.FromBase64String(e.Entry ?? ""), [.. (e.Proof ?? []).Select(Convert.FromBase64String)]), Encoding.UTF8.GetString(Convert.FromBase64String(e.Entry ?? ""))))];
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"pitlane provenance verify: the bundle holds invalid base64: {e.Message}");
                return 2;
            }
            var check = HistoryVerifier.Verify(parsed.Checkpoint, verifier, parse.GetValue(origin) ?? verifier.Name, entries.Select(e => e.Input));
            // Each entry must also be about this part: a valid proof of another part's entry proves nothing here.
            var serialOk = entries.Select(e => SerialOf(e.Input.Entry) == parsed.Serial).ToList();
            var ok = check.AllValid && serialOk.All(s => s);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    serial = parsed.Serial, valid = ok, checkpointValid = check.CheckpointValid, treeSize = check.Checkpoint?.Size,
                    entries = check.Entries.Select((c, i) => new { c.Index, included = c.Included, serialMatches = serialOk[i], entry = entries[i].Text }),
                }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            }
            else
            {
                Console.WriteLine(check.CheckpointValid
                    ? $"Checkpoint: signed by {verifier.Name}, tree size {check.Checkpoint!.Size}: OK"
                    : $"Checkpoint: NOT signed by {verifier.Name} (or not for origin {parse.GetValue(origin) ?? verifier.Name}): FAILED");
                for (var i = 0; i < entries.Count; i++)
                {
                    var good = check.Entries[i].Included && serialOk[i];
                    Console.WriteLine($"  #{entries[i].Input.Index} {(good ? "OK    " : "FAILED")} {entries[i].Text}");
                }
                Console.WriteLine(ok ? $"{parsed.Serial}: {entries.Count} events verified." : $"{parsed.Serial}: history does NOT verify.");
            }
            return ok ? 0 : 1;
        });
        return new Command("provenance", "Work with the parts provenance log.") { verify };
    }

    private static string? SerialOf(byte[] entry)
    {
        try
        {
            using var doc = JsonDocument.Parse(entry);
            return doc.RootElement.TryGetProperty("serial", out var s) ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Bundle(string? Origin, string? Serial, long TreeSize, string? Checkpoint, List<BundleEntry>? Entries);

    private sealed record BundleEntry(long Index, string? Entry, List<string>? Proof);
}
