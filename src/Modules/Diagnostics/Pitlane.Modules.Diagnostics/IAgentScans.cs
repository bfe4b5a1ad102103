using Pitlane.Diagnostics;
namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// Runs a scan through the scan agent of an <see cref="AdapterKind.Agent"/> adapter: the scan waits (status queued) until
/// its agent takes it over its outbound connection, then follows the agent's progress until it uploads the result.
/// Called by the scan job; the job's lease is held the whole time.
/// </summary>
public interface IAgentScans
{
    /// <param name="progress">Called with (stage, percent) as the agent reports them.</param>
    /// <returns>The uploaded scan, already checked with <see cref="ScanDocument.Check"/>.</returns>
    /// <exception cref="ScanFailedException">The agent reported a failure, did not take the scan in time, or went silent.</exception>
    Task<ScanDocument> RunAsync(Scan scan, Func<string, int, CancellationToken, Task> progress, CancellationToken ct);
}

/// <summary>A scan that cannot complete (adapter unreachable, no answer from the car, agent offline); the message says why.</summary>
public sealed class ScanFailedException(string message, Exception? inner = null) : Exception(message, inner);
