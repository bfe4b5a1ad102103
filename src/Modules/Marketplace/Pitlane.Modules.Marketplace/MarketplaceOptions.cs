using Pitlane.Platform;
using Pitlane.Platform.Modules;
using Pitlane.Provenance;

namespace Pitlane.Modules.Marketplace;

/// <summary>Pitlane:Marketplace settings: the provenance log's identity and key, the platform fee and the escrow period.</summary>
public sealed class MarketplaceOptions : IModuleOptions
{
    /// <summary>The log's origin line in every checkpoint (C2SP tlog-checkpoint), conventionally a host and path.</summary>
    public string LogOrigin { get; set; } = "pitlane.local/parts";

    /// <summary>
    /// The checkpoint signing key in the signed-note form "PRIVATE+KEY+name+id+key". Empty: a key is generated on the
    /// first append and kept in the module's store (market_log_keys); its public half is served at /api/v1/provenance/key.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>The platform's fee on each order, in basis points of the order total (500 = 5 %).</summary>
    public int PlatformFeeBasisPoints { get; set; } = 500;

    /// <summary>Active listings a seller may have without a plan.</summary>
    public int FreeListingLimit { get; set; } = 25;

    /// <summary>
    /// The organisation whose subscription plans (Payments) are the marketplace's seller plans; empty: no plans, every
    /// seller has the free allowance and the full fee.
    /// </summary>
    public Guid? PlanProviderOrganizationId { get; set; }

    /// <summary>Days after shipping after which held money is released to the seller when the buyer has not confirmed delivery.</summary>
    public int AutoReleaseDays { get; set; } = 14;

    /// <summary>How often the escrow release check runs.</summary>
    public int ReleaseCheckMinutes { get; set; } = 15;

    /// <summary>Minutes an order placed without a card holds its stock while the buyer pays on the processor's page.</summary>
    public int UnpaidHoldMinutes { get; set; } = 15;

    /// <summary>How often orders left unpaid are looked for (and let go after <see cref="UnpaidHoldMinutes"/>).</summary>
    public int UnpaidCheckSeconds { get; set; } = 30;

    /// <summary>Optional anchoring of each signed checkpoint to a Hedera consensus topic (off by default).</summary>
    public Provenance.Hedera.HederaAnchorOptions Hedera { get; set; } = new();

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (string.IsNullOrWhiteSpace(LogOrigin) || LogOrigin.Any(c => char.IsWhiteSpace(c) || c == '+'))
        {
            faults.Add("Pitlane:Marketplace:LogOrigin must be a non-empty name without spaces or '+', e.g. pitlane.example/parts.");
        }
        if (!string.IsNullOrWhiteSpace(SigningKey))
        {
            try
            {
                NoteSigner.Parse(SigningKey);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                faults.Add($"Pitlane:Marketplace:SigningKey is not a signed-note Ed25519 private key (PRIVATE+KEY+name+id+key): {e.Message}");
            }
        }
        if (PlatformFeeBasisPoints is < 0 or > 5_000)
        {
            faults.Add("Pitlane:Marketplace:PlatformFeeBasisPoints must be between 0 and 5000.");
        }
        if (FreeListingLimit is < 0 or > 1_000_000)
        {
            faults.Add("Pitlane:Marketplace:FreeListingLimit must be between 0 and 1000000.");
        }
        if (AutoReleaseDays is < 1 or > 90)
        {
            faults.Add("Pitlane:Marketplace:AutoReleaseDays must be between 1 and 90.");
        }
        if (ReleaseCheckMinutes is < 1 or > 1_440)
        {
            faults.Add("Pitlane:Marketplace:ReleaseCheckMinutes must be between 1 and 1440.");
        }
        if (UnpaidHoldMinutes is < 1 or > 1_440)
        {
            faults.Add("Pitlane:Marketplace:UnpaidHoldMinutes must be between 1 and 1440.");
        }
        if (UnpaidCheckSeconds is < 1 or > 3_600)
        {
            faults.Add("Pitlane:Marketplace:UnpaidCheckSeconds must be between 1 and 3600.");
        }
        Hedera.Validate(faults);
    }
}
