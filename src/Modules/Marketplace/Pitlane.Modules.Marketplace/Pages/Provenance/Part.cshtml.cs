using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Provenance;

namespace Pitlane.Modules.Marketplace.Pages.Provenance;

/// <summary>
/// GET /parts/{serial}: anyone can look up a part's recorded history. The page checks every event against the log's
/// signed checkpoint with the same verifier the CLI uses, and offers the proof bundle and the public key so the check
/// can be repeated offline without trusting this server.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ProvenanceEndpoints.RateLimitPolicy)]
public sealed class PartModel(ProvenanceLog log, MarketplaceOptions options) : PageModel
{
    public string? Serial { get; private set; }
    public bool InvalidSerial { get; private set; }
    public PartHistoryBundle? History { get; private set; }
    public HistoryCheck? Check { get; private set; }
    public string VerifierKey { get; private set; } = "";

    /// <summary>The newest checkpoint covering this history that is confirmed on Hedera, if anchoring is on.</summary>
    public AnchorResponse? Anchor { get; private set; }

    public async Task OnGetAsync(string? serial, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(serial))
        {
            return;
        }
        Serial = Serials.Normalize(serial);
        if (Serial is null)
        {
            InvalidSerial = true;
            Serial = serial.Trim();
            return;
        }
        VerifierKey = await log.VerifierKeyAsync(ct);
        History = await ProvenanceEndpoints.HistoryAsync(log, Serial, ct);
        Check = HistoryVerifier.Verify(History.Checkpoint, NoteVerifier.Parse(VerifierKey), log.Origin,
            History.Entries.Select(e => new ProvenEntryInput(e.Index, Convert.FromBase64String(e.Entry), [.. e.Proof.Select(Convert.FromBase64String)])));
        if (History.Entries.Count > 0 && await log.LatestConfirmedAnchorAsync(History.TreeSize, ct) is { } anchor && anchor.CheckpointSize > History.Entries[^1].Index)
        {
            Anchor = AnchorResponse.From(anchor, options.Hedera.MirrorUrl);
        }
    }

    public static string Describe(PartEvent? e) => e?.Event switch
    {
        PartEvents.Manufactured => "Made",
        PartEvents.Listed => "Offered for sale",
        PartEvents.Sold => "Sold",
        PartEvents.Shipped => "Shipped to the buyer",
        PartEvents.Installed => "Fitted to a vehicle",
        PartEvents.Removed => "Removed from a vehicle",
        null => "Unreadable record",
        _ => e.Event,
    };

    public static string When(PartEvent? e) => e is null ? "" : e.At.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
