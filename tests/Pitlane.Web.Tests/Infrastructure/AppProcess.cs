using System.Diagnostics;

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>
/// The app as a real separate process (<c>dotnet Pitlane.Web.dll</c>) on a free loopback port, for tests that must
/// kill it (SIGKILL: <see cref="Process.Kill()"/> on Linux) and start it again on the same data. Killed by its own
/// Process object, never by name; <see cref="Dispose"/> always kills it.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private const int OutputTailLines = 200;
    private readonly Queue<string> _output = new();
    private readonly Process _process;

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the built web app with the given settings (environment variables, e.g. Pitlane__DataDirectory) and waits until /health/ready answers 200.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? readyTimeout = null)
    {
        var dll = WebAssemblyPath();
        var port = PostgresServer.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start };
        var app = new AppProcess(process, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => app.Record(e.Data);
        process.ErrorDataReceived += (_, e) => app.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            app.Dispose();
            throw;
        }
        return app;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, no graceful drain. Returns once the process is gone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string OutputTail()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputTailLines)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready:\n{OutputTail()}");
            }
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but busy starting.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The app was not ready within {timeout.TotalSeconds} s:\n{OutputTail()}");
    }

    /// <summary>
    /// src/Pitlane.Web/bin/&lt;Configuration&gt;/net10.0/Pitlane.Web.dll of the same configuration as this test assembly
    /// (the test project references the web project, so it is built).
    /// </summary>
    public static string WebAssemblyPath()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent?.Name ?? "Debug";
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Pitlane.slnx")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new InvalidOperationException($"No Pitlane.slnx above {AppContext.BaseDirectory}.");
        }
        var dll = Path.Combine(root.FullName, "src", "Pitlane.Web", "bin", configuration, framework, "Pitlane.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built (dotnet build Pitlane.slnx -c {configuration}).");
        }
        return dll;
    }

    public override string ToString() => $"pid {_process.Id} {BaseUrl}";
}
