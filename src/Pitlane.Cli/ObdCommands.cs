using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pitlane.Obd;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;

namespace Pitlane.Cli;

/// <summary><c>pitlane obd scan|watch|clear</c>: the OBD protocol library against a real adapter or the simulator.</summary>
internal static class ObdCommands
{
    private const int ExitFailure = 1;
    private const int ExitUsage = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var obd = new Command("obd", "Talk to a vehicle through an ELM327-compatible adapter.");
        obd.Subcommands.Add(Scan());
        obd.Subcommands.Add(Watch());
        obd.Subcommands.Add(Clear());
        return obd;
    }

    private static Option<string> AdapterOption() => new("--adapter")
    {
        Description = "Adapter address: tcp://HOST:PORT (Wi-Fi adapters use port 35000) or serial:///dev/ttyUSB0?baud=38400.",
        Required = true,
    };

    private static Option<double> TimeoutOption() => new("--timeout")
    {
        Description = "Seconds to wait for each adapter answer (the first request, which searches protocols, gets four times as long).",
        DefaultValueFactory = _ => 5,
    };

    private static ElmOptions ElmOptionsFor(double timeoutSeconds)
    {
        var timeout = TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds, 0.5, 60));
        return new ElmOptions { CommandTimeout = timeout, ResetTimeout = timeout, ConnectTimeout = timeout * 2, SearchTimeout = timeout * 4 };
    }

    private static Command Scan()
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of the readable report." };
        var command = new Command("scan", "Read VIN, protocol, ECUs, trouble codes, readiness, freeze frame and live values.") { adapter, json, timeout };
        command.SetAction(async (parse, ct) =>
        {
            bool asJson = parse.GetValue(json);
            var progress = asJson ? null : new StderrProgress();
            return await RunAsync("scan", async () =>
            {
                var report = await ObdScanner.ScanAsync(parse.GetValue(adapter)!, ElmOptionsFor(parse.GetValue(timeout)), progress: progress, cancellationToken: ct);
                Console.Out.Write(asJson ? JsonSerializer.Serialize(ToJson(report), Json) + Environment.NewLine : Readable(report));
                return 0;
            });
        });
        return command;
    }

    private static Command Watch()
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var pids = new Argument<string[]>("PID") { Description = "Service 01 PIDs in hex (0C, 0D, 05...).", Arity = ArgumentArity.OneOrMore };
        var count = new Option<int>("--count") { Description = "Stop after this many readings (default: until Ctrl+C)." };
        var interval = new Option<int>("--interval") { Description = "Milliseconds between readings.", DefaultValueFactory = _ => 500 };
        var command = new Command("watch", "Stream live values of the given PIDs.") { pids, adapter, count, interval, timeout };
        command.SetAction(async (parse, ct) =>
        {
            var wanted = new List<byte>();
            foreach (var text in parse.GetValue(pids)!)
            {
                var hex = text.Length == 4 && text.StartsWith("01", StringComparison.Ordinal) ? text[2..] : text;
                if (!byte.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var pid) || !PidTable.HasScaling(pid))
                {
                    await Console.Error.WriteLineAsync($"pitlane obd watch: '{text}' is not a service 01 PID with a scaling (e.g. 0C for engine speed)");
                    return ExitUsage;
                }
                wanted.Add(pid);
            }
            int max = parse.GetValue(count);
            var delay = TimeSpan.FromMilliseconds(Math.Max(0, parse.GetValue(interval)));
            return await RunAsync("watch", async () =>
            {
                await using var elm = await Elm327Adapter.ConnectAsync(parse.GetValue(adapter)!, ElmOptionsFor(parse.GetValue(timeout)), cancellationToken: ct);
                var client = new ObdClient(elm);
                try
                {
                    for (int n = 0; max <= 0 || n < max; n++)
                    {
                        var values = await client.ReadLiveValuesAsync(wanted, ct);
                        var time = DateTimeOffset.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
                        Console.WriteLine($"{time}  " + string.Join("  ", values.Select(v => $"{v.Ecu} {v.Name} {Format(v.Value)} {v.Unit}".TrimEnd())));
                        if (max <= 0 || n + 1 < max) await Task.Delay(delay, ct);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Ctrl+C ends the stream normally.
                }
                return 0;
            });
        });
        return command;
    }

    private static Command Clear()
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var yes = new Option<bool>("--yes") { Description = "Confirm: erases trouble codes, freeze frames, monitor results and readiness." };
        var command = new Command("clear", "Clear trouble codes (service 04). Requires --yes.") { adapter, yes, timeout };
        command.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(yes))
            {
                await Console.Error.WriteLineAsync("pitlane obd clear: refusing without --yes (clearing also erases freeze frames and readiness monitors)");
                return ExitUsage;
            }
            return await RunAsync("clear", async () =>
            {
                await using var elm = await Elm327Adapter.ConnectAsync(parse.GetValue(adapter)!, ElmOptionsFor(parse.GetValue(timeout)), cancellationToken: ct);
                var ecus = await new ObdClient(elm).ClearTroubleCodesAsync(ClearConfirmation.EraseCodesFreezeFramesAndReadiness, ct);
                Console.WriteLine($"Trouble codes cleared by {string.Join(", ", ecus)}.");
                return 0;
            });
        });
        return command;
    }

    /// <summary>Adapter and vehicle failures end the command with one line on stderr and a non-zero exit code.</summary>
    private static async Task<int> RunAsync(string name, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (AdapterUriException e)
        {
            await Console.Error.WriteLineAsync($"pitlane obd {name}: {e.Message}");
            return ExitUsage;
        }
        catch (ObdException e)
        {
            await Console.Error.WriteLineAsync($"pitlane obd {name}: {e.Message}");
            return ExitFailure;
        }
    }

    /// <summary>Writes each stage as it starts (Progress&lt;T&gt; would post to the thread pool and print late).</summary>
    private sealed class StderrProgress : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value) => Console.Error.WriteLine($"... {value.StageName}");
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static object ToJson(ScanReport r) => new
    {
        r.Vin,
        VinDetails = r.VinDetails is { } v ? new { v.IsValid, v.Manufacturer, v.Make, v.ModelYear, v.Country, v.Region } : null,
        Protocol = r.ProtocolName,
        ProtocolNumber = (int)r.Protocol,
        r.Adapter,
        r.AdapterVersion,
        r.BatteryVoltage,
        Ecus = r.Ecus.Select(e => new { e.Id, e.Role, SupportedPids = e.SupportedPids.Select(p => p.ToString("X2", CultureInfo.InvariantCulture)) }),
        r.MilOn,
        Dtcs = r.Dtcs.Select(d => new { d.Code, d.Ecu, d.Kind, d.Description, d.Severity, d.System, d.ManufacturerSpecific }),
        Readiness = r.Readiness.Select(x => new { x.Ecu, x.MilOn, x.DtcCount, x.Ignition, Complete = x.AllSupportedComplete, x.Monitors }),
        FreezeFrames = r.FreezeFrames.Select(f => new { f.Ecu, f.Frame, Trigger = f.Trigger?.ToString(), Values = f.Values.Select(JsonValue) }),
        Live = r.LiveValues.Select(JsonValue),
        r.RequestCount,
        DurationMs = (long)r.Duration.TotalMilliseconds,
        r.Warnings,
    };

    private static object JsonValue(LiveValue v) => new { v.Ecu, Pid = v.Pid.ToString("X2", CultureInfo.InvariantCulture), v.Name, Value = Math.Round(v.Value, 4), v.Unit };

    private static string Readable(ScanReport r)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"VIN          {r.Vin ?? "(not reported)"}{(r.VinDetails is { } v ? $"  {v.Make ?? v.Manufacturer} {v.ModelYear} {(v.IsValid ? "" : "(check digit invalid)")}".TrimEnd() : "")}");
        w.WriteLine($"Protocol     {r.ProtocolName}");
        w.WriteLine($"Adapter      {r.AdapterVersion} at {r.Adapter}{(r.BatteryVoltage is null ? "" : $", battery {r.BatteryVoltage}")}");
        w.WriteLine($"ECUs         {string.Join(", ", r.Ecus.Select(e => $"{e.Id} ({e.Role}, {e.SupportedPids.Count} PIDs)"))}");
        w.WriteLine($"MIL          {(r.MilOn ? "ON" : "off")}");
        w.WriteLine();
        w.WriteLine(r.Dtcs.Count == 0 ? "Trouble codes: none" : "Trouble codes:");
        foreach (var d in r.Dtcs)
            w.WriteLine($"  {d.Code}  {d.Kind.ToString().ToLowerInvariant(),-9} {d.Ecu,-8} {d.Severity.ToString().ToLowerInvariant(),-8} {d.Description}");
        w.WriteLine();
        foreach (var x in r.Readiness)
        {
            w.WriteLine($"Readiness {x.Ecu} ({x.Ignition.ToString().ToLowerInvariant()} ignition): {(x.AllSupportedComplete ? "all complete" : "INCOMPLETE")}");
            foreach (var m in x.Monitors.Where(m => m.Supported))
                w.WriteLine($"  {m.Name,-24} {(m.Complete ? "complete" : "not complete")}");
        }
        foreach (var f in r.FreezeFrames)
        {
            w.WriteLine();
            w.WriteLine($"Freeze frame {f.Ecu} (trigger {f.Trigger}):");
            foreach (var v2 in f.Values) w.WriteLine($"  {v2.Name,-40} {Format(v2.Value),10} {v2.Unit}");
        }
        w.WriteLine();
        w.WriteLine("Live values:");
        foreach (var v2 in r.LiveValues) w.WriteLine($"  {v2.Ecu,-8} {v2.Name,-40} {Format(v2.Value),10} {v2.Unit}");
        foreach (var warning in r.Warnings) w.WriteLine($"warning: {warning}");
        w.WriteLine();
        w.WriteLine($"{r.RequestCount} OBD requests in {r.Duration.TotalSeconds:0.00} s");
        return w.ToString();
    }
}
