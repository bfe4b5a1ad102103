using System.CommandLine;
using System.Globalization;
using Pitlane.Obd.Simulator;

namespace Pitlane.Cli;

/// <summary><c>pitlane sim</c>: runs the ELM327 vehicle simulator until Ctrl+C.</summary>
internal static class SimCommand
{
    private static readonly Dictionary<string, SimProtocol> Protocols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["can11"] = SimProtocol.Can11Bit500k,
        ["can29"] = SimProtocol.Can29Bit500k,
        ["iso9141"] = SimProtocol.Iso9141_2,
    };

    private static readonly Dictionary<string, SimQuirks> QuirkNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["echo"] = SimQuirks.EchoOnByDefault,
        ["spaces"] = SimQuirks.SpacesAlways,
        ["slow"] = SimQuirks.SlowAnswers,
        ["lowercase"] = SimQuirks.LowercaseHex,
        ["pending"] = SimQuirks.ResponsePending,
    };

    public static Command Create()
    {
        var scenario = new Option<string>("--scenario")
        {
            Description = "Vehicle scenario: " + string.Join(", ", SimulatorScenarios.Names) + ".",
            DefaultValueFactory = _ => SimulatorScenarios.Healthy,
        };
        scenario.AcceptOnlyFromAmong([.. SimulatorScenarios.Names]);
        var vin = new Option<string>("--vin") { Description = "VIN the engine ECU reports.", DefaultValueFactory = _ => SimulatorOptions.DefaultVin };
        var port = new Option<int>("--port") { Description = "TCP port (Wi-Fi adapters use 35000); 0 picks a free one.", DefaultValueFactory = _ => 35000 };
        var address = new Option<string>("--address") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var protocol = new Option<string>("--protocol") { Description = "Vehicle bus: can11, can29 or iso9141.", DefaultValueFactory = _ => "can11" };
        protocol.AcceptOnlyFromAmong([.. Protocols.Keys]);
        var quirks = new Option<string?>("--quirks") { Description = "Clone behaviours, comma-separated: echo, spaces, slow, lowercase, pending." };
        var drop = new Option<double>("--drop") { Description = "Probability of dropping a frame (0-1)." };
        var garble = new Option<double>("--garble") { Description = "Probability of garbling a printed line (0-1)." };
        var noData = new Option<double>("--nodata") { Description = "Probability of answering NO DATA (0-1)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for live values and faults; random when absent." };
        var timeScale = new Option<double>("--time-scale") { Description = "Driving-cycle speed-up factor.", DefaultValueFactory = _ => 1 };
        var ignitionOff = new Option<bool>("--ignition-off") { Description = "Adapter plugged in with the ignition off: every vehicle request fails." };
        var slowDelay = new Option<int>("--slow-ms") { Description = "Delay of each answer with --quirks slow, in milliseconds.", DefaultValueFactory = _ => 300 };

        var command = new Command("sim", "Run an ELM327-compatible vehicle simulator over TCP.")
        {
            scenario, vin, port, address, protocol, quirks, drop, garble, noData, seed, timeScale, slowDelay, ignitionOff,
        };

        command.SetAction(async (parse, ct) =>
        {
            SimulatorOptions options;
            try
            {
                options = new SimulatorOptions
                {
                    Scenario = parse.GetValue(scenario)!,
                    Vin = parse.GetValue(vin)!.ToUpperInvariant(),
                    Port = parse.GetValue(port),
                    Address = System.Net.IPAddress.Parse(parse.GetValue(address)!),
                    Protocol = Protocols[parse.GetValue(protocol)!],
                    Quirks = ParseQuirks(parse.GetValue(quirks)),
                    Faults = new SimFaults { DropFrameRate = parse.GetValue(drop), GarbleRate = parse.GetValue(garble), NoDataRate = parse.GetValue(noData) },
                    Seed = parse.GetValue(seed),
                    TimeScale = parse.GetValue(timeScale),
                    SlowAnswerDelay = TimeSpan.FromMilliseconds(parse.GetValue(slowDelay)),
                    IgnitionOn = !parse.GetValue(ignitionOff),
                };
                options.Validate();
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                await Console.Error.WriteLineAsync("pitlane sim: " + e.Message).ConfigureAwait(false);
                return 2;
            }

            await using var server = new ElmSimulatorServer(options);
            try
            {
                await server.StartAsync(ct).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                await Console.Error.WriteLineAsync($"pitlane sim: cannot listen on {options.Address}:{options.Port}: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ELM327 simulator listening on tcp://{server.EndPoint} (scenario {options.Scenario}, {options.Protocol}, VIN {options.Vin}). Ctrl+C to stop."));
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Simulator stopped.");
            }

            return 0;
        });
        return command;
    }

    private static SimQuirks ParseQuirks(string? text)
    {
        var quirks = SimQuirks.None;
        foreach (var name in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            quirks |= QuirkNames.TryGetValue(name, out var quirk)
                ? quirk
                : throw new ArgumentException($"--quirks: unknown quirk '{name}'; expected {string.Join(", ", QuirkNames.Keys)}.");
        }

        return quirks;
    }
}
