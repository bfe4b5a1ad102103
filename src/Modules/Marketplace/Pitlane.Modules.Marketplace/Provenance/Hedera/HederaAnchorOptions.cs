namespace Pitlane.Modules.Marketplace.Provenance.Hedera;

/// <summary>
/// Pitlane:Marketplace:Hedera: optional anchoring of every signed checkpoint to a Hedera consensus topic. Off by default:
/// checkpoints are signed either way; anchoring adds a public, independently timestamped copy of each checkpoint's hash.
/// </summary>
public sealed class HederaAnchorOptions
{
    public bool Enabled { get; set; }

    /// <summary>A consensus node's gRPC address, e.g. http://0.testnet.hedera.com:50211.</summary>
    public string NodeUrl { get; set; } = "";

    /// <summary>That node's account, e.g. 0.0.3.</summary>
    public string NodeAccountId { get; set; } = "0.0.3";

    /// <summary>The paying account, e.g. 0.0.1234.</summary>
    public string OperatorAccountId { get; set; } = "";

    /// <summary>The operator's Ed25519 private key as hex (32-byte seed, or DER 302e0201…).</summary>
    public string OperatorKey { get; set; } = "";

    /// <summary>The topic checkpoints are submitted to (create it once with any Hedera tool), e.g. 0.0.5678.</summary>
    public string TopicId { get; set; } = "";

    /// <summary>The mirror node REST base, e.g. https://testnet.mirrornode.hedera.com.</summary>
    public string MirrorUrl { get; set; } = "";

    /// <summary>Most tinybars one submission may cost.</summary>
    public long MaxFeeTinybars { get; set; } = 200_000_000;

    /// <summary>How often pending checkpoints are submitted and submitted ones looked up on the mirror node.</summary>
    public int IntervalSeconds { get; set; } = 30;

    /// <summary>A submitted message the mirror node has not shown after this long is submitted again.</summary>
    public int ConfirmMinutes { get; set; } = 5;

    public int TimeoutSeconds { get; set; } = 15;

    public void Validate(List<string> faults)
    {
        if (!Enabled)
        {
            return;
        }
        const string p = "Pitlane:Marketplace:Hedera:";
        if (!Uri.TryCreate(NodeUrl, UriKind.Absolute, out var node) || node.Scheme is not ("http" or "https"))
        {
            faults.Add(p + "NodeUrl must be the node's gRPC address, e.g. http://0.testnet.hedera.com:50211.");
        }
        if (!Uri.TryCreate(MirrorUrl, UriKind.Absolute, out var mirror) || mirror.Scheme is not ("http" or "https"))
        {
            faults.Add(p + "MirrorUrl must be the mirror node's REST address, e.g. https://testnet.mirrornode.hedera.com.");
        }
        foreach (var (name, value) in new[] { ("NodeAccountId", NodeAccountId), ("OperatorAccountId", OperatorAccountId), ("TopicId", TopicId) })
        {
            if (HederaEntityId.Parse(value) is null)
            {
                faults.Add($"{p}{name} must be a Hedera id such as 0.0.1234.");
            }
        }
        if (HederaOperatorKey.Parse(OperatorKey) is null)
        {
            faults.Add(p + "OperatorKey must be the operator's Ed25519 private key in hex (32-byte seed or DER 302e0201…).");
        }
        if (MaxFeeTinybars is < 1 or > 10_000_000_000)
        {
            faults.Add(p + "MaxFeeTinybars must be between 1 and 10000000000.");
        }
        if (IntervalSeconds is < 1 or > 3_600 || ConfirmMinutes is < 1 or > 1_440 || TimeoutSeconds is < 1 or > 300)
        {
            faults.Add(p + "IntervalSeconds (1-3600), ConfirmMinutes (1-1440) and TimeoutSeconds (1-300) are out of range.");
        }
    }
}
