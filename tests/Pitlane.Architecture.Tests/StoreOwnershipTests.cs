using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Web;

namespace Pitlane.Architecture.Tests;

/// <summary>
/// Each module owns its store: its context maps only its own entities into its own (prefixed) tables, and creates them
/// in its own migrations; the kernel's outbox, inbox and jobs are mapped by modules but migrated by the kernel alone.
/// </summary>
public sealed class StoreOwnershipTests
{
    /// <summary>Table-name prefixes per module store (Identity keeps its own AspNet* names).</summary>
    private static readonly Dictionary<string, string[]> Prefixes = new(StringComparer.Ordinal)
    {
        ["Platform"] = ["platform_"],
        ["Accounts"] = ["AspNet", "identity_", "org_"],
        ["Vehicles"] = ["vehicles"],
        ["Media"] = ["media_"],
        ["Sales"] = ["sales_"],
        ["Telemetry"] = ["telemetry_"],
        ["Diagnostics"] = ["diag_"],
        ["Payments"] = ["payments_"],
        ["Marketplace"] = ["market_"],
        ["Shop"] = ["shop_"],
        ["Estimator"] = ["estimator_"],
        ["Messaging"] = ["messaging_"],
        ["Parking"] = ["parking_"],
        ["Studio"] = ["studio_"],
        ["Inspections"] = ["inspections"],
    };

    [Fact]
    public void Every_module_store_maps_only_its_own_entities_into_its_own_tables()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pitlane:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"pitlane-arch-{Guid.NewGuid():N}"),
        }).Build();
        Assert.True(PitlaneSettings.TryRead(configuration, PitlaneHost.Modules, out var settings, out var fault), fault);
        var services = new ServiceCollection().AddLogging();
        services.AddPitlaneCore(settings, PitlaneHost.Modules);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var store in provider.GetServices<ModuleDatabase>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(store.ContextType);
            Assert.True(Prefixes.ContainsKey(store.Module), $"{store.Module}: add its table prefixes to this test and to docs/modules.md");
            // The design-time model keeps what migrations see (which tables are excluded from them).
            foreach (var entity in db.GetService<IDesignTimeModel>().Model.GetEntityTypes().Where(e => e.GetTableName() is not null))
            {
                var table = entity.GetTableName()!;
                if (entity.IsTableExcludedFromMigrations())
                {
                    Assert.StartsWith("platform_", table, StringComparison.Ordinal);
                    continue;
                }
                var assembly = entity.ClrType.Assembly;
                Assert.True(assembly == store.ContextType.Assembly || !assembly.GetName().Name!.StartsWith("Pitlane.", StringComparison.Ordinal),
                    $"{store.Module} maps {entity.ClrType.FullName} of {assembly.GetName().Name}: a module maps only its own entities.");
                Assert.True(Prefixes[store.Module].Any(p => table.StartsWith(p, StringComparison.Ordinal)),
                    $"{store.Module} owns table {table}, which lacks its prefix ({string.Join(", ", Prefixes[store.Module])}).");
                Assert.True(owners.TryAdd(table, store.Module) || owners[table] == store.Module,
                    $"Table {table} is created by both {owners.GetValueOrDefault(table)} and {store.Module}.");
            }
        }
        Assert.Equal(["Accounts", "Diagnostics", "Estimator", "Inspections", "Marketplace", "Media", "Messaging", "Parking", "Payments", "Platform", "Sales", "Shop", "Studio", "Telemetry", "Vehicles"], owners.Values.Distinct().Order(StringComparer.Ordinal));
    }
}
