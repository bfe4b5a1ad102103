using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pitlane.Obd.Simulator.Tests;

/// <summary>A raw TCP client speaking to the simulator as a terminal would: send a line, read up to the prompt.</summary>
internal sealed class ElmClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private string _leftover = "";

    private ElmClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<ElmClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        return new ElmClient(tcp);
    }

    /// <summary>Sends <paramref name="command"/> and CR, returns everything up to and including the prompt.</summary>
    public async Task<string> RawAsync(string command, TimeSpan? timeout = null)
    {
        await SendRawAsync(Encoding.ASCII.GetBytes(command + "\r"));
        return await ReadPromptAsync(timeout);
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes, TestContext.Current.CancellationToken);
    }

    public async Task<string> ReadPromptAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(5));
        var text = new StringBuilder(_leftover);
        var buffer = new byte[1024];
        int prompt;
        while ((prompt = text.ToString().IndexOf('>', StringComparison.Ordinal)) < 0)
        {
            var read = await _stream.ReadAsync(buffer, cts.Token);
            if (read == 0)
            {
                throw new IOException("Connection closed before the prompt; got: " + text);
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var all = text.ToString();
        _leftover = all[(prompt + 1)..];
        return all[..(prompt + 1)];
    }

    /// <summary>Sends a command and returns the non-empty answer lines, prompt removed.</summary>
    public async Task<string[]> SendAsync(string command)
    {
        var raw = await RawAsync(command);
        return raw[..^1].Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Echo, spaces off… the settings most clients start with; echo off makes answers easy to assert.</summary>
    public async Task InitAsync(params string[] settings)
    {
        await SendAsync("ATZ");
        await SendAsync("ATE0");
        foreach (var setting in settings)
        {
            Assert.Equal(["OK"], await SendAsync(setting));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}

internal sealed class ManualTime : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
