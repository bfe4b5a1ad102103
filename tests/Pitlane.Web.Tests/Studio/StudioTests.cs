using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Modules.Studio;
using Pitlane.Web.Tests.Estimator;
using Pitlane.Web.Tests.Infrastructure;
using SkiaSharp;

namespace Pitlane.Web.Tests.Studio;

/// <summary>The listing studio over HTTP: photos through a real background-removal job, backdrops, content and its guardrail, and who may do what.</summary>
public abstract class StudioTests(PitlaneApp app)
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

    /// <summary>A small car-like scene: a red body with a cabin and wheels on a grey wall.</summary>
    internal static byte[] CarPhoto(int width = 320, int height = 200)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(200, 205, 210));
            using var paint = new SKPaint { IsAntialias = true, Color = new SKColor(190, 30, 40) };
            canvas.DrawRoundRect(new SKRect(width * 0.12f, height * 0.45f, width * 0.88f, height * 0.75f), 10, 10, paint);
            canvas.DrawRect(new SKRect(width * 0.3f, height * 0.28f, width * 0.68f, height * 0.46f), paint);
            paint.Color = new SKColor(20, 20, 24);
            canvas.DrawCircle(width * 0.28f, height * 0.76f, height * 0.1f, paint);
            canvas.DrawCircle(width * 0.72f, height * 0.76f, height * 0.1f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static MultipartFormDataContent Form(params (string Name, byte[] Bytes, string Type)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "photos", name);
        }

        return form;
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, Guid jobId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var sawProgress = false;
        while (DateTime.UtcNow < deadline)
        {
            var job = await EstimatorTests.Json(await client.GetAsync($"/api/v1/jobs/{jobId}", Ct), HttpStatusCode.OK);
            var state = job.GetProperty("state").GetString();
            sawProgress |= job.GetProperty("progress").GetInt32() is > 0 and < 100;
            if (state is "succeeded" or "dead" or "cancelled")
            {
                return job;
            }

            await Task.Delay(250, Ct);
        }

        throw new TimeoutException($"job {jobId} did not end in 5 minutes");
    }

    [Fact]
    public async Task Given_photo_upload_Then_job_removes_background_and_backdrop_changes_render_without_resegmenting()
    {
        var sales = await DemoAsync("sales");
        var vehicle = await EstimatorTests.VehicleAsync(sales);
        var uploaded = await EstimatorTests.Json(await sales.PostAsync($"/api/v1/studio/vehicles/{vehicle}/photos", Form(("front.jpg", CarPhoto(), "image/jpeg")), Ct), HttpStatusCode.Accepted);
        var photo = uploaded[0];
        var photoId = photo.GetProperty("id").GetGuid();
        var jobId = photo.GetProperty("jobId").GetGuid();

        var job = await WaitForJobAsync(sales, jobId);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal(100, job.GetProperty("progress").GetInt32());

        var ready = await EstimatorTests.Json(await sales.GetAsync($"/api/v1/studio/photos/{photoId}", Ct), HttpStatusCode.OK);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Contains("infer", ready.GetProperty("timings").GetString());

        // The cut-out is a PNG whose corners (wall) are transparent and whose centre (the car) is opaque.
        var cutout = await sales.GetAsync($"/api/v1/studio/photos/{photoId}/cutout", Ct);
        Assert.Equal("image/png", cutout.Content.Headers.ContentType?.MediaType);
        using (var png = SKBitmap.Decode(await cutout.Content.ReadAsByteArrayAsync(Ct)))
        {
            Assert.True(png.GetPixel(3, 3).Alpha < 40, $"corner alpha {png.GetPixel(3, 3).Alpha}");
            Assert.True(png.GetPixel(png.Width / 2, (int)(png.Height * 0.6)).Alpha > 200);
        }

        // Another backdrop: rendered from the stored mask, no new job.
        await EstimatorTests.Json(await sales.PutAsJsonAsync($"/api/v1/studio/photos/{photoId}/backdrop", new { kind = "Gradient", top = "#203040", bottom = "#a0b0c0" }, Ct), HttpStatusCode.OK);
        var render = await sales.GetAsync($"/api/v1/studio/photos/{photoId}/render?size=640x480&format=webp", Ct);
        Assert.Equal(HttpStatusCode.OK, render.StatusCode);
        Assert.Equal("image/webp", render.Content.Headers.ContentType?.MediaType);
        using (var webp = SKBitmap.Decode(await render.Content.ReadAsByteArrayAsync(Ct)))
        {
            Assert.Equal((640, 480), (webp.Width, webp.Height));
        }

        var after = await EstimatorTests.Json(await sales.GetAsync($"/api/v1/studio/photos/{photoId}", Ct), HttpStatusCode.OK);
        Assert.Equal(jobId, after.GetProperty("jobId").GetGuid());
        Assert.Equal(ready.GetProperty("timings").GetString(), after.GetProperty("timings").GetString());
        Assert.Equal("Gradient", after.GetProperty("backdrop").GetProperty("kind").GetString());

        // The page shows the before/after pair.
        var page = await sales.GetStringAsync($"/Studio/Vehicle/{vehicle}", Ct);
        Assert.Contains($"photo={photoId}&amp;kind=original", page);
        Assert.Contains($"photo={photoId}&amp;kind=render", page);
        var image = await sales.GetAsync($"/Studio/Vehicle/{vehicle}?handler=Image&photo={photoId}&kind=render&size=300x200", Ct);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Given_bad_uploads_Then_4xx_problem_and_nothing_stored()
    {
        var sales = await DemoAsync("sales");
        var vehicle = await EstimatorTests.VehicleAsync(sales, "1FTFW1ET3EKE12345");
        var url = $"/api/v1/studio/vehicles/{vehicle}/photos";
        var bomb = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAA6mAAAOpgCAYAAAA=");

        await EstimatorTests.Problem(await sales.PostAsync(url, Form(("notes.txt", "just text"u8.ToArray(), "image/jpeg")), Ct), HttpStatusCode.UnsupportedMediaType);
        await EstimatorTests.Problem(await sales.PostAsync(url, Form(("empty.jpg", [], "image/jpeg")), Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await sales.PostAsync(url, Form(("bomb.png", bomb, "image/png")), Ct), HttpStatusCode.UnsupportedMediaType);
        var truncated = CarPhoto()[..200];
        await EstimatorTests.Problem(await sales.PostAsync(url, Form(("good.jpg", CarPhoto(), "image/jpeg"), ("cut.jpg", truncated, "image/jpeg")), Ct), HttpStatusCode.UnsupportedMediaType);
        await EstimatorTests.Problem(await sales.PostAsync(url, new MultipartFormDataContent(), Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await sales.PostAsJsonAsync(url, new { photos = "x" }, Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await sales.PutAsJsonAsync($"/api/v1/studio/photos/{Guid.NewGuid()}/backdrop", new { kind = "Plaid" }, Ct), HttpStatusCode.BadRequest);

        var list = await EstimatorTests.Json(await sales.GetAsync(url, Ct), HttpStatusCode.OK);
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task Given_wrong_organisation_or_role_Then_404_or_403()
    {
        var sales = await DemoAsync("sales");
        var vehicle = await EstimatorTests.VehicleAsync(sales, "JTDKB20UX93512345");
        var stranger = await app.NewUserAsync();
        await EstimatorTests.Problem(await stranger.Client.PostAsync($"/api/v1/studio/vehicles/{vehicle}/photos", Form(("a.jpg", CarPhoto(), "image/jpeg")), Ct), HttpStatusCode.NotFound);
        await EstimatorTests.Problem(await stranger.Client.GetAsync($"/api/v1/studio/vehicles/{vehicle}/photos", Ct), HttpStatusCode.NotFound);

        var project = await EstimatorTests.Json(await sales.PostAsJsonAsync("/api/v1/studio/projects", new { vehicleId = vehicle, priceMinor = 1_899_500, currency = "USD" }, Ct), HttpStatusCode.Created);
        var projectId = project.GetProperty("id").GetGuid();
        await EstimatorTests.Problem(await stranger.Client.GetAsync($"/api/v1/studio/projects/{projectId}", Ct), HttpStatusCode.NotFound);
        await EstimatorTests.Problem(await stranger.Client.PostAsJsonAsync("/api/v1/studio/projects", new { vehicleId = vehicle, priceMinor = 100 }, Ct), HttpStatusCode.NotFound);

        var tech = await DemoAsync("tech");
        await EstimatorTests.Problem(await tech.GetAsync($"/api/v1/studio/vehicles/{vehicle}/photos", Ct), HttpStatusCode.Forbidden);
        var advisor = await DemoAsync("advisor");
        await EstimatorTests.Json(await advisor.GetAsync($"/api/v1/studio/vehicles/{vehicle}/photos", Ct), HttpStatusCode.OK);
        await EstimatorTests.Problem(await advisor.PostAsync($"/api/v1/studio/vehicles/{vehicle}/photos", Form(("a.jpg", CarPhoto(), "image/jpeg")), Ct), HttpStatusCode.Forbidden);
        await EstimatorTests.Json(await sales.PostAsync($"/api/v1/studio/projects/{projectId}/submit", null, Ct), HttpStatusCode.OK);
        await EstimatorTests.Problem(await sales.PostAsJsonAsync($"/api/v1/studio/projects/{projectId}/publish", new { acknowledgeFlags = true }, Ct), HttpStatusCode.Forbidden);
        Assert.Contains("may not see listing photos", await tech.GetStringAsync("/Studio", Ct));
    }

    [Fact]
    public async Task Given_content_for_each_platform_Then_limits_hold_and_a_payment_without_disclosure_blocks_publishing()
    {
        var sales = await DemoAsync("sales");
        var manager = await DemoAsync("manager");
        var vehicle = await EstimatorTests.VehicleAsync(sales, "5YJ3E1EA2KF317000");
        var project = await EstimatorTests.Json(await sales.PostAsJsonAsync("/api/v1/studio/projects", new
        {
            vehicleId = vehicle, priceMinor = 2_849_900, currency = "USD", tone = "enthusiast", audience = "commuters",
            highlights = new[] { "Autopilot", "Glass roof", "One owner", "Heated seats" },
        }, Ct), HttpStatusCode.Created);
        var id = project.GetProperty("id").GetGuid();
        var pieces = project.GetProperty("pieces").EnumerateArray().ToList();
        Assert.Equal(["facebook", "instagram", "x", "reels", "email", "flyer", "website"], pieces.Select(p => p.GetProperty("platform").GetString()));
        Assert.All(pieces, p =>
        {
            Assert.True(p.GetProperty("characters").GetInt32() <= p.GetProperty("maxCharacters").GetInt32());
            Assert.Equal(0, p.GetProperty("formProblems").GetArrayLength());
            Assert.Contains("$28,499", p.GetProperty("text").GetString());
        });
        Assert.True(pieces.Single(p => p.GetProperty("platform").GetString() == "x").GetProperty("characters").GetInt32() <= 280);
        Assert.Equal(0, project.GetProperty("violations").GetArrayLength());

        // A payment amount (a Regulation Z triggering term) with no APR or repayment terms.
        var text = "Drive it home for $399/mo! Price $28,499. #Tesla";
        await EstimatorTests.Json(await sales.PutAsJsonAsync($"/api/v1/studio/projects/{id}/pieces/x", new { text }, Ct), HttpStatusCode.OK);
        await EstimatorTests.Problem(await sales.PutAsJsonAsync($"/api/v1/studio/projects/{id}/pieces/x", new { text = new string('a', 281) }, Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Json(await sales.PostAsync($"/api/v1/studio/projects/{id}/submit", null, Ct), HttpStatusCode.OK);
        var blocked = await manager.PostAsJsonAsync($"/api/v1/studio/projects/{id}/publish", new { acknowledgeFlags = true }, Ct);
        var problem = await EstimatorTests.Json(blocked, (HttpStatusCode)422);
        var violation = problem.GetProperty("violations").EnumerateArray().Single();
        Assert.Equal("12 CFR 1026.24(d)", violation.GetProperty("citation").GetString());
        Assert.Contains("annual percentage rate", violation.GetProperty("message").GetString());
        Assert.Equal("review", (await EstimatorTests.Json(await manager.GetAsync($"/api/v1/studio/projects/{id}", Ct), HttpStatusCode.OK)).GetProperty("status").GetString());

        // Back to draft, the full disclosure written in, then it publishes.
        await EstimatorTests.Json(await manager.PostAsync($"/api/v1/studio/projects/{id}/return", null, Ct), HttpStatusCode.OK);
        var disclosed = "$28,499. $399/mo for 72 months, $2,000 down, 6.9% APR, OAC. #Tesla";
        await EstimatorTests.Json(await sales.PutAsJsonAsync($"/api/v1/studio/projects/{id}/pieces/x", new { text = disclosed }, Ct), HttpStatusCode.OK);
        await EstimatorTests.Json(await sales.PostAsync($"/api/v1/studio/projects/{id}/submit", null, Ct), HttpStatusCode.OK);
        var published = await EstimatorTests.Json(await manager.PostAsJsonAsync($"/api/v1/studio/projects/{id}/publish", new { acknowledgeFlags = false }, Ct), HttpStatusCode.OK);
        Assert.Equal("published", published.GetProperty("status").GetString());
        await EstimatorTests.Problem(await sales.PutAsJsonAsync($"/api/v1/studio/projects/{id}/pieces/x", new { text = "changed" }, Ct), HttpStatusCode.Conflict);
    }
}

public sealed class StudioTestsOnSqlite(SqliteApp app) : StudioTests(app), IClassFixture<SqliteApp>;

public sealed class StudioTestsOnPostgres(PostgresApp app) : StudioTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
