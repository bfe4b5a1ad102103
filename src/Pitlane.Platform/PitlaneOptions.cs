using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Pitlane.Platform;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public enum MessagingProvider
{
    InProcess,
    RabbitMq,
}

/// <summary>The "Pitlane" configuration section. Validated at start-up: a wrong value stops the app naming the setting.</summary>
public sealed class PitlaneOptions
{
    public const string Section = "Pitlane";

    /// <summary>Where the embedded profile keeps its SQLite file, signing keys and media.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public DatabaseOptions Database { get; set; } = new();

    public DemoOptions Demo { get; set; } = new();

    public TelemetryExportOptions Telemetry { get; set; } = new();

    public MessagingOptions Messaging { get; set; } = new();

    public JobOptions Jobs { get; set; } = new();

    /// <summary>
    /// The address people reach Pitlane on (e.g. https://shop.example.com): share links, QR codes and invitation links
    /// point here. Required in the distributed profile, where a request's own host is one instance behind the proxy.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed.</summary>
    public ProxyOptions Proxy { get; set; } = new();

    /// <summary>Whether the demo is seeded: Pitlane:Demo:Seed when set, else only with the embedded profile's defaults.</summary>
    public bool SeedDemo => Demo.Seed ?? (Database.Provider == DatabaseProvider.Sqlite && !IsDistributed);

    /// <summary>Several instances share a broker (Pitlane:Messaging:Provider RabbitMq): the distributed profile.</summary>
    public bool IsDistributed => Messaging.Provider == MessagingProvider.RabbitMq;

    public LiveOptions Live { get; set; } = new();

    /// <summary>The public address without a trailing slash, or the one <paramref name="request"/> came in on.</summary>
    public string BaseUrlFor(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    /// <summary>Largest request body accepted, in bytes.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;

    /// <summary>Checks every setting and returns one message per fault, each naming its setting.</summary>
    public IReadOnlyList<string> Validate(string? connectionString)
    {
        var faults = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            faults.Add("Pitlane:DataDirectory must not be empty.");
        }
        if (!Enum.IsDefined(Database.Provider))
        {
            faults.Add($"Pitlane:Database:Provider must be Sqlite or Postgres, not '{Database.Provider}'.");
        }
        if (Database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            faults.Add("ConnectionStrings:Pitlane is required when Pitlane:Database:Provider is Postgres.");
        }
        if (MaxRequestBodyBytes < 1024)
        {
            faults.Add("Pitlane:MaxRequestBodyBytes must be at least 1024.");
        }
        if (Telemetry.OtlpEndpoint is { Length: > 0 } otlp && !Uri.TryCreate(otlp, UriKind.Absolute, out _))
        {
            faults.Add($"Pitlane:Telemetry:OtlpEndpoint must be an absolute URL, not '{otlp}'.");
        }
        if (PublicBaseUrl is { Length: > 0 } publicUrl)
        {
            if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                faults.Add($"Pitlane:PublicBaseUrl must be an absolute http(s) URL without query, fragment or credentials, not '{publicUrl}'.");
            }
        }
        else if (IsDistributed)
        {
            faults.Add("Pitlane:PublicBaseUrl is required in the distributed profile (Pitlane:Messaging:Provider RabbitMq): links must point at the public address, not at one instance.");
        }
        Proxy.Validate(faults);
        Messaging.Validate(faults);
        Jobs.Validate(faults);
        if (Live.RecheckSeconds is < 1 or > 3600)
        {
            faults.Add("Pitlane:Live:RecheckSeconds must be between 1 and 3600.");
        }
        return faults;
    }
}

/// <summary>The "Pitlane:Live" section: the live hub (/hubs/live).</summary>
public sealed class LiveOptions
{
    /// <summary>
    /// How often every open connection's session and group memberships are checked again. Removals and sign-outs reach
    /// the hub at once as events; this bounds how long anything those events missed keeps a connection receiving.
    /// </summary>
    public int RecheckSeconds { get; set; } = 30;
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start-up (embedded profile). Production deploys run `pitlane migrate` instead.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

/// <summary>The "Pitlane:Proxy" section. Empty: forwarded headers are ignored and the TCP peer is the client.</summary>
public sealed class ProxyOptions
{
    /// <summary>IP addresses of the reverse proxies in front of Pitlane (e.g. 10.0.0.5).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of reverse proxies in CIDR form (e.g. 172.18.0.0/16 for a compose network).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies deep X-Forwarded-For is read (one: the proxy in front).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    public void Validate(List<string> faults)
    {
        foreach (var proxy in KnownProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                faults.Add($"Pitlane:Proxy:KnownProxies: '{proxy}' is not an IP address.");
            }
        }
        foreach (var network in KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                faults.Add($"Pitlane:Proxy:KnownNetworks: '{network}' is not a network in CIDR form (e.g. 10.0.0.0/8).");
            }
        }
        if (ForwardLimit is < 1 or > 10)
        {
            faults.Add("Pitlane:Proxy:ForwardLimit must be between 1 and 10.");
        }
    }
}

public sealed class DemoOptions
{
    /// <summary>
    /// Seed the demo organisation, its users (with the well-known <see cref="Password"/>) and vehicles once. Unset: only
    /// in the embedded profile's defaults (SQLite, in-process messages); a PostgreSQL or distributed installation gets
    /// demo logins only when this is set to true on purpose.
    /// </summary>
    public bool? Seed { get; set; }

    public string Password { get; set; } = "Pitlane-demo-1";
}

public sealed class TelemetryExportOptions
{
    /// <summary>OTLP endpoint (e.g. http://collector:4317); traces and metrics are exported only when set.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>OTLP transport: Grpc (port 4317 by convention) or HttpProtobuf (port 4318, paths /v1/traces and /v1/metrics).</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;
}

public enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}

/// <summary>The "Pitlane:Messaging" section: the integration-event bus and its outbox.</summary>
public sealed class MessagingOptions
{
    /// <summary>InProcess (embedded profile: handlers run in this process) or RabbitMq (distributed profile).</summary>
    public MessagingProvider Provider { get; set; } = MessagingProvider.InProcess;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>How often the outbox dispatcher looks for unpublished events when nothing woke it.</summary>
    public int OutboxPollMilliseconds { get; set; } = 500;

    /// <summary>Events published per outbox round trip.</summary>
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>Deliveries of one event to a failing handler before it is dead-lettered (outbox row or AMQP dead-letter queue).</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Published outbox rows and processed inbox entries are deleted after this many hours.</summary>
    public int RetentionHours { get; set; } = 72;

    internal void Validate(List<string> faults)
    {
        if (!Enum.IsDefined(Provider))
        {
            faults.Add($"Pitlane:Messaging:Provider must be InProcess or RabbitMq, not '{Provider}'.");
        }
        if (Provider == MessagingProvider.RabbitMq
            && (!Uri.TryCreate(RabbitMq.Uri, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps")))
        {
            faults.Add($"Pitlane:Messaging:RabbitMq:Uri must be an amqp:// or amqps:// URI when Pitlane:Messaging:Provider is RabbitMq, not '{RabbitMq.Uri}'.");
        }
        if (RabbitMq.Prefetch is < 1 or > 1000)
        {
            faults.Add("Pitlane:Messaging:RabbitMq:Prefetch must be between 1 and 1000.");
        }
        if (RabbitMq.ConsumerConcurrency < 1 || RabbitMq.ConsumerConcurrency > RabbitMq.Prefetch)
        {
            faults.Add("Pitlane:Messaging:RabbitMq:ConsumerConcurrency must be between 1 and Pitlane:Messaging:RabbitMq:Prefetch.");
        }
        if (OutboxPollMilliseconds is < 10 or > 60_000)
        {
            faults.Add("Pitlane:Messaging:OutboxPollMilliseconds must be between 10 and 60000.");
        }
        if (OutboxBatchSize is < 1 or > 10_000)
        {
            faults.Add("Pitlane:Messaging:OutboxBatchSize must be between 1 and 10000.");
        }
        if (MaxDeliveries is < 1 or > 100)
        {
            faults.Add("Pitlane:Messaging:MaxDeliveries must be between 1 and 100.");
        }
        if (RetentionHours is < 1 or > 24 * 365)
        {
            faults.Add("Pitlane:Messaging:RetentionHours must be between 1 and 8760.");
        }
    }
}

public sealed class RabbitMqOptions
{
    /// <summary>AMQP 0-9-1 URI with credentials and virtual host, e.g. amqp://guest:guest@127.0.0.1:5672/.</summary>
    public string? Uri { get; set; }

    /// <summary>Unacknowledged deliveries per consumer channel (AMQP basic.qos prefetch-count).</summary>
    public int Prefetch { get; set; } = 16;

    /// <summary>Deliveries of one work queue handled at once on this instance (at most <see cref="Prefetch"/>).</summary>
    public int ConsumerConcurrency { get; set; } = 4;
}

/// <summary>The "Pitlane:Jobs" section: the durable job queue.</summary>
public sealed class JobOptions
{
    /// <summary>Jobs this instance runs at once; 0 makes an instance that only enqueues (a web-only node).</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How often an idle worker looks for due jobs (retries, expired leases, missed wake-ups).</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>A running job's lease; a job whose instance stops renewing it is taken over after this long.</summary>
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>How often a running job renews its lease and checks for a cancel request.</summary>
    public int HeartbeatMilliseconds { get; set; } = 1000;

    public int DefaultMaxAttempts { get; set; } = 5;

    /// <summary>First retry delay; each further attempt doubles it, up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 5;

    public double RetryMaxSeconds { get; set; } = 600;

    /// <summary>
    /// Jobs of one organisation running at once across all instances, so one busy organisation cannot hold every
    /// worker; its further jobs wait (others' go first). A soft bound: two instances claiming in the same instant may
    /// exceed it by one each.
    /// </summary>
    public int MaxRunningPerOrganization { get; set; } = 4;

    internal void Validate(List<string> faults)
    {
        if (MaxRunningPerOrganization is < 1 or > 10_000)
        {
            faults.Add("Pitlane:Jobs:MaxRunningPerOrganization must be between 1 and 10000.");
        }
        if (Concurrency is < 0 or > 256)
        {
            faults.Add("Pitlane:Jobs:Concurrency must be between 0 and 256.");
        }
        if (PollMilliseconds is < 10 or > 60_000)
        {
            faults.Add("Pitlane:Jobs:PollMilliseconds must be between 10 and 60000.");
        }
        if (LeaseSeconds is < 2 or > 3600)
        {
            faults.Add("Pitlane:Jobs:LeaseSeconds must be between 2 and 3600.");
        }
        if (HeartbeatMilliseconds < 10 || HeartbeatMilliseconds * 2L > LeaseSeconds * 1000L)
        {
            faults.Add("Pitlane:Jobs:HeartbeatMilliseconds must be at least 10 and at most half of Pitlane:Jobs:LeaseSeconds.");
        }
        if (DefaultMaxAttempts is < 1 or > 100)
        {
            faults.Add("Pitlane:Jobs:DefaultMaxAttempts must be between 1 and 100.");
        }
        if (RetryBaseSeconds is < 0.01 or > 3600)
        {
            faults.Add("Pitlane:Jobs:RetryBaseSeconds must be between 0.01 and 3600.");
        }
        if (RetryMaxSeconds < RetryBaseSeconds || RetryMaxSeconds > 86_400)
        {
            faults.Add("Pitlane:Jobs:RetryMaxSeconds must be at least Pitlane:Jobs:RetryBaseSeconds and at most 86400.");
        }
    }
}

public sealed record PitlaneSettings(PitlaneOptions Options, string? ConnectionString)
{
    /// <summary>Each module's bound and validated settings, by type.</summary>
    public IReadOnlyDictionary<Type, object> ModuleOptions { get; init; } = new Dictionary<Type, object>();

    /// <summary>A module's settings, bound in its <see cref="Modules.IPitlaneModule.ReadSettings"/>.</summary>
    public T Get<T>() where T : class => ModuleOptions.TryGetValue(typeof(T), out var value)
        ? (T)value
        : throw new InvalidOperationException($"{typeof(T).Name} was not bound: the module must bind it in ReadSettings.");

    /// <summary>
    /// Binds the Pitlane section, the connection string and every module's settings, and validates them: the app and the
    /// CLI start here.
    /// </summary>
    public static bool TryRead(Microsoft.Extensions.Configuration.IConfiguration configuration, Modules.ModuleCatalog modules,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PitlaneSettings? settings,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? fault)
    {
        settings = null;
        var options = new PitlaneOptions();
        try
        {
            Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(PitlaneOptions.Section), options);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the setting: "Failed to convert configuration value at 'Pitlane:Database:Provider'..."
            fault = e.Message;
            return false;
        }
        var connectionString = Microsoft.Extensions.Configuration.ConfigurationExtensions.GetConnectionString(configuration, "Pitlane");
        var faults = options.Validate(connectionString).ToList();
        var bound = new Dictionary<Type, object>();
        var moduleSettings = new Modules.ModuleSettings(configuration, options, faults, bound);
        foreach (var module in modules.Modules)
        {
            module.ReadSettings(moduleSettings);
        }
        if (faults.Count > 0)
        {
            fault = string.Join(" ", faults);
            return false;
        }
        fault = null;
        settings = new PitlaneSettings(options, connectionString) { ModuleOptions = bound };
        return true;
    }
}
