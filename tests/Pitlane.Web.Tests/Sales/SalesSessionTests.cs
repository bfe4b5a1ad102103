using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Sales;

/// <summary>Practice sessions over HTTP on SQLite and PostgreSQL: states, uploads, reports, who may see what.</summary>
public abstract class SalesSessionTests(PitlaneApp app) : SalesTestBase(app)
{
    [Fact]
    public async Task Given_salesperson_with_vehicle_Then_session_active_with_vehicle_title_and_listed()
    {
        var d = await DealershipAsync();
        var vehicle = await Json(await d.Owner.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" }, Ct), HttpStatusCode.Created);

        var session = await StartAsync(d.Seller, new { kind = "objection", vehicleId = Id(vehicle), persona = "Retired teacher", objectionScript = "It is too expensive." });

        Assert.Equal("Active", session.GetProperty("state").GetString());
        Assert.Equal("Objection", session.GetProperty("kind").GetString());
        Assert.Contains("HONDA", session.GetProperty("vehicleTitle").GetString(), StringComparison.OrdinalIgnoreCase);
        var mine = await d.Seller.GetFromJsonAsync<JsonElement>("/api/v1/sales/sessions", Ct);
        Assert.Equal(1, mine.GetProperty("total").GetInt32());
        var others = await d.OtherSeller.GetFromJsonAsync<JsonElement>("/api/v1/sales/sessions", Ct);
        Assert.Equal(0, others.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_bad_start_requests_Then_400_and_nothing_created()
    {
        var d = await DealershipAsync();
        var (stranger, _) = await App.NewUserAsync();
        var foreignVehicle = await Json(await stranger.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1FTFW1ET3EKE12345" }, Ct), HttpStatusCode.Created);

        await ProblemAsync(await d.Seller.PostAsJsonAsync("/api/v1/sales/sessions", new { kind = "karaoke" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await d.Seller.PostAsJsonAsync("/api/v1/sales/sessions", new { kind = "pitch", vehicleId = Id(foreignVehicle) }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await d.Seller.PostAsJsonAsync("/api/v1/sales/sessions", new { kind = "pitch", persona = new string('x', 501) }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await d.Seller.GetAsync("/api/v1/sales/sessions?pageSize=0", Ct), HttpStatusCode.BadRequest);

        var mine = await d.Seller.GetFromJsonAsync<JsonElement>("/api/v1/sales/sessions", Ct);
        Assert.Equal(0, mine.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_session_Then_active_paused_active_completed_and_wrong_moves_409()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));

        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/resume", null, Ct), HttpStatusCode.Conflict);
        Assert.Equal("Paused", (await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/pause", null, Ct), HttpStatusCode.OK)).GetProperty("state").GetString());
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/pause", null, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await UploadAsync(d.Seller, id, Wav(Voice(3, -18))), HttpStatusCode.Conflict);
        Assert.Equal("Active", (await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/resume", null, Ct), HttpStatusCode.OK)).GetProperty("state").GetString());
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/complete", null, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await d.Seller.GetAsync($"/api/v1/sales/sessions/{id}/report", Ct), HttpStatusCode.Conflict);

        var upload = await Json(await UploadAsync(d.Seller, id, Wav(Voice(12, -18, pauseEvery: 4))), HttpStatusCode.OK);
        Assert.InRange(upload.GetProperty("audioSeconds").GetDouble(), 11.9, 12.1);
        var completed = await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/complete", null, Ct), HttpStatusCode.OK);
        Assert.Equal("Completed", completed.GetProperty("state").GetString());
        Assert.InRange(completed.GetProperty("score").GetInt32(), 0, 100);
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/complete", null, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await UploadAsync(d.Seller, id, Wav(Voice(3, -18))), HttpStatusCode.Conflict);

        var report = await Json(await d.Seller.GetAsync($"/api/v1/sales/sessions/{id}/report", Ct), HttpStatusCode.OK);
        var clarity = report.GetProperty("score").GetProperty("clarity");
        Assert.Equal(clarity.GetProperty("value").GetInt32(),
            (int)Math.Round(Math.Clamp(100 - clarity.GetProperty("inputs").EnumerateArray().Sum(i => i.GetProperty("penalty").GetDouble()), 0, 100)));
        Assert.True(report.GetProperty("pace").GetProperty("syllables").GetInt32() > 20);
        Assert.Equal(2, report.GetProperty("pauses").GetProperty("count").GetInt32());
        Assert.True(report.GetProperty("timeline").GetArrayLength() >= 12);
        Assert.Contains(report.GetProperty("transcript").GetProperty("status").GetString(), new[] { "Pending", "Unavailable", "Done" });
        Assert.NotEmpty(report.GetProperty("coachingNotes").EnumerateArray());

        var progress = await d.Seller.GetFromJsonAsync<JsonElement>("/api/v1/sales/sessions/progress", Ct);
        Assert.Equal(id, Assert.Single(progress.EnumerateArray()).GetProperty("sessionId").GetGuid());
    }

    [Fact]
    public async Task Given_quiet_upload_Then_too_quiet_feedback_stored_with_timestamps()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        await Json(await UploadAsync(d.Seller, id, Wav(Voice(6, -18))), HttpStatusCode.OK);

        var quiet = await Json(await UploadAsync(d.Seller, id, Wav(Voice(8, -36), rate: 16000)), HttpStatusCode.OK);

        var live = quiet.GetProperty("feedback").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "TooQuiet");
        Assert.Equal("Correction", live.GetProperty("type").GetString());
        Assert.InRange(live.GetProperty("atSeconds").GetDouble(), 6, 14);
        var stored = await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}/feedback", Ct);
        Assert.Contains(stored.EnumerateArray(), f => f.GetProperty("kind").GetString() == "TooQuiet" && f.GetProperty("severity").GetString() is "Warning" or "Critical");
    }

    [Fact]
    public async Task Given_malformed_or_hostile_uploads_Then_400_and_session_unchanged()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        var good = Wav(Voice(1, -18));
        var lying = (byte[])good.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lying.AsSpan(40), int.MaxValue);
        var noChannels = (byte[])good.Clone();
        noChannels[22] = 0;

        await ProblemAsync(await UploadAsync(d.Seller, id, lying), HttpStatusCode.BadRequest);
        await ProblemAsync(await UploadAsync(d.Seller, id, noChannels), HttpStatusCode.BadRequest);
        await ProblemAsync(await UploadAsync(d.Seller, id, good[..30]), HttpStatusCode.BadRequest);
        await ProblemAsync(await UploadAsync(d.Seller, id, []), HttpStatusCode.BadRequest);
        if (HasFfmpeg)
        {
            await ProblemAsync(await UploadAsync(d.Seller, id, "this is not audio at all, just text"u8.ToArray(), "audio/webm"), HttpStatusCode.BadRequest);
        }

        var session = await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}", Ct);
        Assert.Equal(0, session.GetProperty("audioSeconds").GetDouble());
        Assert.Empty((await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}/feedback", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Given_recording_in_a_form_Then_the_file_part_is_analysed_and_a_form_without_it_is_400()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));

        using (var noFile = new MultipartFormDataContent())
        {
            noFile.Add(new StringContent("hello"), "note");
            noFile.Add(new ByteArrayContent(Wav(Voice(2, -18))), "recording", "take.wav");
            var problem = await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/recording", noFile, Ct), HttpStatusCode.BadRequest);
            Assert.Contains("\"file\"", problem.GetProperty("detail").GetString());
        }
        var broken = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nRIFF"u8.ToArray());
        broken.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/recording", broken, Ct), HttpStatusCode.BadRequest);
        var unfinished = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nRIFF"u8.ToArray());
        unfinished.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/recording", unfinished, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(0, (await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}", Ct)).GetProperty("audioSeconds").GetDouble());

        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("first take"), "note");
        var file = new ByteArrayContent(Wav(Voice(3, -18)));
        file.Headers.ContentType = new("audio/wav");
        form.Add(file, "file", "take.wav");
        await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/recording", form, Ct), HttpStatusCode.OK);
        Assert.InRange((await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}", Ct)).GetProperty("audioSeconds").GetDouble(), 2.9, 3.1);
    }

    [Fact]
    public async Task Given_compressed_upload_Then_decoded_by_ffmpeg()
    {
        RequireFfmpeg();
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        var dir = Directory.CreateTempSubdirectory("pitlane-sales-");
        try
        {
            var wav = Path.Combine(dir.FullName, "in.wav");
            var ogg = Path.Combine(dir.FullName, "out.webm");
            await File.WriteAllBytesAsync(wav, Wav(Voice(5, -18)), Ct);
            using (var p = System.Diagnostics.Process.Start("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", "32k", ogg]))
            {
                await p.WaitForExitAsync(Ct);
                Assert.Equal(0, p.ExitCode);
            }
            var upload = await Json(await UploadAsync(d.Seller, id, await File.ReadAllBytesAsync(ogg, Ct), "audio/webm"), HttpStatusCode.OK);
            Assert.InRange(upload.GetProperty("audioSeconds").GetDouble(), 4.8, 5.2);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Given_other_organisation_or_colleague_Then_404()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        var (stranger, _) = await App.NewUserAsync();

        await ProblemAsync(await stranger.GetAsync($"/api/v1/sales/sessions/{id}", Ct), HttpStatusCode.NotFound);
        stranger.DefaultRequestHeaders.Add("X-Organization-Id", d.Org.ToString());
        await ProblemAsync(await stranger.GetAsync($"/api/v1/sales/sessions/{id}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsync($"/api/v1/sales/sessions/{id}/pause", null, Ct), HttpStatusCode.NotFound);
        // A colleague without the team view neither sees nor changes someone else's practice.
        await ProblemAsync(await d.OtherSeller.GetAsync($"/api/v1/sales/sessions/{id}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await d.OtherSeller.PostAsync($"/api/v1/sales/sessions/{id}/pause", null, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await UploadAsync(d.OtherSeller, id, Wav(Voice(1, -18))), HttpStatusCode.NotFound);
        // The manager sees it but practice stays the salesperson's own.
        Assert.Equal(HttpStatusCode.OK, (await d.Manager.GetAsync($"/api/v1/sales/sessions/{id}", Ct)).StatusCode);
        await ProblemAsync(await d.Manager.PostAsync($"/api/v1/sales/sessions/{id}/pause", null, Ct), HttpStatusCode.NotFound);
        Assert.Equal("Active", (await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}", Ct)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Given_wrong_role_Then_403_and_manager_sees_the_team()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        await Json(await UploadAsync(d.Seller, id, Wav(Voice(6, -18))), HttpStatusCode.OK);
        await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/complete", null, Ct), HttpStatusCode.OK);

        await ProblemAsync(await d.Technician.PostAsJsonAsync("/api/v1/sales/sessions", new { kind = "pitch" }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await d.Technician.GetAsync($"/api/v1/sales/sessions/{id}", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await d.Seller.GetAsync("/api/v1/sales/team", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await d.Seller.GetAsync("/api/v1/sales/team/sessions", Ct), HttpStatusCode.Forbidden);

        var team = await Json(await d.Manager.GetAsync("/api/v1/sales/team", Ct), HttpStatusCode.OK);
        var seller = Assert.Single(team.EnumerateArray());
        Assert.Equal(1, seller.GetProperty("completed").GetInt32());
        var sessions = await Json(await d.Manager.GetAsync("/api/v1/sales/team/sessions", Ct), HttpStatusCode.OK);
        Assert.Equal(1, sessions.GetProperty("total").GetInt32());
        var report = await Json(await d.Manager.GetAsync($"/api/v1/sales/sessions/{id}/report", Ct), HttpStatusCode.OK);
        Assert.True(report.GetProperty("score").GetProperty("overall").GetInt32() >= 0);
        var progress = await Json(await d.Manager.GetAsync($"/api/v1/sales/team/{seller.GetProperty("salespersonId").GetGuid()}/progress", Ct), HttpStatusCode.OK);
        Assert.Single(progress.EnumerateArray());
    }
}

public sealed class SalesSessionTestsOnSqlite(SqliteApp app) : SalesSessionTests(app), IClassFixture<SqliteApp>;

public sealed class SalesSessionTestsOnPostgres(PostgresApp app) : SalesSessionTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
