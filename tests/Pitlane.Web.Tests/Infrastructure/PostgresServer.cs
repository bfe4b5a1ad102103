using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster from the machine's own binaries, one per test run, on a free loopback port.
/// initdb refuses to run as root, so as root the cluster is created and run as the postgres user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly string[] BinDirs = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];
    private string? _dir;
    private string? _bin;

    public string? UnavailableReason { get; private set; }
    public int Port { get; private set; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20;Timeout=15";

    public async ValueTask InitializeAsync()
    {
        _bin = BinDirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        if (_bin is null)
        {
            UnavailableReason = "PostgreSQL server binaries (initdb, pg_ctl) are not installed.";
            return;
        }
        Port = FreePort();
        _dir = Path.Combine(Path.GetTempPath(), $"pitlane-pg-{Environment.ProcessId}-{Port}");
        Directory.CreateDirectory(_dir);
        var asRoot = Environment.UserName == "root";
        try
        {
            if (asRoot)
            {
                await RunAsync("chown", "postgres", _dir);
            }
            var data = Path.Combine(_dir, "data");
            await RunAsPostgresAsync(asRoot, $"{_bin}/initdb -D {data} -U postgres -A trust --no-sync -E UTF8");
            await RunAsPostgresAsync(asRoot,
                $"{_bin}/pg_ctl -D {data} -l {_dir}/log -w -t 60 -o \"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start");
        }
        catch (InvalidOperationException e)
        {
            // Reported by the tests that need the server (a failure in CI), not by every test of the assembly.
            UnavailableReason = $"PostgreSQL could not be started: {e.Message}";
            _bin = null;
        }
    }

    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir is null || _bin is null)
        {
            return;
        }
        try
        {
            await RunAsPostgresAsync(Environment.UserName == "root", $"{_bin}/pg_ctl -D {Path.Combine(_dir, "data")} -m immediate -w stop");
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static Task RunAsPostgresAsync(bool asRoot, string command) =>
        asRoot ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command) : RunAsync("/bin/sh", "-c", command);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
