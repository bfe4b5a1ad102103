using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pitlane.Obd.Tests;

/// <summary>
/// `pitlane obd` as a process. The CLI is built separately (it pulls in the web modules), so these
/// tests look for its build output and are skipped with a reason when it is missing, except in CI.
/// </summary>
public class CliTests
{
    private static string? FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in (string[])["Debug", "Release"])
            {
                var path = Path.Combine(dir.FullName, "src", "Pitlane.Cli", "bin", configuration, "net10.0", "pitlane.dll");
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    private static string RequireCli()
    {
        var cli = FindCli();
        if (cli is null)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
                Assert.Fail("src/Pitlane.Cli has not been built (dotnet build src/Pitlane.Cli)");
            Assert.Skip("src/Pitlane.Cli has not been built; run dotnet build src/Pitlane.Cli");
        }
        return cli;
    }

    private static async Task<(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)> RunAsync(string cli, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    [Fact]
    public async Task Scan_against_a_peer_answering_only_garbage_exits_non_zero_with_one_line_within_90_seconds()
    {
        var cli = RequireCli();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                var buffer = new byte[256];
                while (await socket.ReceiveAsync(buffer, stop.Token) > 0)
                {
                    var garbage = new byte[random.Next(1, 300)];
                    random.NextBytes(garbage);
                    await socket.SendAsync(garbage, stop.Token);
                }
            }
        }, stop.Token);

        var (exit, stdout, stderr, elapsed) = await RunAsync(cli, "obd", "scan", "--adapter", $"tcp://127.0.0.1:{port}", "--json");
        await stop.CancelAsync();

        Assert.NotEqual(0, exit);
        Assert.True(elapsed < TimeSpan.FromSeconds(90), $"took {elapsed}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("pitlane obd scan: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_without_yes_refuses()
    {
        var cli = RequireCli();
        var (exit, _, stderr, _) = await RunAsync(cli, "obd", "clear", "--adapter", "tcp://127.0.0.1:1");
        Assert.Equal(2, exit);
        Assert.Contains("--yes", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_adapter_uri_is_a_usage_error()
    {
        var cli = RequireCli();
        var (exit, _, stderr, _) = await RunAsync(cli, "obd", "scan", "--adapter", "http://example");
        Assert.Equal(2, exit);
        Assert.Contains("tcp://HOST:PORT", stderr, StringComparison.Ordinal);
    }
}
