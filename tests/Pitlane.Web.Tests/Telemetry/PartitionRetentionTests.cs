using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pitlane.Platform;
using Pitlane.Modules.Telemetry;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>
/// PostgreSQL retention on its own database: whole daily partitions older than the retention are rolled up into
/// per-minute rows and dropped, rows in the DEFAULT partition are rolled up and deleted, and new partitions are created
/// ahead. The store is driven with a "now" 40 days ahead, so today's partitions are the old ones.
/// </summary>
public sealed class PartitionRetentionTests(PostgresApp app) : TelemetryTestBase(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();


    [Fact]
    public async Task Given_partitions_older_than_retention_Then_rolled_up_dropped_and_new_ones_created_ahead()
    {
        var fleet = await FleetAsync();
        var t = BaseTime;
        var samples = Enumerable.Range(0, 120).Select(i => (t.AddSeconds(i), "0C", 1000.0 + i)).ToList();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("ret-1", samples))).StatusCode);
        // Older than any partition: lands in the DEFAULT partition.
        var ancient = DateTime.UtcNow.Date.AddDays(-20);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("ret-2", [(ancient, "0D", 50), (ancient.AddSeconds(10), "0D", 70)]))).StatusCode);
        Assert.Equal(122, await StoredAsync(fleet.VehicleId));

        var store = App.Services.GetRequiredService<TelemetryStore>();
        var future = DateTime.UtcNow.AddDays(40);
        var report = await store.MaintainAsync(future, new TelemetryOptions { RetentionDays = 30, PartitionDaysAhead = 2 }, CancellationToken.None);
        Assert.True(report.PartitionsDropped >= 4, $"dropped {report.PartitionsDropped}");
        Assert.Equal(4, report.PartitionsCreated);
        Assert.Equal(2, report.Deleted);
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));

        var partitions = await PartitionsAsync();
        Assert.DoesNotContain($"telemetry_samples_p{DateTime.UtcNow.Date:yyyyMMdd}", partitions);
        Assert.Contains($"telemetry_samples_p{future.Date.AddDays(2):yyyyMMdd}", partitions);
        Assert.Contains("telemetry_samples_default", partitions);

        var minutes = (await fleet.Client.GetFromJsonAsync<JsonElement>(
                $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C&from={Stamp(t)}&to={Stamp(t.AddMinutes(3))}&bucket=1m"))
            .GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(2, minutes.Count);
        Assert.Equal(60, minutes[0].GetProperty("count").GetInt64());
        Assert.Equal(1000, minutes[0].GetProperty("min").GetDouble());
        Assert.Equal(1029.5, minutes[0].GetProperty("avg").GetDouble(), 6);
        Assert.Equal(1119, minutes[1].GetProperty("max").GetDouble());
        var old = (await fleet.Client.GetFromJsonAsync<JsonElement>(
                $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0D&from={Stamp(ancient)}&to={Stamp(ancient.AddMinutes(1))}&bucket=1m"))
            .GetProperty("buckets")[0];
        Assert.Equal(60, old.GetProperty("avg").GetDouble(), 6);
        Assert.Equal(2, old.GetProperty("count").GetInt64());
    }

    private async Task<List<string>> PartitionsAsync()
    {
        var dataSource = App.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry_samples'");
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
