using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pitlane.Modules.Marketplace.Orders;

/// <summary>
/// Captures held payments of shipped orders whose escrow period (Pitlane:Marketplace:AutoReleaseDays) ended without a
/// delivery confirmation or a dispute. Runs every ReleaseCheckMinutes; a failing round is logged and retried next time.
/// </summary>
public sealed class EscrowReleaseWorker(IServiceScopeFactory scopes, MarketplaceOptions options, TimeProvider time, ILogger<EscrowReleaseWorker> logger) : BackgroundService
{
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderService>().ReleaseDueAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.ReleaseCheckMinutes), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var released = await RunOnceAsync(stoppingToken);
                if (released > 0)
                {
                    logger.LogInformation("Released {Orders} marketplace orders from escrow", released);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Escrow release round failed; retrying next round");
            }
        }
    }
}
