using Microsoft.Extensions.Options;
using Pitlane.Demo;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Web;

/// <summary>
/// Applies migrations (when Pitlane:Database:MigrateOnStart) and seeds the demo once, in the host's Starting phase:
/// before the server accepts its first request.
/// </summary>
internal sealed class DatabasePreparation(IServiceProvider services, IOptions<PitlaneOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PitlaneDbContext>();
        if (options.Value.Database.MigrateOnStart)
        {
            await DatabaseSetup.MigrateAsync(db, cancellationToken);
        }
        if (options.Value.Demo.Seed)
        {
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
