using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts;
using Pitlane.Modules.Diagnostics;
using Pitlane.Modules.Vehicles;
using Pitlane.Platform.Retention;
using Pitlane.Web.Tests.Diagnostics;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>
/// The hourly purge (issue 11 item 13): expired refresh tokens, stale VIN decodes and superseded interpretations go;
/// live tokens, fresh decodes and each scan's latest interpretation stay. On both databases.
/// </summary>
public abstract class RetentionTests(PitlaneApp app) : DiagnosticsTestBase(app)
{
    [Fact]
    public async Task Given_expired_stale_and_superseded_rows_Then_one_purge_round_deletes_only_them()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scanId = (await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId })).GetProperty("id").GetGuid();
        // Two interpretations of one scan: the first is superseded by the second.
        for (var i = 0; i < 2; i++)
        {
            Assert.True((await shop.Client.PostAsync($"/api/v1/scans/{scanId}/interpretation", null, Ct)).IsSuccessStatusCode);
        }
        var me = await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var userId = me.GetProperty("id").GetGuid();
        var now = DateTime.UtcNow;

        await using var scope = App.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var vehicles = scope.ServiceProvider.GetRequiredService<VehiclesDbContext>();
        var diagnostics = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();

        // The user's tokens: one expired two days ago, the rest live.
        await App.TokensAsync(shop.Email, "Correct-horse-9");
        var tokens = await accounts.RefreshTokens.Where(t => t.UserId == userId).Select(t => t.Id).ToListAsync(Ct);
        Assert.True(tokens.Count >= 2);
        await accounts.RefreshTokens.Where(t => t.Id == tokens[0]).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, now.AddDays(-2)), Ct);

        var staleVin = $"STALE{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        var freshVin = $"FRESH{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        vehicles.VinDecodeCache.Add(new VinDecodeCacheEntry { Vin = staleVin, Payload = "{}", FetchedAt = now.AddDays(-91) });
        vehicles.VinDecodeCache.Add(new VinDecodeCacheEntry { Vin = freshVin, Payload = "{}", FetchedAt = now.AddDays(-10) });
        await vehicles.SaveChangesAsync(Ct);

        var interpretations = await diagnostics.Interpretations.Where(i => i.ScanId == scanId).OrderBy(i => i.CreatedAt).Select(i => i.Id).ToListAsync(Ct);
        Assert.Equal(2, interpretations.Count);
        await diagnostics.Interpretations.Where(i => i.Id == interpretations[0]).ExecuteUpdateAsync(s => s.SetProperty(i => i.CreatedAt, now.AddDays(-200)), Ct);
        await diagnostics.Interpretations.Where(i => i.Id == interpretations[1]).ExecuteUpdateAsync(s => s.SetProperty(i => i.CreatedAt, now.AddDays(-150)), Ct);

        var purged = await App.Services.GetRequiredService<RetentionWorker>().RunOnceAsync(Ct);

        Assert.True(purged["expired refresh tokens"] >= 1);
        Assert.False(await accounts.RefreshTokens.AnyAsync(t => t.Id == tokens[0], Ct));
        Assert.Equal(tokens.Count - 1, await accounts.RefreshTokens.CountAsync(t => t.UserId == userId, Ct));
        Assert.False(await vehicles.VinDecodeCache.AnyAsync(c => c.Vin == staleVin, Ct));
        Assert.True(await vehicles.VinDecodeCache.AnyAsync(c => c.Vin == freshVin, Ct));
        // The latest interpretation stays however old; the one it replaced goes.
        Assert.Equal([interpretations[1]], await diagnostics.Interpretations.Where(i => i.ScanId == scanId).Select(i => i.Id).ToListAsync(Ct));
        var interpretation = await shop.Client.GetAsync($"/api/v1/scans/{scanId}/interpretation", Ct);
        Assert.Equal(HttpStatusCode.OK, interpretation.StatusCode);
    }
}

public sealed class RetentionTestsOnSqlite(SqliteApp app) : RetentionTests(app), IClassFixture<SqliteApp>;

public sealed class RetentionTestsOnPostgres(PostgresApp app) : RetentionTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
