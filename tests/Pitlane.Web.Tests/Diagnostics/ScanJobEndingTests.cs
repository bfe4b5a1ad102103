using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Diagnostics;
using Pitlane.Platform.Jobs;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>A SQLite app that runs no jobs (Pitlane:Jobs:Concurrency=0): every scan stays queued until someone cancels it.</summary>
public sealed class NoWorkerApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        Set("Pitlane:Jobs:Concurrency", "0");
        return base.InitializeAsync();
    }
}

/// <summary>A scan row ends with its job, however the job ends; who may cancel a scan's job.</summary>
public sealed class QueuedScanCancelTests(NoWorkerApp app) : KioskTestBase(app), IClassFixture<NoWorkerApp>
{
    [Fact]
    public async Task Given_queued_kiosk_scan_When_its_job_is_cancelled_Then_the_scan_is_closed_and_the_kiosk_can_start_again()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskCancel");
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var (device, _) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var __ = device;

        var started = await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var queued = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var scanId = queued.GetProperty("id").GetGuid();
        var jobId = queued.GetProperty("jobId").GetGuid();
        await ProblemAsync(await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { }, Ct), HttpStatusCode.Conflict);

        var cancelled = await shop.Client.PostAsync($"/api/v1/jobs/{jobId}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("state").GetString());

        var scan = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Contains("cancelled", scan.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.Equal("failed", (await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/scans/{scanId}", Ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_queued_code_clearing_When_its_job_is_cancelled_Then_the_clearing_says_nothing_was_cleared()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "ClearCancel");
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);

        Assert.Equal(HttpStatusCode.Accepted, (await shop.Client.PostAsync($"/api/v1/jobs/{accepted.GetProperty("jobId").GetGuid()}/cancel", null, Ct)).StatusCode);

        var clearing = (await ClearingsAsync(shop.Client, vehicleId)).Single();
        Assert.Equal("failed", clearing.GetProperty("status").GetString());
        Assert.Contains("nothing was cleared", clearing.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("porter@demo.pitlane.test")]
    [InlineData("sales@demo.pitlane.test")]
    public async Task Given_member_whose_role_may_not_scan_or_other_account_Then_cancelling_a_scan_job_is_refused_and_it_stays_queued(string email)
    {
        using var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var demo = me.GetProperty("organizations").EnumerateArray().First(o => o.GetProperty("name").GetString() == "Pitlane Demo Garage").GetProperty("id").GetGuid();
        using var shop = await App.SignedInClientAsync("owner@demo.pitlane.test", organizationId: demo);
        var adapterId = (await shop.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct))[0].GetProperty("id").GetGuid();
        var started = await shop.PostAsJsonAsync("/api/v1/scans", new { adapterId }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var queued = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var jobId = queued.GetProperty("jobId").GetGuid();

        // The wrong role of the same garage: 403 naming what it may not do.
        using var member = await App.SignedInClientAsync(email, organizationId: demo);
        var refused = await ProblemAsync(await member.PostAsync($"/api/v1/jobs/{jobId}/cancel", null, Ct), HttpStatusCode.Forbidden);
        Assert.Contains("start scans", refused.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        // The wrong account: no such job.
        var (stranger, _) = await App.NewUserAsync("Stranger");
        using var ___ = stranger;
        await ProblemAsync(await stranger.PostAsync($"/api/v1/jobs/{jobId}/cancel", null, Ct), HttpStatusCode.NotFound);

        Assert.Equal("queued", (await shop.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}", Ct)).GetProperty("state").GetString());
        Assert.Equal("queued", (await shop.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{queued.GetProperty("id").GetGuid()}", Ct)).GetProperty("status").GetString());
        // Its owner may.
        Assert.Equal(HttpStatusCode.Accepted, (await shop.PostAsync($"/api/v1/jobs/{jobId}/cancel", null, Ct)).StatusCode);
    }
}

/// <summary>Scan jobs that end without their handler: the last attempt's instance died, or the scan row outlived its job.</summary>
public sealed class AbandonedScanTests(SqliteApp app) : KioskTestBase(app), IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Given_instance_died_on_the_last_attempt_When_the_job_goes_dead_Then_the_scan_row_fails()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim, "DeadLetter");
        var adapterId = shop.AdapterId;
        Guid scanId, jobId;
        using (var scope = App.Services.CreateScope())
        {
            // What a crash leaves: the scan running, its job running on its last attempt under a lease nobody renews.
            var db = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();
            var jobs = scope.ServiceProvider.GetRequiredService<JobQueue>();
            var adapter = await db.ScanAdapters.AsNoTracking().SingleAsync(a => a.Id == adapterId, Ct);
            var now = DateTime.UtcNow;
            var scan = Scan.Create(adapter.OrganizationId, null, null, adapter, Guid.NewGuid(), now.AddMinutes(-1));
            scan.Status = ScanStatus.Running;
            scan.StartedAt = now.AddMinutes(-1);
            db.Scans.Add(scan);
            scan.JobId = jobs.Enqueue(db, adapter.OrganizationId, new ScanJob(scan.Id));
            var job = db.ChangeTracker.Entries<Job>().Single(e => e.Entity.Id == scan.JobId);
            job.Property(j => j.State).CurrentValue = JobState.Running;
            job.Property(j => j.Attempts).CurrentValue = job.Entity.MaxAttempts;
            job.Property(j => j.LeaseOwner).CurrentValue = "instance-that-died";
            job.Property(j => j.LeaseUntil).CurrentValue = now.AddSeconds(-5);
            await db.SaveChangesAsync(Ct);
            (scanId, jobId) = (scan.Id, scan.JobId);
        }

        Assert.Equal("dead", (await AwaitJobAsync(shop.Client, jobId)).GetProperty("state").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement row;
        while ((row = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)).GetProperty("status").GetString() != "failed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the scan row still says {row.GetProperty("status").GetString()} after its job went dead");
            await Task.Delay(100, Ct);
        }
        Assert.Contains("start it again", row.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_stale_running_kiosk_scan_older_than_the_longest_scan_Then_the_kiosk_can_start_a_new_one()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskStale");
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var kioskId = kiosk.GetProperty("id").GetGuid();
        var (device, _) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var __ = device;
        using (var scope = App.Services.CreateScope())
        {
            // A row whose job is gone (an instance died between the job's ending and the row's): still "running" an hour later.
            var db = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();
            var adapter = await db.ScanAdapters.AsNoTracking().SingleAsync(a => a.Id == shop.AdapterId, Ct);
            var scan = Scan.Create(adapter.OrganizationId, null, null, adapter, Guid.NewGuid(), DateTime.UtcNow.AddHours(-1), kioskId);
            scan.Status = ScanStatus.Running;
            scan.JobId = Guid.NewGuid();
            db.Scans.Add(scan);
            await db.SaveChangesAsync(Ct);
        }

        var started = await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal("completed", (await AwaitKioskScanAsync(device, scanId)).GetProperty("status").GetString());
    }
}
