using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Media;

/// <summary>
/// The one store for the files other modules keep (inspection photos and videos, narrations, check-in photos, listing
/// photos): disk in the embedded profile, S3-compatible storage in the distributed one, reached through IMediaStore.
/// </summary>
public sealed class MediaModule : IPitlaneModule
{
    public string Name => "Media";

    public int Order => 5;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<MediaOptions>("Pitlane:Media");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Get<MediaOptions>();
        services.AddModuleDatabase<MediaDbContext, SqliteMediaDbContext, PostgresMediaDbContext>(settings, Name, MediaDbContext.HistoryTable);
        if (options.Provider == MediaProvider.S3)
        {
            services.AddSingleton<IMediaBlobs, S3Blobs>();
        }
        else
        {
            services.AddSingleton<IMediaBlobs, DiskBlobs>();
        }
        services.AddSingleton<MediaLinks>();
        services.AddScoped<MediaService>();
        services.AddScoped<IMediaStore>(provider => provider.GetRequiredService<MediaService>());
        services.AddPerClientRateLimit(MediaEndpoints.PublicRateLimitPolicy, options.PublicRequestsPerMinute, "signed media link");
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapMediaEndpoints();
}
