using System.Diagnostics;

namespace Pitlane.Obd.Simulator.Tests;

public sealed class QuirkTests
{
    [Fact]
    public async Task Clone_keeps_echo_and_spaces_on_whatever_it_is_told()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Quirks = SimQuirks.EchoOnByDefault | SimQuirks.SpacesAlways });
        Assert.Equal("ATE0\rOK\r\r>", await sim.Client.RawAsync("ATE0"));
        Assert.Equal("ATS0\rOK\r\r>", await sim.Client.RawAsync("ATS0"));
        Assert.Equal("ATSP6\rOK\r\r>", await sim.Client.RawAsync("ATSP6"));
        Assert.Equal("0100\r41 00 BF BF B9 93\r41 00 80 08 00 10\r41 00 80 08 00 00\r\r>", await sim.Client.RawAsync("0100"));
    }

    [Fact]
    public async Task Lowercase_clone_prints_hex_in_lowercase()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Quirks = SimQuirks.LowercaseHex });
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        Assert.Equal(["7e8 06 41 00 bf bf b9 93 aa"], await sim.SendAsync("0100"));
    }

    [Fact]
    public async Task Slow_clone_delays_every_answer()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Quirks = SimQuirks.SlowAnswers, SlowAnswerDelay = TimeSpan.FromMilliseconds(250) });
        await sim.Client.InitAsync("ATSP6");
        var clock = Stopwatch.StartNew();
        await sim.SendAsync("010D");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(240), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task No_data_fault_answers_no_data_after_the_timeout()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Faults = new SimFaults { NoDataRate = 1 } });
        await sim.Client.InitAsync("ATSP6", "ATST10");
        var clock = Stopwatch.StartNew();
        Assert.Equal(["NO DATA"], await sim.SendAsync("0100"));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(60));
    }

    [Fact]
    public async Task Dropped_frames_break_multi_frame_answers()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Faults = new SimFaults { DropFrameRate = 0.5 }, Seed = 3 });
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        var counts = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var lines = await sim.SendAsync("0902");
            counts.Add(lines is ["NO DATA"] ? 0 : lines.Length);
        }

        Assert.Contains(counts, c => c < 3);
        Assert.Contains(counts, c => c > 0);
    }

    [Fact]
    public async Task Dropped_frames_are_the_same_for_a_seed_in_every_process()
    {
        // Pinned: the fault generator of a connection must not depend on per-process hash randomisation,
        // or a failing seed in CI cannot be replayed anywhere else.
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Faults = new SimFaults { DropFrameRate = 0.5 }, Seed = 2 });
        await sim.Client.InitAsync("ATSP6", "ATH1");
        var answered = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var lines = await sim.SendAsync("0100");
            answered.Add(lines is ["NO DATA"] ? "-" : string.Concat(lines.Select(l => l[2])));
        }

        Assert.Equal("8 89 A 89 8 8 A 9A 8A 8A 89 A", string.Join(' ', answered));
    }

    [Fact]
    public async Task Garbled_lines_are_reproducible_for_a_seed()
    {
        async Task<string[]> RunAsync()
        {
            await using var sim = await Sim.StartAsync(new SimulatorOptions { Faults = new SimFaults { GarbleRate = 0.5 }, Seed = 11 });
            await sim.Client.InitAsync("ATSP6", "ATH1");
            var lines = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                lines.AddRange(await sim.SendAsync("0902"));
            }

            return [.. lines];
        }

        var first = await RunAsync();
        Assert.Contains(first, l => !l.StartsWith("7E8 ", StringComparison.Ordinal) || l.Length != 26 || l.Split(' ').Length != 9 || l.Contains('#') || l.Contains('.') || l.Contains(':'));
        Assert.Equal(first, await RunAsync());
    }
}
