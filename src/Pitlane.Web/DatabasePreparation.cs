using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Web;

/// <summary>
/// Brings every module's store up to date (when Pitlane:Database:MigrateOnStart) and runs the modules' demo parts
/// (Pitlane:Demo:Seed), in the host's Starting phase: before the server accepts its first request.
/// </summary>
internal sealed class DatabasePreparation(IServiceProvider services, IOptions<PitlaneOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Database.MigrateOnStart)
        {
            await DatabaseSetup.MigrateAllAsync(services, cancellationToken);
        }
        if (options.Value.SeedDemo)
        {
            await using var scope = services.CreateAsyncScope();
            var context = new DemoSeedContext();
            foreach (var part in scope.ServiceProvider.GetServices<IDemoSeed>().OrderBy(p => p.Order))
            {
                await part.SeedAsync(context, cancellationToken);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
