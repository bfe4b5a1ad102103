using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Studio;
using Pitlane.Platform;
using Pitlane.Web.Tests.Estimator;
using Pitlane.Web.Tests.Infrastructure;
using SkiaSharp;

namespace Pitlane.Web.Tests.Studio;

/// <summary>
/// Remote background-removal workers over HTTP: keys (shown once, stored hashed, revocable), the long-poll protocol,
/// the lease with its heartbeat, hand-back of a silent worker's photo (once), and refusal of late or foreign uploads.
/// The workers here are test clients speaking the protocol, so no model runs: the mask they upload is drawn.
/// </summary>
public abstract class StudioWorkerTests(PitlaneApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    private async Task<HttpClient> DemoAsync(string who)
    {
        RequireServer();
        return await EstimatorTests.ShopClientAsync(app, $"{who}@demo.pitlane.test");
    }

    private HttpClient WorkerClient(string key, string? instance = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Worker-Key", key);
        client.DefaultRequestHeaders.Add("X-Worker-Instance", instance ?? Guid.NewGuid().ToString("N"));
        return client;
    }

    private static async Task<(Guid Id, string Key)> RegisterAsync(HttpClient manager, string name)
    {
        var created = await EstimatorTests.Json(await manager.PostAsJsonAsync("/api/v1/studio/workers", new { name }, Ct), HttpStatusCode.Created);
        return (created.GetProperty("id").GetGuid(), created.GetProperty("key").GetString()!);
    }

    private static async Task<(Guid PhotoId, Guid JobId)> UploadAsync(HttpClient sales, Guid vehicle)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(StudioTests.CarPhoto());
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "photos", "side.jpg");
        var uploaded = await EstimatorTests.Json(await sales.PostAsync($"/api/v1/studio/vehicles/{vehicle}/photos", form, Ct), HttpStatusCode.Accepted);
        return (uploaded[0].GetProperty("id").GetGuid(), uploaded[0].GetProperty("jobId").GetGuid());
    }

    /// <summary>Long-polls until the worker is handed a photo.</summary>
    private static async Task<JsonElement> TakeAsync(HttpClient worker, int waitSeconds = 20)
    {
        var response = await worker.GetAsync($"/api/v1/studio/worker/work?waitSeconds={waitSeconds}", Ct);
        return await EstimatorTests.Json(response, HttpStatusCode.OK);
    }

    /// <summary>The mask a worker would compute: the car's body, cabin and wheels of <see cref="StudioTests.CarPhoto"/>.</summary>
    private static byte[] DrawnMask(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(new SKRect(width * 0.12f, height * 0.45f, width * 0.88f, height * 0.75f), paint);
            canvas.DrawRect(new SKRect(width * 0.3f, height * 0.28f, width * 0.68f, height * 0.46f), paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static ByteArrayContent Png(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, Guid jobId, Func<JsonElement, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await EstimatorTests.Json(await client.GetAsync($"/api/v1/jobs/{jobId}", Ct), HttpStatusCode.OK);
            if (until(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"waited 60 s for {what}: {job}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Given_worker_registration_Then_key_shown_once_stored_hashed_and_who_may_do_what_is_checked()
    {
        var manager = await DemoAsync("manager");
        var (id, key) = await RegisterAsync(manager, "GPU box");
        var listed = await EstimatorTests.Json(await manager.GetAsync("/api/v1/studio/workers", Ct), HttpStatusCode.OK);
        var mine = listed.EnumerateArray().Single(w => w.GetProperty("id").GetGuid() == id);
        Assert.False(mine.TryGetProperty("key", out _));
        Assert.False(mine.GetProperty("online").GetBoolean());
        Assert.DoesNotContain(key, listed.ToString(), StringComparison.Ordinal);

        // Only the SHA-256 of the key is stored.
        using (var scope = app.Services.CreateScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<StudioDbContext>().Workers.AsNoTracking().SingleAsync(w => w.Id == id, Ct);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), stored.KeyHash);
        }

        // Bad input 400; the salesperson may not register (403) and the technician may not even list (403).
        await EstimatorTests.Problem(await manager.PostAsJsonAsync("/api/v1/studio/workers", new { name = " " }, Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await manager.PostAsJsonAsync("/api/v1/studio/workers", new { name = new string('x', 81) }, Ct), HttpStatusCode.BadRequest);
        var sales = await DemoAsync("sales");
        await EstimatorTests.Problem(await sales.PostAsJsonAsync("/api/v1/studio/workers", new { name = "Mine" }, Ct), HttpStatusCode.Forbidden);
        await EstimatorTests.Problem(await sales.DeleteAsync($"/api/v1/studio/workers/{id}", Ct), HttpStatusCode.Forbidden);
        var tech = await DemoAsync("tech");
        await EstimatorTests.Problem(await tech.GetAsync("/api/v1/studio/workers", Ct), HttpStatusCode.Forbidden);

        // Another organisation: its own (empty) list, and this worker is not there to revoke (404).
        var (stranger, _) = await app.NewUserAsync();
        Assert.Equal(0, (await EstimatorTests.Json(await stranger.GetAsync("/api/v1/studio/workers", Ct), HttpStatusCode.OK)).GetArrayLength());
        await EstimatorTests.Problem(await stranger.DeleteAsync($"/api/v1/studio/workers/{id}", Ct), HttpStatusCode.NotFound);

        // The key works (204: nothing to do), a wrong key or none is 401, a missing process id 400.
        using var worker = WorkerClient(key);
        Assert.Equal(HttpStatusCode.NoContent, (await worker.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct)).StatusCode);
        Assert.True((await EstimatorTests.Json(await manager.GetAsync("/api/v1/studio/workers", Ct), HttpStatusCode.OK))
            .EnumerateArray().Single(w => w.GetProperty("id").GetGuid() == id).GetProperty("online").GetBoolean());
        await EstimatorTests.Problem(await worker.GetAsync("/api/v1/studio/worker/work?waitSeconds=31", Ct), HttpStatusCode.BadRequest);
        using (var wrong = WorkerClient(key[..^2] + "xx"))
        {
            await EstimatorTests.Problem(await wrong.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
        }

        using (var anonymous = app.CreateClient())
        {
            await EstimatorTests.Problem(await anonymous.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
            anonymous.DefaultRequestHeaders.Add("X-Worker-Key", key);
            await EstimatorTests.Problem(await anonymous.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct), HttpStatusCode.BadRequest);
        }

        // A person's bearer token is not a worker key.
        await EstimatorTests.Problem(await manager.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);

        // The studio page lists the workers for managers only.
        var page = await manager.GetStringAsync("/Studio", Ct);
        Assert.Contains("Background-removal workers", page, StringComparison.Ordinal);
        Assert.Contains("GPU box", page, StringComparison.Ordinal);
        Assert.DoesNotContain(key, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Background-removal workers", await sales.GetStringAsync("/Studio", Ct), StringComparison.Ordinal);

        // Revoked: refused on the next request.
        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/studio/workers/{id}", Ct)).StatusCode);
        await EstimatorTests.Problem(await worker.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Given_worker_takes_a_photo_and_goes_silent_Then_its_lease_expires_and_another_worker_finishes_it_exactly_once()
    {
        var manager = await DemoAsync("manager");
        var sales = await DemoAsync("sales");
        var vehicle = await EstimatorTests.VehicleAsync(sales);
        var (idA, keyA) = await RegisterAsync(manager, "Office PC");
        var (idB, keyB) = await RegisterAsync(manager, "GPU box");
        using var a = WorkerClient(keyA);
        using var b = WorkerClient(keyB);

        // A is alive (it polls), so the photo is offered to the workers rather than run on this server.
        Assert.Equal(HttpStatusCode.NoContent, (await a.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct)).StatusCode);
        var (photoId, jobId) = await UploadAsync(sales, vehicle);
        var task = await TakeAsync(a);
        Assert.Equal(photoId, task.GetProperty("photoId").GetGuid());
        Assert.Equal(1, task.GetProperty("attempt").GetInt32());
        Assert.Equal(3, task.GetProperty("leaseSeconds").GetInt32());
        var original = await a.GetAsync("/api/v1/studio/worker/" + task.GetProperty("photoPath").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(StudioTests.CarPhoto(), await original.Content.ReadAsByteArrayAsync(Ct));

        // Progress reaches the job live; bad progress is 400 and changes nothing.
        var progressPath = "/api/v1/studio/worker/" + task.GetProperty("progressPath").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await a.PostAsJsonAsync(progressPath, new { stage = "Finding the car", percent = 40 }, Ct)).StatusCode);
        await WaitForJobAsync(sales, jobId, j => j.GetProperty("progress").GetInt32() == 40 && j.GetProperty("message").GetString() == "Finding the car", "the worker's progress");
        await EstimatorTests.Problem(await a.PostAsJsonAsync(progressPath, new { stage = "x", percent = 101 }, Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await a.PostAsJsonAsync(progressPath, new { stage = "", percent = 50 }, Ct), HttpStatusCode.BadRequest);

        // Another worker of the shop may not touch it (409); a worker of another organisation does not see it (404).
        await EstimatorTests.Problem(await b.PostAsJsonAsync(progressPath, new { stage = "Mine now", percent = 50 }, Ct), HttpStatusCode.Conflict);
        var retaking = TakeAsync(b, 30);
        var (stranger, _) = await app.NewUserAsync();
        var (_, foreignKey) = await RegisterAsync(stranger, "Someone else's");
        using (var foreign = WorkerClient(foreignKey))
        {
            await EstimatorTests.Problem(await foreign.GetAsync("/api/v1/studio/worker/" + task.GetProperty("photoPath").GetString(), Ct), HttpStatusCode.NotFound);
            await EstimatorTests.Problem(await foreign.PostAsync("/api/v1/studio/worker/" + task.GetProperty("resultPath").GetString(), Png(DrawnMask(320, 200)), Ct), HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.NoContent, (await foreign.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct)).StatusCode);
        }

        // A goes silent (killed): B's long poll gets the photo once A's 3 s lease has run out; attempt 2.
        var retaken = await retaking;
        Assert.Equal(photoId, retaken.GetProperty("photoId").GetGuid());
        Assert.Equal(2, retaken.GetProperty("attempt").GetInt32());

        // A, back too late, is refused: no report, no result.
        await EstimatorTests.Problem(await a.PostAsJsonAsync(progressPath, new { stage = "Refining", percent = 80 }, Ct), HttpStatusCode.Conflict);
        await EstimatorTests.Problem(await a.PostAsync("/api/v1/studio/worker/" + task.GetProperty("resultPath").GetString(), Png(DrawnMask(320, 200)), Ct), HttpStatusCode.Conflict);

        // B's uploads are checked as outside bytes: not a PNG, or the wrong size, is 400 and the lease still holds.
        var resultPath = "/api/v1/studio/worker/" + retaken.GetProperty("resultPath").GetString();
        await EstimatorTests.Problem(await b.PostAsync(resultPath, Png("not a png"u8.ToArray()), Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await b.PostAsync(resultPath, Png(DrawnMask(100, 100)), Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await b.PostAsync(resultPath, Png(StudioTests.CarPhoto()), Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await b.PostAsync(resultPath + "?inferMs=-5", Png(DrawnMask(320, 200)), Ct), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await b.PostAsync(resultPath + "?decodeMs=3&inferMs=2700&refineMs=40&encodeMs=9", Png(DrawnMask(320, 200)), Ct)).StatusCode);

        var job = await WaitForJobAsync(sales, jobId, j => j.GetProperty("state").GetString() is "succeeded" or "dead", "the job to end");
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var photo = await EstimatorTests.Json(await sales.GetAsync($"/api/v1/studio/photos/{photoId}", Ct), HttpStatusCode.OK);
        Assert.Equal("ready", photo.GetProperty("status").GetString());
        Assert.Equal(2, photo.GetProperty("attempts").GetInt32());
        Assert.Equal(idB, photo.GetProperty("workerId").GetGuid());
        Assert.Contains("worker GPU box: decode 3 ms, infer 2700 ms", photo.GetProperty("timings").GetString(), StringComparison.Ordinal);
        var cutout = await sales.GetAsync($"/api/v1/studio/photos/{photoId}/cutout", Ct);
        using (var png = SKBitmap.Decode(await cutout.Content.ReadAsByteArrayAsync(Ct)))
        {
            Assert.Equal(0, png.GetPixel(3, 3).Alpha);
            Assert.Equal(255, png.GetPixel(160, 120).Alpha);
        }

        // Done once: a second upload is refused, and only B counts it.
        await EstimatorTests.Problem(await b.PostAsync(resultPath, Png(DrawnMask(320, 200)), Ct), HttpStatusCode.Conflict);
        var workers = await EstimatorTests.Json(await manager.GetAsync("/api/v1/studio/workers", Ct), HttpStatusCode.OK);
        Assert.Equal(1, workers.EnumerateArray().Single(w => w.GetProperty("id").GetGuid() == idB).GetProperty("completed").GetInt32());
        Assert.Equal(0, workers.EnumerateArray().Single(w => w.GetProperty("id").GetGuid() == idA).GetProperty("completed").GetInt32());
    }

    [Fact]
    public async Task Given_the_retry_also_goes_silent_Then_the_photo_fails_with_the_reason_instead_of_a_third_run()
    {
        var manager = await DemoAsync("manager");
        var sales = await DemoAsync("sales");
        var vehicle = await EstimatorTests.VehicleAsync(sales, "1FTFW1ET3EKE12345");
        var (_, keyA) = await RegisterAsync(manager, "Flaky one");
        var (_, keyB) = await RegisterAsync(manager, "Flaky two");
        using var a = WorkerClient(keyA);
        using var b = WorkerClient(keyB);
        Assert.Equal(HttpStatusCode.NoContent, (await a.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct)).StatusCode);
        var (photoId, jobId) = await UploadAsync(sales, vehicle);
        Assert.Equal(photoId, (await TakeAsync(a)).GetProperty("photoId").GetGuid());
        Assert.Equal(2, (await TakeAsync(b, 30)).GetProperty("attempt").GetInt32());

        var job = await WaitForJobAsync(sales, jobId, j => j.GetProperty("state").GetString() is "succeeded" or "dead", "the job to end");
        Assert.Equal("dead", job.GetProperty("state").GetString());
        // The photo follows the job's end (its end handler runs just after the job is marked dead).
        var photo = await EstimatorTests.Json(await sales.GetAsync($"/api/v1/studio/photos/{photoId}", Ct), HttpStatusCode.OK);
        for (var tries = 0; photo.GetProperty("status").GetString() == "running" && tries < 100; tries++)
        {
            await Task.Delay(100, Ct);
            photo = await EstimatorTests.Json(await sales.GetAsync($"/api/v1/studio/photos/{photoId}", Ct), HttpStatusCode.OK);
        }

        Assert.Equal("failed", photo.GetProperty("status").GetString());
        Assert.Contains("'Flaky two' went silent", photo.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("not retried again", photo.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_worker_revoked_while_holding_a_photo_Then_it_is_handed_to_another_at_once()
    {
        var manager = await DemoAsync("manager");
        var sales = await DemoAsync("sales");
        var vehicle = await EstimatorTests.VehicleAsync(sales, "JTDKB20UX93512345");
        var (idA, keyA) = await RegisterAsync(manager, "Stolen laptop");
        var (_, keyB) = await RegisterAsync(manager, "Server room");
        using var a = WorkerClient(keyA);
        using var b = WorkerClient(keyB);
        Assert.Equal(HttpStatusCode.NoContent, (await a.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct)).StatusCode);
        var (photoId, _) = await UploadAsync(sales, vehicle);
        var task = await TakeAsync(a);
        var waiting = TakeAsync(b, 10);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/studio/workers/{idA}", Ct)).StatusCode);
        var retaken = await waiting;
        Assert.Equal(photoId, retaken.GetProperty("photoId").GetGuid());
        await EstimatorTests.Problem(await a.PostAsync("/api/v1/studio/worker/" + task.GetProperty("resultPath").GetString(), Png(DrawnMask(320, 200)), Ct), HttpStatusCode.Unauthorized);
    }
}

/// <summary>A 3 s lease so a silent worker is noticed quickly.</summary>
public sealed class StudioWorkerSqliteApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        Set("Pitlane:Studio:WorkerLeaseSeconds", "3");
        return base.InitializeAsync();
    }
}

/// <inheritdoc cref="StudioWorkerSqliteApp"/>
public sealed class StudioWorkerPostgresApp(PostgresServer server) : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Studio:WorkerLeaseSeconds", "3");
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

public sealed class StudioWorkerTestsOnSqlite(StudioWorkerSqliteApp app) : StudioWorkerTests(app), IClassFixture<StudioWorkerSqliteApp>;

public sealed class StudioWorkerTestsOnPostgres(StudioWorkerPostgresApp app) : StudioWorkerTests(app), IClassFixture<StudioWorkerPostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

/// <summary>The app on a real socket with a 6 s worker lease, for the `pitlane worker` processes.</summary>
public sealed class StudioKestrelApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string BaseUrl { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        Set("Pitlane:Studio:WorkerLeaseSeconds", "6");
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
    }
}

/// <summary>
/// Real `pitlane worker` processes with the real model against the app on a real socket: the one that takes the photo is
/// killed (SIGKILL) mid-photo; after its lease the other, still waiting, runs the photo to the end, once.
/// </summary>
public sealed class StudioWorkerProcessTests(StudioKestrelApp app) : IClassFixture<StudioKestrelApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Given_two_pitlane_workers_When_the_one_with_the_photo_is_killed_Then_the_other_reruns_it_once()
    {
        var cli = CliExecutable.Require();
        Assert.SkipUnless(File.Exists(Pitlane.Imaging.StudioModelLocation.Default), "The background-removal model has not been fetched (build src/Pitlane.Imaging).");
        using var manager = await SignInAsync("manager@demo.pitlane.test");
        var vehicle = await EstimatorTests.VehicleAsync(manager);
        var (idA, keyA) = await RegisterAsync(manager, "Worker A");
        var (idB, keyB) = await RegisterAsync(manager, "Worker B");
        Dictionary<Guid, (string Key, StringBuilder Log)> workers = new()
        {
            [idA] = (keyA, new StringBuilder()),
            [idB] = (keyB, new StringBuilder()),
        };
        var processes = workers.ToDictionary(w => w.Key, w => Start(cli, w.Value.Key, w.Value.Log));
        try
        {
            foreach (var id in workers.Keys)
            {
                await WaitAsync(async () => (await Workers(manager)).Single(w => w.GetProperty("id").GetGuid() == id).GetProperty("online").GetBoolean(),
                    "the worker to come online", workers[id].Log);
            }

            var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(StudioTests.CarPhoto());
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "photos", "small.jpg");
            var uploaded = await EstimatorTests.Json(await manager.PostAsync($"/api/v1/studio/vehicles/{vehicle}/photos", form, Ct), HttpStatusCode.Accepted);
            var photoId = uploaded[0].GetProperty("id").GetGuid();
            var jobId = uploaded[0].GetProperty("jobId").GetGuid();

            // One of the two takes it and reports a stage of its own; it is killed without a word.
            var taker = Guid.Empty;
            await WaitAsync(async () =>
            {
                var photo = await Photo(manager, photoId);
                if (photo.GetProperty("workerId") is { ValueKind: JsonValueKind.String } w
                    && photo.GetProperty("stage").GetString() is "Downloading the photo" or "Reading the photo" or "Finding the car")
                {
                    taker = w.GetGuid();
                    return true;
                }

                return false;
            }, "a worker to take the photo and report", workers[idA].Log);
            var other = taker == idA ? idB : idA;
            processes[taker].Kill(entireProcessTree: true);
            await processes[taker].WaitForExitAsync(Ct);

            // After the lease (6 s here) the other worker, still waiting, gets it: attempt 2.
            JsonElement job = default;
            await WaitAsync(async () =>
            {
                job = await EstimatorTests.Json(await manager.GetAsync($"/api/v1/jobs/{jobId}", Ct), HttpStatusCode.OK);
                return job.GetProperty("state").GetString() is "succeeded" or "dead" or "cancelled";
            }, "the job to end", workers[other].Log, seconds: 240);
            var log = Text(workers[other].Log);
            Assert.True(job.GetProperty("state").GetString() == "succeeded", $"{job}; the other worker said: {log}");
            var done = await Photo(manager, photoId);
            Assert.Equal("ready", done.GetProperty("status").GetString());
            Assert.Equal(2, done.GetProperty("attempts").GetInt32());
            Assert.Equal(other, done.GetProperty("workerId").GetGuid());
            Assert.Contains($"worker Worker {(other == idA ? "A" : "B")}: decode", done.GetProperty("timings").GetString(), StringComparison.Ordinal);
            using (var png = SKBitmap.Decode(await manager.GetByteArrayAsync($"/api/v1/studio/photos/{photoId}/cutout", Ct)))
            {
                Assert.True(png.GetPixel(3, 3).Alpha < 40, $"corner alpha {png.GetPixel(3, 3).Alpha}");
                Assert.True(png.GetPixel(png.Width / 2, (int)(png.Height * 0.6)).Alpha > 200);
            }

            var listed = await Workers(manager);
            Assert.Equal(1, listed.Single(w => w.GetProperty("id").GetGuid() == other).GetProperty("completed").GetInt32());
            Assert.Equal(0, listed.Single(w => w.GetProperty("id").GetGuid() == taker).GetProperty("completed").GetInt32());
            // The server may mark the job done before the worker has printed its line about it: wait for the line.
            await WaitAsync(() => Task.FromResult(Text(workers[other].Log).Contains($"photo {photoId} (attempt 2): done 320×200", StringComparison.Ordinal)),
                "the worker to say the photo is done", workers[other].Log, seconds: 20);
            Assert.DoesNotContain(workers[other].Key, Text(workers[other].Log), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var process in processes.Values)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    [Fact]
    public async Task Given_no_key_or_a_wrong_key_Then_pitlane_worker_exits_with_a_clear_message()
    {
        var cli = CliExecutable.Require();
        var model = Pitlane.Imaging.StudioModelLocation.Default;
        Assert.SkipUnless(File.Exists(model), "The background-removal model has not been fetched (build src/Pitlane.Imaging).");
        var noKey = await RunAsync(cli, null, "worker", "--server", app.BaseUrl);
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("PITLANE_WORKER_KEY", noKey.StdErr, StringComparison.Ordinal);
        var noModel = await RunAsync(cli, "some-key", "worker", "--server", app.BaseUrl, "--model", "/nonexistent/isnet.onnx");
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("/nonexistent/isnet.onnx", noModel.StdErr, StringComparison.Ordinal);
        var wrong = await RunAsync(cli, "not-a-key", "worker", "--server", app.BaseUrl);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("refused the worker key", wrong.StdErr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string StdErr)> RunAsync(string cli, string? key, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PITLANE_WORKER_KEY");
        if (key is not null)
        {
            start.Environment["PITLANE_WORKER_KEY"] = key;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }

    private Process Start(string cli, string key, StringBuilder log)
    {
        var keyFile = Path.Combine(app.DataDirectory, $"worker-{Guid.NewGuid():N}.key");
        File.WriteAllText(keyFile, key + "\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[cli, "worker", "--server", app.BaseUrl, "--key-file", keyFile, "--threads", "1"])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PITLANE_WORKER_KEY");
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        return process;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, StringBuilder log, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                lock (log)
                {
                    Assert.Fail($"waited {seconds} s for {what}; the worker said: {log}");
                }
            }

            await Task.Delay(200, Ct);
        }
    }

    private static async Task<List<JsonElement>> Workers(HttpClient manager) =>
        (await EstimatorTests.Json(await manager.GetAsync("/api/v1/studio/workers", Ct), HttpStatusCode.OK)).EnumerateArray().ToList();

    private static async Task<JsonElement> Photo(HttpClient manager, Guid id) =>
        await EstimatorTests.Json(await manager.GetAsync($"/api/v1/studio/photos/{id}", Ct), HttpStatusCode.OK);

    private static async Task<(Guid Id, string Key)> RegisterAsync(HttpClient manager, string name)
    {
        var created = await EstimatorTests.Json(await manager.PostAsJsonAsync("/api/v1/studio/workers", new { name }, Ct), HttpStatusCode.Created);
        return (created.GetProperty("id").GetGuid(), created.GetProperty("key").GetString()!);
    }

    /// <summary>A demo person signed in over the real socket, in the demo shop.</summary>
    private async Task<HttpClient> SignInAsync(string email)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var tokens = await EstimatorTests.Json(await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Pitlane-demo-1" }, Ct), HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        client.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        return client;
    }
}
