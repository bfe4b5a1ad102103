using System.Net.Sockets;

namespace Pitlane.Obd.Transport;

/// <summary>An ELM327 over TCP: Wi-Fi adapters and the Pitlane simulator.</summary>
public sealed class TcpElmTransport : IElmTransport
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private TcpElmTransport(TcpClient client, string description)
    {
        _client = client;
        _stream = client.GetStream();
        Description = description;
    }

    public string Description { get; }

    public static async Task<TcpElmTransport> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(host, port, cts.Token);
            return new TcpElmTransport(client, $"tcp://{host}:{port}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new ObdTimeoutException($"could not connect to tcp://{host}:{port} within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new ObdTransportException($"could not connect to tcp://{host}:{port}: {e.Message}", e);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(data, cancellationToken);
        }
        catch (IOException e)
        {
            throw new ObdTransportException($"{Description}: write failed: {e.Message}", e);
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException e)
        {
            throw new ObdTransportException($"{Description}: read failed: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
