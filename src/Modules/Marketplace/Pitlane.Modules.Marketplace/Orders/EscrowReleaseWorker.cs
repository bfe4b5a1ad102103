using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pitlane.Modules.Marketplace.Orders;

/// <summary>
/// Two rounds over the orders: every ReleaseCheckMinutes, held payments of shipped orders whose escrow period
/// (Pitlane:Marketplace:AutoReleaseDays) ended without a delivery confirmation or a dispute are captured; every
/// UnpaidCheckSeconds, orders left unpaid on the processor's page for UnpaidHoldMinutes give their stock back. A failing
/// round is logged and retried next time.
/// </summary>
public sealed class EscrowReleaseWorker(IServiceScopeFactory scopes, MarketplaceOptions options, TimeProvider time, ILogger<EscrowReleaseWorker> logger) : BackgroundService
{
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderService>().ReleaseDueAsync(ct);
    }

    public async Task<int> ExpireUnpaidOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderService>().ExpireUnpaidAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        RoundsAsync(TimeSpan.FromMinutes(options.ReleaseCheckMinutes), RunOnceAsync, "Released {Orders} marketplace orders from escrow", stoppingToken),
        RoundsAsync(TimeSpan.FromSeconds(options.UnpaidCheckSeconds), ExpireUnpaidOnceAsync, "Let go of {Orders} marketplace orders left unpaid", stoppingToken));

    private async Task RoundsAsync(TimeSpan every, Func<CancellationToken, Task<int>> round, string message, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var count = await round(stoppingToken);
                if (count > 0)
                {
#pragma warning disable CA2254 // The two fixed templates above.
                    logger.LogInformation(message, count);
#pragma warning restore CA2254
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Marketplace order round failed; retrying next round");
            }
        }
    }
}
