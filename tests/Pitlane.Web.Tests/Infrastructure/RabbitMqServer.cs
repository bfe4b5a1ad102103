using System.Diagnostics;
using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(Pitlane.Web.Tests.Infrastructure.RabbitMqServer))]

namespace Pitlane.Web.Tests.Infrastructure;

[CollectionDefinition(RabbitMqServer.Collection)]
public sealed class RabbitMqCollection;

/// <summary>
/// A throw-away RabbitMQ node from the machine's own rabbitmq-server, one per test run, started on first use (so runs
/// without RabbitMQ tests do not pay its ~11 s start) and stopped at the end. It runs unprivileged from a temp folder
/// (its own mnesia, logs, Erlang cookie), on free loopback ports, with the MQTT plugin; each test gets its own virtual
/// host. Stopping and starting the same node (same folder) keeps durable queues and persistent messages: the
/// outage tests use that. The epmd daemon Erlang starts is killed at the end only if this fixture started it.
/// </summary>
public sealed class RabbitMqServer : IAsyncLifetime
{
    /// <summary>
    /// Test classes on the broker share this collection, so they run one after another: an outage test stops the node,
    /// which would fail whatever another class ran on it at that moment.
    /// </summary>
    public const string Collection = "RabbitMQ node";

    private static readonly string[] SbinDirs = ["/usr/lib/rabbitmq/bin", "/usr/lib/rabbitmq/sbin", "/usr/sbin"];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _sbin;
    private string? _dir;
    private Process? _node;
    private bool _epmdWasRunning;
    private int _distPort;

    public string? UnavailableReason { get; private set; }
    public int AmqpPort { get; private set; }
    public int MqttPort { get; private set; }

    /// <summary>The management HTTP API (rabbitmq_management), where Pitlane creates each device's MQTT login.</summary>
    public int ManagementPort { get; private set; }
    public string NodeName { get; } = $"pitlane-test-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}@localhost";

    /// <summary>How long the last start took, until `rabbitmqctl status` answered.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    public ValueTask InitializeAsync()
    {
        _sbin = SbinDirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "rabbitmq-server")) && File.Exists(Path.Combine(d, "rabbitmqctl")));
        if (_sbin is null)
        {
            UnavailableReason = "rabbitmq-server is not installed (apt-get install rabbitmq-server).";
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Skips the test (or fails it under PITLANE_REQUIRE_SERVERS=1) when the broker cannot run here, else starts it once.</summary>
    public async Task EnsureStartedAsync()
    {
        if (UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        await _gate.WaitAsync();
        try
        {
            if (_node is null)
            {
                await StartNodeAsync();
            }
        }
        catch (InvalidOperationException e)
        {
            UnavailableReason = $"RabbitMQ could not be started: {e.Message}";
            ServerRequirement.Unavailable(UnavailableReason);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh virtual host (isolated exchanges and queues) and its AMQP URI for guest.</summary>
    public async Task<string> CreateVirtualHostAsync()
    {
        var vhost = $"t-{Guid.NewGuid():N}";
        await CtlAsync("add_vhost", vhost);
        await CtlAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        return $"amqp://guest:guest@127.0.0.1:{AmqpPort}/{vhost}";
    }

    /// <summary>Stops the node (as an outage); durable state stays in its folder for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StopNodeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StartNodeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartNodeAsync()
    {
        if (_dir is null)
        {
            _epmdWasRunning = PortOpen(4369);
            AmqpPort = PostgresServer.FreePort();
            MqttPort = PostgresServer.FreePort();
            ManagementPort = PostgresServer.FreePort();
            _distPort = PostgresServer.FreePort();
            _dir = Path.Combine(Path.GetTempPath(), $"pitlane-rabbit-{Environment.ProcessId}-{AmqpPort}");
            foreach (var sub in new[] { "mnesia", "log", "home" })
            {
                Directory.CreateDirectory(Path.Combine(_dir, sub));
            }
            await File.WriteAllTextAsync(Path.Combine(_dir, "enabled_plugins"), "[rabbitmq_mqtt,rabbitmq_management].");
            await File.WriteAllTextAsync(Path.Combine(_dir, "rabbitmq.conf"),
                $"listeners.tcp.default = 127.0.0.1:{AmqpPort}\nmqtt.listeners.tcp.default = 127.0.0.1:{MqttPort}\n" +
                $"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {ManagementPort}\n");
        }
        var watch = Stopwatch.StartNew();
        var start = Prepare(Path.Combine(_sbin!, "rabbitmq-server"));
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        _node = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        // Drain its console so a full pipe never blocks the node.
        _ = _node.StandardOutput.ReadToEndAsync();
        _ = _node.StandardError.ReadToEndAsync();
        while (true)
        {
            if (_node.HasExited)
            {
                var log = Directory.GetFiles(Path.Combine(_dir, "log")).Select(File.ReadAllText).LastOrDefault() ?? "";
                throw new InvalidOperationException($"rabbitmq-server exited with {_node.ExitCode}: {log[^Math.Min(log.Length, 2000)..]}");
            }
            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new InvalidOperationException("rabbitmq-server did not answer `rabbitmqctl status` within 90 s.");
            }
            if (await TryCtlAsync("status") && PortOpen(AmqpPort))
            {
                break;
            }
            await Task.Delay(300);
        }
        LastStartDuration = watch.Elapsed;
    }

    private async Task StopNodeAsync()
    {
        if (_node is null)
        {
            return;
        }
        await CtlAsync("stop");
        await _node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _node.Dispose();
        _node = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir is null)
        {
            return;
        }
        try
        {
            await StopNodeAsync();
            if (!_epmdWasRunning && await RunAsync("epmd", ["-names"]) is { } names && !names.Contains("name ", StringComparison.Ordinal))
            {
                // Erlang started this epmd for our node and no other node uses it now.
                await RunAsync("epmd", ["-kill"]);
            }
        }
        finally
        {
            _gate.Dispose();
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // A file the node still closes; the temp cleaner takes it.
            }
        }
    }

    private ProcessStartInfo Prepare(string file)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, WorkingDirectory = _dir };
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir!, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_dir!, "log");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir!, "enabled_plugins");
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir!, "rabbitmq.conf");
        start.Environment["RABBITMQ_NODENAME"] = NodeName;
        start.Environment["RABBITMQ_DIST_PORT"] = _distPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HOME"] = Path.Combine(_dir!, "home");
        return start;
    }

    private async Task CtlAsync(params string[] arguments)
    {
        if (!await TryCtlAsync(arguments))
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed.");
        }
    }

    private async Task<bool> TryCtlAsync(params string[] arguments)
    {
        var start = Prepare(Path.Combine(_sbin!, "rabbitmqctl"));
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(NodeName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await Task.WhenAll(stdout, stderr);
        return process.ExitCode == 0;
    }

    private static async Task<string?> RunAsync(string file, string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
