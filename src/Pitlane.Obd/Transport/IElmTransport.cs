namespace Pitlane.Obd.Transport;

/// <summary>A byte stream to an ELM327-family adapter (Wi-Fi TCP socket or serial tty).</summary>
public interface IElmTransport : IAsyncDisposable
{
    /// <summary>What this transport is connected to, for messages ("tcp://192.168.0.10:35000").</summary>
    string Description { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Reads what is available (at least one byte); 0 when the peer closed the stream.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
