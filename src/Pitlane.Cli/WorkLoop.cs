using System.Net.Sockets;
using System.Text.Json;

namespace Pitlane.Cli;

/// <summary>The server refused the key of `pitlane agent` or `pitlane worker`: it is wrong or was revoked. Nothing to retry.</summary>
internal sealed class KeyRefusedException(string detail) : Exception(detail);

/// <summary>A failure worth retrying: the server unreachable, overloaded or restarting.</summary>
internal sealed class TransientException(string message) : Exception(message);

/// <summary>
/// The outbound long-poll loop shared by `pitlane agent` and `pitlane worker`: ask for work and do it, over and over;
/// a network failure, a timeout, a 5xx or a garbled answer is retried with exponential back-off (1 s doubling to 30 s,
/// reset by the next success); a refused key or a <paramref name="fatal"/> failure ends the process with exit code 1;
/// Ctrl+C ends it with 0.
/// </summary>
internal static class WorkLoop
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <param name="tool">"agent" or "worker": the name in every line printed.</param>
    /// <param name="step">Asks for one piece of work and does it (returns at once when there is none).</param>
    /// <param name="fatal">Failures, besides a refused key, that no retry can mend (e.g. the model file missing).</param>
    public static async Task<int> RunAsync(string tool, Func<CancellationToken, Task> step, CancellationToken ct, Func<Exception, bool>? fatal = null)
    {
        var backoff = FirstBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await step(ct);
                backoff = FirstBackoff;
            }
            catch (KeyRefusedException e)
            {
                await Console.Error.WriteLineAsync($"pitlane {tool}: the server refused the {tool} key (wrong or revoked): {e.Message}");
                return 1;
            }
            catch (Exception e) when (fatal?.Invoke(e) == true)
            {
                await Console.Error.WriteLineAsync($"pitlane {tool}: {e.Message}");
                return 1;
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                await Console.Error.WriteLineAsync($"pitlane {tool}: {Describe(e)}; retrying in {backoff.TotalSeconds:0} s");
                try
                {
                    await Task.Delay(backoff, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }

        await Console.Error.WriteLineAsync($"pitlane {tool}: stopped");
        return 0;
    }

    public static bool IsTransient(Exception e, CancellationToken ct) =>
        e is HttpRequestException or TransientException or IOException or JsonException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    public static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "the server did not answer in time",
        HttpRequestException { InnerException: SocketException s } => $"cannot reach the server ({s.Message})",
        _ => e.Message,
    };
}
