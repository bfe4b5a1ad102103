namespace Pitlane.Obd.Simulator.Tests;

/// <summary>Starts a simulator on a free loopback port and connects one client to it.</summary>
internal sealed class Sim : IAsyncDisposable
{
    private Sim(ElmSimulatorServer server, ElmClient client)
    {
        Server = server;
        Client = client;
    }

    public ElmSimulatorServer Server { get; }

    public ElmClient Client { get; }

    public static async Task<Sim> StartAsync(SimulatorOptions? options = null, TimeProvider? time = null)
    {
        var server = new ElmSimulatorServer((options ?? new SimulatorOptions()) with { Port = 0, Seed = options?.Seed ?? 42 }, time);
        await server.StartAsync(TestContext.Current.CancellationToken);
        return new Sim(server, await ElmClient.ConnectAsync(server.Port));
    }

    public Task<string[]> SendAsync(string command) => Client.SendAsync(command);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
