using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Parking.Tesla;

namespace Pitlane.Modules.Parking.Bookings;

/// <summary>
/// The parking module's rounds every few seconds: following cars for arrival (Tesla locations, Pitlane telemetry
/// devices) and letting go of holds nobody paid for. A failing round is logged and retried.
/// </summary>
public sealed class ParkingRoundsWorker(IServiceScopeFactory scopes, TimeProvider time, ILogger<ParkingRoundsWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RoundAsync<TeslaService>((s, ct) => s.PollDueAsync(ct), "following Teslas", stoppingToken);
            await RoundAsync<VehicleFollow>((s, ct) => s.PollDueAsync(ct), "following telemetry devices", stoppingToken);
            await RoundAsync<BookingService>((s, ct) => s.ExpireUnpaidAsync(ct), "letting go of unpaid holds", stoppingToken);
        }
    }

    private async Task RoundAsync<T>(Func<T, CancellationToken, Task<int>> poll, string what, CancellationToken ct) where T : notnull
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await poll(scope.ServiceProvider.GetRequiredService<T>(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Parking round ({Round}) failed; retrying next round", what);
        }
    }
}
