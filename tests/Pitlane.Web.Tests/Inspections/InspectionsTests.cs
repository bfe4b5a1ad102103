using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Inspections;

/// <summary>
/// Inspections over HTTP on SQLite and PostgreSQL: a phone's photo and a real ffmpeg clip transcoded by a job with
/// progress, red/yellow items proposing jobs on the RO, the customer's approval link (two of three jobs approved reach
/// the RO), tampered and revoked links, wrong organisation, wrong role and malformed uploads.
/// </summary>
public abstract partial class InspectionsTests(PitlaneApp app)
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    private Guid? _shop;

    private async Task<Guid> ShopAsync()
    {
        RequireServer();
        if (_shop is { } known)
        {
            return known;
        }
        using var owner = await app.SignedInClientAsync("owner@demo.pitlane.test");
        _shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return _shop.Value;
    }

    private async Task<HttpClient> AsAsync(string role) => await app.SignedInClientAsync($"{role}@demo.pitlane.test", organizationId: await ShopAsync());

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await Json(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object? body, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Json(await client.PostAsJsonAsync(path, body ?? new { }, Ct), expected);

    private static Guid Id(JsonElement o) => o.GetProperty("id").GetGuid();

    /// <summary>A customer with a demo car and an open RO (estimate).</summary>
    private static async Task<Guid> RepairOrderAsync(HttpClient advisor, string plate = "PIT-005")
    {
        var vehicles = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles?q={plate}", Ct);
        var vehicle = Id(vehicles.GetProperty("items")[0]);
        var customer = await Post(advisor, "/api/v1/shop/customers", new { name = $"Ines Moreau {Guid.NewGuid():N}", phone = "+1 (555) 014-2020", email = "ines@example.test" },
            HttpStatusCode.Created);
        await Post(advisor, $"/api/v1/shop/customers/{Id(customer)}/vehicles", new { vehicleId = vehicle }, HttpStatusCode.Created);
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = Id(customer), vehicleId = vehicle, odometerKm = 73_900 }, HttpStatusCode.Created);
        return Id(order);
    }

    private static JsonElement Item(JsonElement inspection, string name) =>
        inspection.GetProperty("items").EnumerateArray().First(i => i.GetProperty("name").GetString() == name);

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid inspection, Guid item, byte[] bytes, string contentType, string name)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync($"/api/v1/inspections/{inspection}/items/{item}/media?name={Uri.EscapeDataString(name)}", content, Ct);
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, Guid job)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var state = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job}", Ct);
            if (state.GetProperty("state").GetString() is "succeeded" or "dead" or "cancelled")
            {
                return state;
            }
            Assert.True(DateTime.UtcNow < deadline, $"job {job} did not end: {state}");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>Three red items with jobs: front pads by measurement (2.1 mm), front left tyre by measurement (1.2 mm), the battery by rating.</summary>
    private static async Task<(Guid Inspection, JsonElement Started, Guid[] Jobs)> InspectionWithThreeJobsAsync(HttpClient tech, Guid ro)
    {
        var started = await Post(tech, "/api/v1/inspections", new { repairOrderId = ro }, HttpStatusCode.Created);
        var id = Id(started);
        var pads = await Json(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{Id(Item(started, "Front brake pads"))}",
            new { measuredValue = 2.1m, notes = "Worn close to the backing plate" }, Ct), HttpStatusCode.OK);
        Assert.Equal("red", pads.GetProperty("rating").GetString());
        Assert.Equal("red", pads.GetProperty("suggestedRating").GetString());
        var tyre = await Json(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{Id(Item(started, "Front left tyre"))}",
            new { measuredValue = 1.2m }, Ct), HttpStatusCode.OK);
        Assert.Equal("red", tyre.GetProperty("rating").GetString());
        var battery = await Json(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{Id(Item(started, "Battery and terminals"))}",
            new { rating = "yellow", notes = "Cranks slowly" }, Ct), HttpStatusCode.OK);
        var green = await Json(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{Id(Item(started, "Rear left tyre"))}",
            new { measuredValue = 6.5m }, Ct), HttpStatusCode.OK);
        Assert.Equal("green", green.GetProperty("rating").GetString());
        Assert.Equal(JsonValueKind.Null, green.GetProperty("proposedJobId").ValueKind);
        return (id, started, [pads.GetProperty("proposedJobId").GetGuid(), tyre.GetProperty("proposedJobId").GetGuid(), battery.GetProperty("proposedJobId").GetGuid()]);
    }

    [Fact]
    public async Task Given_photo_and_real_video_Then_video_is_transcoded_by_a_job_to_h264_aac_faststart_with_poster_and_preview()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var started = await Post(tech, "/api/v1/inspections", new { repairOrderId = ro }, HttpStatusCode.Created);
        Assert.Equal(16, started.GetProperty("items").GetArrayLength());
        var item = Id(Item(started, "Front brake pads"));

        var photo = await Json(await UploadAsync(tech, Id(started), item, await File.ReadAllBytesAsync(Clips.Photo(), Ct), "image/jpeg", "pads.jpg"), HttpStatusCode.Created);
        Assert.Equal("photo", photo.GetProperty("kind").GetString());
        Assert.Equal("ready", photo.GetProperty("state").GetString());
        var photoBytes = await tech.GetAsync(photo.GetProperty("url").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, photoBytes.StatusCode);
        Assert.Equal("image/jpeg", photoBytes.Content.Headers.ContentType?.MediaType);

        // An iPhone-style QuickTime file with PCM audio: not playable everywhere until transcoded.
        var upload = await UploadAsync(tech, Id(started), item, await File.ReadAllBytesAsync(Clips.Mov(3), Ct), "video/quicktime", "pads.mov");
        var video = await Json(upload, HttpStatusCode.Accepted);
        Assert.Equal("processing", video.GetProperty("state").GetString());
        var job = await WaitForJobAsync(tech, video.GetProperty("jobId").GetGuid());
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal(100, job.GetProperty("progress").GetInt32());

        var inspection = await tech.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/{Id(started)}", Ct);
        var media = Item(inspection, "Front brake pads").GetProperty("media").EnumerateArray().ToList();
        Assert.Equal(2, media.Count);
        var ready = media.Single(m => m.GetProperty("kind").GetString() == "video");
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        Assert.InRange(ready.GetProperty("durationSeconds").GetDouble(), 2.5, 3.5);

        var mp4 = await tech.GetByteArrayAsync(ready.GetProperty("url").GetString(), Ct);
        // ISO BMFF: ftyp first, and with faststart the moov box comes before mdat.
        Assert.Equal("ftyp"u8.ToArray(), mp4[4..8]);
        Assert.True(IndexOf(mp4, "moov"u8) < IndexOf(mp4, "mdat"u8), "moov must precede mdat (faststart)");
        var path = Path.Combine(Path.GetTempPath(), $"pitlane-insp-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, mp4, Ct);
        try
        {
            Assert.Equal(["video,h264", "audio,aac"], Clips.Streams(path).Select(s => string.Join(',', s.Split(',').Reverse())).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
        var poster = await tech.GetAsync(ready.GetProperty("posterUrl").GetString(), Ct);
        Assert.Equal("image/jpeg", poster.Content.Headers.ContentType?.MediaType);
        var preview = await tech.GetByteArrayAsync(ready.GetProperty("previewUrl").GetString(), Ct);
        Assert.True(preview.Length < mp4.Length, "the preview is smaller than the video");
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) is var i and >= 0 ? i : int.MaxValue;

    [Fact]
    public async Task Given_approval_link_When_customer_approves_two_of_three_jobs_Then_ro_has_them_authorised_and_the_third_declined()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var (inspection, _, jobs) = await InspectionWithThreeJobsAsync(tech, ro);
        var order = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct);
        Assert.Equal(jobs.Order(), order.GetProperty("jobs").EnumerateArray().Select(Id).Order());

        var link = await Post(advisor, $"/api/v1/inspections/{inspection}/share", new { hours = 48 });
        var url = new Uri(link.GetProperty("url").GetString()!);
        Assert.StartsWith("/i/", url.AbsolutePath, StringComparison.Ordinal);

        using var customer = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await customer.GetAsync(url.PathAndQuery, Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Replace front brake pads", html, StringComparison.Ordinal);
        Assert.Contains("Replace battery", html, StringComparison.Ordinal);
        Assert.Contains("Brake pad: 2.1 mm", html, StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl?.NoStore, "the page is never cached");

        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(html),
            [$"job-{jobs[0]}"] = "yes",
            [$"job-{jobs[1]}"] = "yes",
            [$"job-{jobs[2]}"] = "no",
            ["signedName"] = "Ines Moreau",
        };
        // Without a name nothing is applied.
        var unsigned = await customer.PostAsync(url.PathAndQuery, new FormUrlEncodedContent(form.Where(f => f.Key != "signedName")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.All((await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("jobs").EnumerateArray(),
            j => Assert.Equal("pending", j.GetProperty("status").GetString()));

        var before = DateTime.UtcNow;
        var sent = await customer.PostAsync(url.PathAndQuery, new FormUrlEncodedContent(form), Ct);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.EndsWith("?saved=3", sent.Headers.Location!.OriginalString, StringComparison.Ordinal);

        order = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct);
        var statuses = order.GetProperty("jobs").EnumerateArray().ToDictionary(Id, j => j.GetProperty("status").GetString());
        Assert.Equal("authorised", statuses[jobs[0]]);
        Assert.Equal("authorised", statuses[jobs[1]]);
        Assert.Equal("declined", statuses[jobs[2]]);

        // Live to the shop: the RO's own update (Shop) and the inspection's, to groups of this organisation only.
        var live = ((IRecordsLive)app).Live.Where(m => m.At >= before && !m.Group.StartsWith("job:", StringComparison.Ordinal)).ToList();
        Assert.Contains(live, m => m.Method == "inspectionApproval");
        Assert.Contains(live, m => m.Method != "inspectionApproval");
        var shop = await ShopAsync();
        Assert.All(live, m => Assert.Equal(shop, m.OrganizationId));

        var decisions = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/{inspection}/decisions", Ct);
        Assert.Equal(3, decisions.GetArrayLength());
        Assert.All(decisions.EnumerateArray(), d =>
        {
            Assert.Equal("Ines Moreau", d.GetProperty("signedName").GetString());
            Assert.Equal("applied", d.GetProperty("outcome").GetString());
        });
        Assert.Equal(2, decisions.EnumerateArray().Count(d => d.GetProperty("approved").GetBoolean()));
        var after = await (await customer.GetAsync(url.PathAndQuery + "?saved=3", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("id=\"saved\"", after, StringComparison.Ordinal);
    }

    private static string AntiforgeryToken(string html) =>
        AntiforgeryPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();

    [Fact]
    public async Task Given_tampered_revoked_or_superseded_link_Then_404_and_nothing_is_decided()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var (inspection, _, jobs) = await InspectionWithThreeJobsAsync(tech, ro);
        var first = new Uri((await Post(advisor, $"/api/v1/inspections/{inspection}/share", null)).GetProperty("url").GetString()!).AbsolutePath;
        using var customer = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var html = await (await customer.GetAsync(first, Ct)).Content.ReadAsStringAsync(Ct);
        var token = first["/i/".Length..];
        var tampered = "/i/" + (token[0] == 'A' ? 'B' : 'A') + token[1..];
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(tampered, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync("/i/not-a-token", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync("/i/" + new string('A', 59), Ct)).StatusCode);
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(html), [$"job-{jobs[0]}"] = "yes", ["signedName"] = "Mallory",
        };
        Assert.Equal(HttpStatusCode.NotFound, (await customer.PostAsync(tampered, new FormUrlEncodedContent(form), Ct)).StatusCode);

        // Sharing again supersedes the first link; revoking kills the second.
        var second = new Uri((await Post(advisor, $"/api/v1/inspections/{inspection}/share", null)).GetProperty("url").GetString()!).AbsolutePath;
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(first, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync(second, Ct)).StatusCode);
        await Post(advisor, $"/api/v1/inspections/{inspection}/revoke", null);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(second, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.PostAsync(second, new FormUrlEncodedContent(form), Ct)).StatusCode);

        Assert.All((await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("jobs").EnumerateArray(),
            j => Assert.Equal("pending", j.GetProperty("status").GetString()));
        Assert.Equal(0, (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/{inspection}/decisions", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task Given_other_organisation_or_wrong_role_Then_404_or_403()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var started = await Post(tech, "/api/v1/inspections", new { repairOrderId = ro }, HttpStatusCode.Created);
        var id = Id(started);
        var item = Id(Item(started, "Wiper blades"));

        var (stranger, _) = await app.NewUserAsync();
        using (stranger)
        {
            var personal = (await stranger.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations")[0].GetProperty("id").GetGuid();
            stranger.DefaultRequestHeaders.Add("X-Organization-Id", personal.ToString());
            await Problem(await stranger.GetAsync($"/api/v1/inspections/{id}", Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{item}", new { rating = "red" }, Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.PostAsJsonAsync($"/api/v1/inspections/{id}/share", new { }, Ct), HttpStatusCode.NotFound);
            await Problem(await UploadAsync(stranger, id, item, await File.ReadAllBytesAsync(Clips.Photo(), Ct), "image/jpeg", "x.jpg"), HttpStatusCode.NotFound);
            // Their own shop cannot start an inspection on our RO either.
            await Problem(await stranger.PostAsJsonAsync("/api/v1/inspections", new { repairOrderId = ro }, Ct), HttpStatusCode.BadRequest);
        }
        // Another shop's member naming our organisation is not a member: 404.
        using var intruder = app.BearerClient((await app.TokensAsync("owner@demo.pitlane.test")).AccessToken, Guid.NewGuid());
        await Problem(await intruder.GetAsync($"/api/v1/inspections/{id}", Ct), HttpStatusCode.NotFound);

        using var porter = await AsAsync("porter");
        await Problem(await porter.GetAsync($"/api/v1/inspections/{id}", Ct), HttpStatusCode.Forbidden);
        await Problem(await porter.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{item}", new { rating = "red" }, Ct), HttpStatusCode.Forbidden);
        // Technicians inspect; advisors send.
        await Problem(await tech.PostAsJsonAsync($"/api/v1/inspections/{id}/share", new { }, Ct), HttpStatusCode.Forbidden);
        await Problem(await tech.PostAsJsonAsync($"/api/v1/inspections/{id}/narration", new { }, Ct), HttpStatusCode.Forbidden);
        await Problem(await tech.PostAsJsonAsync("/api/v1/inspections/templates", new { name = "Mine", items = new[] { new { section = "A", name = "B" } } }, Ct),
            HttpStatusCode.Forbidden);
        Assert.Equal("red", (await Json(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{item}", new { rating = "red", proposeJob = false }, Ct),
            HttpStatusCode.OK)).GetProperty("rating").GetString());
    }

    [Fact]
    public async Task Given_malformed_uploads_and_input_Then_4xx_problems_and_corrupt_or_too_long_video_fails_its_job_cleanly()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var started = await Post(tech, "/api/v1/inspections", new { repairOrderId = ro }, HttpStatusCode.Created);
        var id = Id(started);
        var item = Id(Item(started, "Exhaust system"));

        await Problem(await UploadAsync(tech, id, item, [], "image/jpeg", "empty.jpg"), HttpStatusCode.BadRequest);
        await Problem(await UploadAsync(tech, id, item, "<html><script>alert(1)</script></html>"u8.ToArray(), "image/jpeg", "evil.jpg"), HttpStatusCode.UnsupportedMediaType);
        await Problem(await UploadAsync(tech, id, item, new byte[InspectionsLimits.MaxVideoBytes + 10], "video/mp4", "huge.mp4"), HttpStatusCode.RequestEntityTooLarge);
        await Problem(await UploadAsync(tech, id, Guid.NewGuid(), await File.ReadAllBytesAsync(Clips.Photo(), Ct), "image/jpeg", "x.jpg"), HttpStatusCode.NotFound);

        // A file that starts like an MP4 and then is garbage: the store takes it as video, ffmpeg cannot read it.
        var corrupt = new byte[64 * 1024];
        new Random(14).NextBytes(corrupt);
        "\0\0\0\u0020ftypisom\0\0\u0002\0isomiso2avc1mp41"u8.ToArray().CopyTo(corrupt, 0);
        var accepted = await Json(await UploadAsync(tech, id, item, corrupt, "video/mp4", "broken.mp4"), HttpStatusCode.Accepted);
        var job = await WaitForJobAsync(tech, accepted.GetProperty("jobId").GetGuid());
        Assert.Equal("dead", job.GetProperty("state").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Contains("not a video", job.GetProperty("error").GetString(), StringComparison.Ordinal);

        var tooLong = await Json(await UploadAsync(tech, id, item, await File.ReadAllBytesAsync(Clips.Video(InspectionsLimits.MaxVideoSeconds + 2, "160x120", 10), Ct),
            "video/mp4", "long.mp4"), HttpStatusCode.Accepted);
        job = await WaitForJobAsync(tech, tooLong.GetProperty("jobId").GetGuid());
        Assert.Equal("dead", job.GetProperty("state").GetString());
        Assert.Contains($"at most {InspectionsLimits.MaxVideoSeconds} seconds", job.GetProperty("error").GetString(), StringComparison.Ordinal);

        var inspection = await tech.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/{id}", Ct);
        var media = Item(inspection, "Exhaust system").GetProperty("media").EnumerateArray().ToList();
        Assert.Equal(2, media.Count);
        Assert.All(media, m => Assert.Equal("failed", m.GetProperty("state").GetString()));
        Assert.Contains(media, m => m.GetProperty("error").GetString()!.Contains("not a video", StringComparison.Ordinal));

        var rate = $"/api/v1/inspections/{id}/items/{item}";
        await Problem(await tech.PutAsJsonAsync(rate, new { rating = "purple" }, Ct), HttpStatusCode.BadRequest);
        await Problem(await tech.PutAsJsonAsync(rate, new { measuredValue = 3m }, Ct), HttpStatusCode.BadRequest);
        var tyre = Id(Item(started, "Rear right tyre"));
        await Problem(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{tyre}", new { measuredValue = 25m }, Ct), HttpStatusCode.BadRequest);
        await Problem(await tech.PutAsJsonAsync($"/api/v1/inspections/{id}/items/{tyre}", new { notes = new string('x', 1001) }, Ct), HttpStatusCode.BadRequest);
        await Problem(await tech.PostAsJsonAsync("/api/v1/inspections", new { repairOrderId = Guid.NewGuid() }, Ct), HttpStatusCode.BadRequest);
        using var manager = await AsAsync("manager");
        await Problem(await manager.PostAsJsonAsync("/api/v1/inspections/templates",
            new { name = "Tyres only", items = new[] { new { section = "Tyres", name = "Spare", measurement = "pressure" } } }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/inspections/{id}/share", new { hours = 0 }, Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_template_edited_Then_new_inspections_follow_it_and_measurements_suggest_ratings()
    {
        using var manager = await AsAsync("manager");
        var templates = await manager.GetFromJsonAsync<JsonElement>("/api/v1/inspections/templates", Ct);
        Assert.Contains(templates.EnumerateArray(), t => t.GetProperty("isDefault").GetBoolean() && t.GetProperty("items").GetArrayLength() == 16);
        var created = await Post(manager, "/api/v1/inspections/templates", new
        {
            name = $"Tyre check {Guid.NewGuid():N}",
            items = new object[]
            {
                new { section = "Tyres", name = "Spare tyre", measurement = "tread_depth", jobTitle = "Replace spare tyre", jobHours = 0.3m },
                new { section = "Brakes", name = "Pads", measurement = "brake_pad" },
            },
        }, HttpStatusCode.Created);
        var updated = await Json(await manager.PutAsJsonAsync($"/api/v1/inspections/templates/{Id(created)}", new
        {
            name = "Tyre check",
            items = new object[] { new { section = "Tyres", name = "Spare tyre", measurement = "tread_depth", jobTitle = "Replace spare tyre", jobHours = 0.3m } },
        }, Ct), HttpStatusCode.OK);
        Assert.Equal(1, updated.GetProperty("items").GetArrayLength());

        using var advisor = await AsAsync("advisor");
        var ro = await RepairOrderAsync(advisor);
        var started = await Post(manager, "/api/v1/inspections", new { repairOrderId = ro, templateId = Id(created) }, HttpStatusCode.Created);
        var spare = Item(started, "Spare tyre");
        Assert.Equal("mm", spare.GetProperty("measurement").GetProperty("unit").GetString());
        var yellow = await Json(await manager.PutAsJsonAsync($"/api/v1/inspections/{Id(started)}/items/{Id(spare)}", new { measuredValue = 2.5m }, Ct), HttpStatusCode.OK);
        Assert.Equal("yellow", yellow.GetProperty("rating").GetString());
        var order = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct);
        var job = order.GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal("Replace spare tyre", job.GetProperty("title").GetString());
        Assert.Equal(yellow.GetProperty("proposedJobId").GetGuid(), Id(job));
        // Rating it again does not propose a second job.
        await Json(await manager.PutAsJsonAsync($"/api/v1/inspections/{Id(started)}/items/{Id(spare)}", new { rating = "red" }, Ct), HttpStatusCode.OK);
        Assert.Single((await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("jobs").EnumerateArray());
        await Problem(await manager.PutAsJsonAsync($"/api/v1/inspections/templates/{Guid.NewGuid()}", new { name = "X", items = new[] { new { section = "A", name = "B" } } }, Ct),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_narration_requested_Then_espeak_speaks_the_rules_summary_and_the_audio_is_stored_as_media()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var (inspection, _, _) = await InspectionWithThreeJobsAsync(tech, ro);
        var queued = await Post(advisor, $"/api/v1/inspections/{inspection}/narration", null, HttpStatusCode.Accepted);
        var narration = queued.GetProperty("narration");
        Assert.Equal("rules", narration.GetProperty("source").GetString());
        var text = narration.GetProperty("text").GetString()!;
        Assert.Contains("2 things need attention now", text, StringComparison.Ordinal);
        Assert.Contains("Front brake pads, measured at 2.1 millimetres", text, StringComparison.Ordinal);
        Assert.Contains("One thing will need attention soon. Battery and terminals: Cranks slowly.", text, StringComparison.Ordinal);
        var job = await WaitForJobAsync(advisor, narration.GetProperty("jobId").GetGuid());
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var after = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/{inspection}", Ct);
        Assert.Equal("ready", after.GetProperty("narration").GetProperty("state").GetString());
        var audio = await advisor.GetAsync(after.GetProperty("narration").GetProperty("url").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        var bytes = await audio.Content.ReadAsByteArrayAsync(Ct);
        // MP3: an ID3v2 tag or a frame sync (11 set bits) at the start; at 64 kb/s a few seconds of speech are well under 200 KB.
        Assert.True(bytes.AsSpan().StartsWith("ID3"u8) || (bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0), "not MP3");
        Assert.InRange(bytes.Length, 10_000, 400_000);

        var own = await Post(advisor, $"/api/v1/inspections/{inspection}/narration", new { text = "Your brakes need work today." }, HttpStatusCode.Accepted);
        Assert.Equal("advisor", own.GetProperty("narration").GetProperty("source").GetString());
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/inspections/{inspection}/narration", new { text = new string('a', 4001) }, Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_share_with_send_Then_messaging_texts_the_customer_the_link_and_the_link_opens_the_inspection()
    {
        using var advisor = await AsAsync("advisor");
        using var tech = await AsAsync("tech");
        var ro = await RepairOrderAsync(advisor);
        var customer = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("customerId").GetGuid();
        var (inspection, _, _) = await InspectionWithThreeJobsAsync(tech, ro);
        // Without consent to texts nothing is sent and the advisor is told why.
        var refused = await Post(advisor, $"/api/v1/inspections/{inspection}/share", new { send = true, channel = "sms" });
        Assert.False(refused.GetProperty("messageSent").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(refused.GetProperty("messageRefused").GetString()));

        await Post(advisor, $"/api/v1/shop/customers/{customer}/consents", new { channel = "sms", given = true, source = "signed form at the counter" });
        var shared = await Post(advisor, $"/api/v1/inspections/{inspection}/share", new { send = true, channel = "sms" });
        Assert.True(shared.GetProperty("messageSent").GetBoolean(), shared.ToString());
        Assert.Equal("sms", shared.GetProperty("messageChannel").GetString());
        var url = shared.GetProperty("url").GetString()!;
        var thread = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/messaging/customers/{customer}/thread", Ct);
        var text = Assert.Single(thread.GetProperty("messages").EnumerateArray(),
            m => m.GetProperty("template").GetString() == "approval" && m.GetProperty("body").GetString()!.Contains(url, StringComparison.Ordinal));
        Assert.Equal("sms", text.GetProperty("channel").GetString());

        using var phone = app.CreateClient();
        var page = await phone.GetAsync(new Uri(url).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Front brake pads", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // The link from the refused attempt was replaced by the sent one.
        Assert.Equal(HttpStatusCode.NotFound, (await phone.GetAsync(new Uri(refused.GetProperty("url").GetString()!).PathAndQuery, Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_no_ai_gateway_Then_the_built_in_rules_suggest_jobs_and_an_accepted_one_reaches_the_ro()
    {
        using var advisor = await AsAsync("advisor");
        var ro = await RepairOrderAsync(advisor);
        var draft = await Post(advisor, "/api/v1/inspections/estimates/suggest", new { repairOrderId = ro, concern = "Car won't start in the morning, P0128 stored" });
        Assert.Equal(("rules", JsonValueKind.Null), (draft.GetProperty("source").GetString(), draft.GetProperty("fallbackReason").ValueKind));
        var suggestions = draft.GetProperty("suggestions").EnumerateArray().ToList();
        Assert.Equal(["scan P0128", "rules"], suggestions.Select(s => s.GetProperty("source").GetString()));
        var battery = suggestions[1];
        Assert.Equal("Test battery and charging system; replace battery", battery.GetProperty("title").GetString());
        var accepted = await Post(advisor, "/api/v1/inspections/estimates/accept", new
        {
            repairOrderId = ro,
            jobs = new[] { JsonSerializer.Deserialize<Dictionary<string, object?>>(battery.GetRawText())!.Append(new("edited", false)).ToDictionary() },
        });
        var job = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal(accepted.GetProperty("jobIds")[0].GetGuid(), Id(job));
        Assert.Equal(3, job.GetProperty("lines").GetArrayLength());
        Assert.Contains(job.GetProperty("lines").EnumerateArray(), l => l.GetProperty("laborCategory").GetString() == "diagnostic");
    }
}

public sealed class InspectionsTestsOnSqlite(InspectionsSqliteApp app) : InspectionsTests(app), IClassFixture<InspectionsSqliteApp>;

public sealed class InspectionsTestsOnPostgres(InspectionsPostgresApp app) : InspectionsTests(app), IClassFixture<InspectionsPostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
