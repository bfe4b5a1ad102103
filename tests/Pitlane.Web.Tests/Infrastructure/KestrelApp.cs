using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>The app on a real Kestrel socket (loopback, free port), for a real browser.</summary>
public sealed class KestrelApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public string BaseUrl { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
    }
}
