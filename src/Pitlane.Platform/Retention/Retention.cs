using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pitlane.Platform.Retention;

/// <summary>
/// Rows a module keeps only for a while (expired refresh tokens, stale VIN decodes, superseded interpretations).
/// Registered with <see cref="RetentionServices.AddRetention{T}"/>; <see cref="RetentionWorker"/> runs every task hourly.
/// </summary>
public interface IRetentionTask
{
    /// <summary>What is purged, for the log: "expired refresh tokens".</summary>
    string What { get; }

    /// <summary>Deletes what is past its time as of <paramref name="now"/> and returns how many rows went.</summary>
    Task<int> PurgeAsync(DateTime now, CancellationToken ct);
}

public static class RetentionServices
{
    public static IServiceCollection AddRetention<T>(this IServiceCollection services) where T : class, IRetentionTask =>
        services.AddScoped<IRetentionTask, T>();
}

/// <summary>
/// Runs every <see cref="IRetentionTask"/> once an hour (and shortly after start). One task failing, for any reason,
/// is logged and does not stop the others or the next round: an unexpected exception never takes the host down.
/// Instances may run it at once: each task is a set-based DELETE, idempotent by nature.
/// </summary>
public sealed class RetentionWorker(IServiceScopeFactory scopes, TimeProvider time, ILogger<RetentionWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    /// <summary>One round over every task; returns rows purged per task.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RunOnceAsync(CancellationToken ct)
    {
        var purged = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        foreach (var task in scope.ServiceProvider.GetServices<IRetentionTask>())
        {
            try
            {
                purged[task.What] = await task.PurgeAsync(time.GetUtcNow().UtcDateTime, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "Purging {What} failed; it is tried again in an hour", task.What);
            }
        }
        return purged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRunDelay, time, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                foreach (var (what, rows) in await RunOnceAsync(stoppingToken))
                {
                    if (rows > 0)
                    {
                        logger.LogInformation("Purged {Rows} {What}", rows, what);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
