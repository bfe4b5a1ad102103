namespace Pitlane.Obd.Simulator.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Transcript()
    {
        await using var server = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Seed = 1 });
        await server.StartAsync(TestContext.Current.CancellationToken);
        await using var c = await ElmClient.ConnectAsync(server.Port);
        foreach (var cmd in new[] { "ATZ", "ATI", "0100", "ATDP", "ATDPN", "0902", "ATH1", "0100", "0902", "0904", "010C0D05", "03", "ATSH7E0", "22F190", "22F191", "1902FF", "ATS0", "0100", "ATH0", "0902", "ATRV", "ATSP3", "0100" })
        {
            TestContext.Current.TestOutputHelper!.WriteLine((await c.RawAsync(cmd)).Replace("\r", "\\r\n"));
        }
    }
}
