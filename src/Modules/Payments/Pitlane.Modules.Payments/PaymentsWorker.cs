using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Payments.Idempotency;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Modules.Payments.Webhooks;

namespace Pitlane.Modules.Payments;

/// <summary>
/// The module's clockwork: the built-in processor's webhook deliveries (signed, and verified on receipt exactly as an
/// HTTP delivery), the payout schedule and the purge of expired idempotency keys. Every instance runs it; the event
/// ids and optimistic concurrency make double work harmless.
/// </summary>
public sealed class PaymentsWorker(IServiceScopeFactory scopes, PaymentsOptions options, TimeProvider time, ILogger<PaymentsWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPayouts = time.GetUtcNow().AddMinutes(options.PayoutScheduleMinutes);
        var nextPurge = time.GetUtcNow().AddHours(1);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.WebhookDeliveryMilliseconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (options.Processor == "builtin")
                {
                    await DeliverSimulatorEventsAsync(stoppingToken);
                }
                if (time.GetUtcNow() >= nextPayouts)
                {
                    nextPayouts = time.GetUtcNow().AddMinutes(options.PayoutScheduleMinutes);
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PayoutService>().RunScheduleAsync(options.AutomaticPayouts, stoppingToken);
                }
                if (time.GetUtcNow() >= nextPurge)
                {
                    nextPurge = time.GetUtcNow().AddHours(1);
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<IdempotencyStore>().PurgeAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database hiccup must not stop the loop; the work is retried on the next tick.
                logger.LogError(e, "Payments background work failed; retrying");
            }
        }
    }

    /// <summary>Delivers the simulator's due events, oldest first, each signed with the built-in webhook secret.</summary>
    public async Task<int> DeliverSimulatorEventsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.SimEvents.AsNoTracking().Where(e => e.DeliveredAt == null && e.DueAt <= now).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Take(100).ToListAsync(ct);
        var secret = scope.ServiceProvider.GetRequiredService<WebhookSecrets>().BuiltIn;
        foreach (var evt in due)
        {
            await using var delivery = scopes.CreateAsyncScope();
            var receiver = delivery.ServiceProvider.GetRequiredService<WebhookReceiver>();
            var body = Encoding.UTF8.GetBytes(evt.Payload);
            var signature = WebhookSignature.Sign(secret, time.GetUtcNow().ToUnixTimeSeconds(), body);
            var (outcome, detail) = await receiver.ReceiveAsync("builtin", body, signature, ct);
            if (outcome == WebhookOutcome.Rejected)
            {
                logger.LogWarning("Simulator webhook {Event} refused: {Detail}", evt.Id, detail);
            }
            await db.SimEvents.Where(e => e.Id == evt.Id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.DeliveredAt, time.GetUtcNow().UtcDateTime)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
        }
        return due.Count;
    }
}
