using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Live;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Inspections;

/// <summary>Small upload and length limits, so "too large" and "too long" are cheap to reach.</summary>
public sealed class InspectionsSqliteApp : PitlaneApp, IRecordsLive
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public ConcurrentQueue<LiveMessage> Live { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        RecordingLiveChannel.Install(builder, Live);
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        InspectionsLimits.Apply(Set);
    }
}

public sealed class InspectionsPostgresApp(PostgresServer server) : PitlaneApp, IRecordsLive
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public ConcurrentQueue<LiveMessage> Live { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        RecordingLiveChannel.Install(builder, Live);
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        InspectionsLimits.Apply(Set);
        if (server.UnavailableReason is null)
        {
            Set("ConnectionStrings:Pitlane", await server.CreateDatabaseAsync("pitlane"));
        }
    }

    public void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }
}

public sealed record LiveMessage(string Group, Guid OrganizationId, string Method, DateTime At);

public interface IRecordsLive
{
    ConcurrentQueue<LiveMessage> Live { get; }
}

/// <summary>The real SignalR channel with a note of every publish, so a test can see what went live to the shop.</summary>
internal sealed class RecordingLiveChannel(ILiveChannel inner, ConcurrentQueue<LiveMessage> log) : ILiveChannel
{
    public Task PublishAsync(LiveGroup group, string method, object payload, CancellationToken ct)
    {
        log.Enqueue(new LiveMessage(group.Name, group.OrganizationId, method, DateTime.UtcNow));
        return inner.PublishAsync(group, method, payload, ct);
    }

    public static void Install(IWebHostBuilder builder, ConcurrentQueue<LiveMessage> log) => builder.ConfigureTestServices(services =>
    {
        var original = services.Last(d => d.ServiceType == typeof(ILiveChannel));
        services.Remove(original);
        services.AddSingleton<ILiveChannel>(provider => new RecordingLiveChannel(
            (ILiveChannel)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!), log));
    });
}

internal static class InspectionsLimits
{
    public const int MaxVideoBytes = 3 * 1024 * 1024;
    public const int MaxPhotoBytes = 1024 * 1024;
    public const int MaxVideoSeconds = 8;

    public static void Apply(Action<string, string?> set)
    {
        set("Pitlane:Inspections:MaxVideoBytes", MaxVideoBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        set("Pitlane:Inspections:MaxPhotoBytes", MaxPhotoBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        set("Pitlane:Inspections:MaxVideoSeconds", MaxVideoSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        set("Pitlane:Inspections:PublicRequestsPerMinute", "100000");
    }
}

/// <summary>Real clips and photos made by ffmpeg (testsrc picture, sine tone), cached per run.</summary>
internal static class Clips
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), $"pitlane-inspection-clips-{Environment.ProcessId}");

    public static string Video(int seconds, string size = "320x240", int rate = 25) =>
        Make($"clip-{seconds}s-{size}-{rate}.mp4", "-f", "lavfi", "-i", $"testsrc=duration={seconds}:size={size}:rate={rate}",
            "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest");

    /// <summary>A phone-like big file: film-grain noise on every frame, several MB a second (over Kestrel's default 1 MiB body limit).</summary>
    public static string Noisy(int seconds) =>
        Make($"noisy-{seconds}s.mp4", "-f", "lavfi", "-i", $"testsrc2=duration={seconds}:size=640x360:rate=25,noise=alls=60:allf=t",
            "-f", "lavfi", "-i", $"sine=frequency=330:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest");

    /// <summary>A QuickTime .mov as an iPhone sends (H.264 in a mov container with PCM audio).</summary>
    public static string Mov(int seconds) =>
        Make($"clip-{seconds}s.mov", "-f", "lavfi", "-i", $"testsrc=duration={seconds}:size=320x240:rate=30",
            "-f", "lavfi", "-i", $"sine=frequency=220:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "pcm_s16le", "-shortest", "-f", "mov");

    public static string Photo() =>
        Make("photo.jpg", "-f", "lavfi", "-i", "testsrc=size=640x480", "-frames:v", "1", "-q:v", "5");

    private static string Make(string name, params string[] arguments)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        if (File.Exists(path))
        {
            return path;
        }
        // Written under another name first, so a test running at the same time never reads half a file.
        var part = Path.Combine(Folder, $"part-{Guid.NewGuid():N}-{name}");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y" }.Concat(arguments).Append(part))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg could not make {name}: {errors}");
        File.Move(part, path, overwrite: true);
        return path;
    }

    /// <summary>ffprobe's view of a file: "codec_type=codec_name" per stream.</summary>
    public static string[] Streams(string path)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", path })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
