using System.Text;

namespace Pitlane.Obd.Simulator.Tests;

/// <summary>Drives the command interpreter directly with seeded random commands: every one must end in a prompt.</summary>
public sealed class SessionFuzzTests
{
    public static TheoryData<SimProtocol, string> Cases =>
        [.. Enum.GetValues<SimProtocol>().SelectMany(p => SimulatorScenarios.Names.Select(s => (p, s)))];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_commands_always_end_in_a_prompt(SimProtocol protocol, string scenario)
    {
        var options = new SimulatorOptions
        {
            Scenario = scenario,
            Protocol = protocol,
            Quirks = SimQuirks.ResponsePending | SimQuirks.LowercaseHex,
            Faults = new SimFaults { DropFrameRate = 0.05, GarbleRate = 0.05, NoDataRate = 0.05 },
        };
        var vehicle = new SimulatedVehicle(SimulatorScenarios.Get(scenario), options.Vin, seed: 9);
        SimulatedEcu[] ecus = [.. Enum.GetValues<EcuRole>().Select(r => new SimulatedEcu(r, vehicle))];
        var session = new ElmSession(vehicle, ecus, options, new Random(1));
        var random = new Random(HashCode.Combine(protocol, scenario.Length));
        string[] prefixes = ["", "AT", "ATSH", "ATSP", "ATCRA", "01", "02", "03", "06", "09", "10", "19", "22", "3E", "ATCAF0", "ATH1", "ATS0"];
        const string alphabet = "0123456789ABCDEF";

        for (var i = 0; i < 3000; i++)
        {
            var prefix = prefixes[random.Next(prefixes.Length)];
            var command = new StringBuilder(prefix);
            var length = random.Next(0, 16);
            for (var j = 0; j < length; j++)
            {
                command.Append(random.Next(10) == 0 ? (char)random.Next(0x20, 0x7F) : alphabet[random.Next(alphabet.Length)]);
            }

            var reply = session.Execute(command.ToString(), overflowed: false);
            Assert.EndsWith(">", reply.Text, StringComparison.Ordinal);
            Assert.True(reply.Text.Length < 4096, $"'{command}' produced {reply.Text.Length} characters");
            Assert.True(reply.Delay < TimeSpan.FromSeconds(2));
        }
    }
}
