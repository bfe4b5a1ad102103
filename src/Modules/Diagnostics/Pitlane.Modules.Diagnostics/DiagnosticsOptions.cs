using System.Net;
using System.Net.Sockets;

namespace Pitlane.Modules.Diagnostics;

/// <summary>The "Pitlane:Diagnostics" section.</summary>
public sealed class DiagnosticsOptions : Pitlane.Platform.Modules.IModuleOptions
{
    /// <summary>
    /// Networks a tcp:// adapter may point at, comma-separated: CIDR blocks ("10.20.0.0/16", "fd00::/8"), single addresses,
    /// the words "loopback" and "private" (RFC 1918 and RFC 4193 unique-local), or "none". Unset: the profile's default,
    /// "loopback" in the embedded profile (SQLite: the built-in simulator) and "none" in the distributed one (PostgreSQL),
    /// so an installation opts in to the networks its shop's adapters are on. Link-local addresses (169.254.0.0/16,
    /// fe80::/10: cloud metadata services) are never allowed. Host names are resolved and every address they resolve to
    /// must be allowed, when the adapter is registered and again at every connect, which then uses the checked address.
    /// </summary>
    public string? AllowedAdapterNetworks { get; set; }

    /// <summary>
    /// Whether serial:///dev/... adapters (a cable on the server itself) may be registered. Off unless configured;
    /// pseudo-terminals (/dev/pts/*) are never accepted.
    /// </summary>
    public bool AllowSerialAdapters { get; set; }

    /// <summary>Longest a scan may run, adapter connect included, before it fails.</summary>
    public int ScanTimeoutSeconds { get; set; } = 120;

    /// <summary>How long a scan waits for its agent to take it before it fails ("agent offline").</summary>
    public int AgentPickupSeconds { get; set; } = 60;

    /// <summary>Days a report's share link stays valid.</summary>
    public int ShareLinkDays { get; set; } = 30;

    /// <summary>
    /// Requests per minute one client address may make to shared report links (/r/{token} and its PDF), which need no
    /// login; beyond it they get 429 with Retry-After. The tokens cannot be guessed; this bounds scraping and PDF downloads.
    /// </summary>
    public int PublicReportRequestsPerMinute { get; set; } = 120;

    /// <summary>
    /// Requests per minute one client address may make to the scan-agent and kiosk APIs (keys and device cookies are
    /// checked after this limit, so a flood of made-up keys is bounded too); beyond it 429 with Retry-After.
    /// </summary>
    public int DeviceRequestsPerMinute { get; set; } = 600;

    /// <summary>The rate-limit policy of the agent and kiosk APIs.</summary>
    public const string DeviceRateLimitPolicy = "diagnostics-devices";

    /// <summary>
    /// How long a kiosk screen can open a scan it started (its health, interpretation and report): one customer's visit,
    /// not a history of earlier customers' cars.
    /// </summary>
    public int KioskResultMinutes { get; set; } = 30;

    /// <summary>
    /// The public address share links and QR codes point at, e.g. https://shop.example.com. Empty: Pitlane:PublicBaseUrl,
    /// else the address the report was requested on.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The built-in vehicle simulator (embedded profile).</summary>
    public VehicleSimulatorOptions Simulator { get; set; } = new();

    /// <summary>The AI gateway: an OpenAI-compatible chat completions server. Empty BaseUrl: the built-in rule engine only.</summary>
    public AiGatewayOptions Ai { get; set; } = new();

    public void Validate(List<string> faults, Pitlane.Platform.PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (!AdapterNetworks.TryParse(EffectiveAdapterNetworks(platform.Database.Provider), out _, out var fault))
        {
            faults.Add($"Pitlane:Diagnostics:AllowedAdapterNetworks: {fault}");
        }
        if (ScanTimeoutSeconds is < 5 or > 3600)
        {
            faults.Add("Pitlane:Diagnostics:ScanTimeoutSeconds must be between 5 and 3600.");
        }
        if (AgentPickupSeconds is < 5 or > 3600)
        {
            faults.Add("Pitlane:Diagnostics:AgentPickupSeconds must be between 5 and 3600.");
        }
        if (Simulator.Enabled && !Pitlane.Obd.Simulator.SimulatorScenarios.Names.Contains(Simulator.Scenario))
        {
            faults.Add($"Pitlane:Diagnostics:Simulator:Scenario must be one of {string.Join(", ", Pitlane.Obd.Simulator.SimulatorScenarios.Names)}, not '{Simulator.Scenario}'.");
        }
        if (Simulator.Port is < 0 or > 65535)
        {
            faults.Add("Pitlane:Diagnostics:Simulator:Port must be between 0 and 65535.");
        }
        if (ShareLinkDays is < 1 or > 3650)
        {
            faults.Add("Pitlane:Diagnostics:ShareLinkDays must be between 1 and 3650.");
        }
        if (KioskResultMinutes is < 1 or > 1440)
        {
            faults.Add("Pitlane:Diagnostics:KioskResultMinutes must be between 1 and 1440.");
        }
        if (DeviceRequestsPerMinute is < 1 or > 1_000_000)
        {
            faults.Add("Pitlane:Diagnostics:DeviceRequestsPerMinute must be between 1 and 1000000.");
        }
        if (PublicReportRequestsPerMinute is < 1 or > 100_000)
        {
            faults.Add("Pitlane:Diagnostics:PublicReportRequestsPerMinute must be between 1 and 100000.");
        }
        if (PublicBaseUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
        {
            faults.Add($"Pitlane:Diagnostics:PublicBaseUrl must be an absolute http(s) URL, not '{url}'.");
        }
        // Unset here: the installation's public address (Pitlane:PublicBaseUrl), if any.
        PublicBaseUrl = string.IsNullOrEmpty(PublicBaseUrl) ? platform.PublicBaseUrl : PublicBaseUrl;
        if (Ai.BaseUrl is { Length: > 0 } ai && (!Uri.TryCreate(ai, UriKind.Absolute, out var aiUri) || aiUri.Scheme is not ("http" or "https")))
        {
            faults.Add($"Pitlane:Diagnostics:Ai:BaseUrl must be an absolute http(s) URL such as https://api.openai.com/v1, not '{ai}'.");
        }
        if (Ai.BaseUrl is { Length: > 0 } && string.IsNullOrWhiteSpace(Ai.Model))
        {
            faults.Add("Pitlane:Diagnostics:Ai:Model is required when Pitlane:Diagnostics:Ai:BaseUrl is set.");
        }
        if (Ai.TimeoutSeconds is < 1 or > 600)
        {
            faults.Add("Pitlane:Diagnostics:Ai:TimeoutSeconds must be between 1 and 600.");
        }
    }

    /// <summary>
    /// The longest a scan can honestly still be queued or running: the agent's pickup time, the scan's own time limit and a
    /// minute for the queue. A kiosk screen is not held up by a scan older than this (its job died without closing it).
    /// </summary>
    public TimeSpan LongestScan => TimeSpan.FromSeconds(AgentPickupSeconds + ScanTimeoutSeconds + 60);

    /// <summary><see cref="AllowedAdapterNetworks"/>, or the profile's default when it is unset.</summary>
    public string EffectiveAdapterNetworks(Pitlane.Platform.DatabaseProvider provider) =>
        !string.IsNullOrWhiteSpace(AllowedAdapterNetworks) ? AllowedAdapterNetworks
        : provider == Pitlane.Platform.DatabaseProvider.Sqlite ? "loopback" : "none";
}

public sealed class AiGatewayOptions
{
    /// <summary>e.g. https://api.openai.com/v1, or a local server's http://127.0.0.1:8080/v1.</summary>
    public string? BaseUrl { get; set; }

    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>A slower answer is abandoned and the rule engine answers instead.</summary>
    public int TimeoutSeconds { get; set; } = 20;
}

/// <summary>The allowed adapter networks, parsed from <see cref="DiagnosticsOptions.AllowedAdapterNetworks"/>.</summary>
public sealed class AdapterNetworks
{
    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("fc00::/7"),
    ];

    /// <summary>
    /// Never an adapter, whatever the setting says: link-local (RFC 3927, RFC 4291: where cloud metadata services answer),
    /// "this network" and unspecified (0.0.0.0 reaches the server itself), multicast and broadcast.
    /// </summary>
    private static readonly IPNetwork[] Never =
    [
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>IPv6 forms that carry an IPv4 address the packets may end up at: NAT64 (RFC 6052), 6to4 (RFC 3056), IPv4-compatible.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");

    private readonly IReadOnlyList<IPNetwork> _networks;
    private readonly bool _loopback;

    private AdapterNetworks(IReadOnlyList<IPNetwork> networks, bool loopback)
    {
        _networks = networks;
        _loopback = loopback;
    }

    public static bool TryParse(string? text, out AdapterNetworks networks, out string? fault)
    {
        var list = new List<IPNetwork>();
        var loopback = false;
        networks = new AdapterNetworks([], false);
        var entries = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var raw in entries)
        {
            if (raw.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                if (entries.Length > 1)
                {
                    fault = "'none' cannot be combined with other networks.";
                    return false;
                }
            }
            else if (raw.Equals("loopback", StringComparison.OrdinalIgnoreCase))
            {
                loopback = true;
            }
            else if (raw.Equals("private", StringComparison.OrdinalIgnoreCase))
            {
                list.AddRange(Private);
            }
            else if (IPNetwork.TryParse(raw, out var network) || TrySingle(raw, out network))
            {
                if (Never.Any(n => n.Contains(network.BaseAddress) && network.PrefixLength >= n.PrefixLength))
                {
                    fault = $"'{raw}' is link-local, unspecified or multicast: adapters are never allowed there (cloud metadata services answer on link-local addresses).";
                    return false;
                }
                list.Add(network);
            }
            else
            {
                fault = $"'{raw}' is not a CIDR block, an address, 'loopback', 'private' or 'none'.";
                return false;
            }
        }
        networks = new AdapterNetworks(list, loopback);
        fault = null;
        return true;
    }

    private static bool TrySingle(string text, out IPNetwork network)
    {
        if (IPAddress.TryParse(text, out var single))
        {
            single = single.IsIPv4MappedToIPv6 ? single.MapToIPv4() : single;
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        network = default;
        return false;
    }

    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (Never.Any(n => n.Contains(address)))
        {
            return false;
        }
        if (IPAddress.IsLoopback(address))
        {
            return _loopback;
        }
        if (EmbeddedIPv4(address) is { } embedded && !Allows(embedded))
        {
            return false;
        }
        return _networks.Any(n => n.Contains(address));
    }

    /// <summary>The IPv4 address inside a NAT64, 6to4 or IPv4-compatible IPv6 address; null for any other.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || Compatible.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> and returns the address to connect to, or null with the reason when the host does not
    /// resolve or any of its addresses is outside the allowed networks (so a name cannot smuggle in an outside address).
    /// The caller connects to the returned address itself, never to the name again (a second look-up could answer otherwise).
    /// </summary>
    public async Task<(IPAddress? Address, string? Refusal)> ResolveAsync(string host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, ct);
            }
            catch (SocketException)
            {
                return (null, $"the host '{host}' does not resolve.");
            }
            if (addresses.Length == 0)
            {
                return (null, $"the host '{host}' does not resolve.");
            }
        }
        var outside = addresses.FirstOrDefault(a => !Allows(a));
        if (outside is not null)
        {
            return (null, $"'{host}' ({outside}) is outside the networks adapters may use (Pitlane:Diagnostics:AllowedAdapterNetworks).");
        }
        var chosen = addresses[0].IsIPv4MappedToIPv6 ? addresses[0].MapToIPv4() : addresses[0];
        return (chosen, null);
    }
}
