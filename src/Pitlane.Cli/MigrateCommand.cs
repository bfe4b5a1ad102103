using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Modules;

namespace Pitlane.Cli;

/// <summary>
/// <c>pitlane migrate</c>: applies pending database migrations, for production deploys where the app runs with
/// Pitlane:Database:MigrateOnStart=false. Reads the same settings as the app (appsettings.json in the working
/// directory, then environment variables such as Pitlane__Database__Provider and ConnectionStrings__Pitlane).
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var provider = new Option<string?>("--provider") { Description = "Sqlite or Postgres (default: from configuration)." };
        var connection = new Option<string?>("--connection") { Description = "Connection string (default: ConnectionStrings:Pitlane)." };
        var dataDirectory = new Option<string?>("--data-directory") { Description = "Data directory of the embedded profile (default: Pitlane:DataDirectory)." };
        var list = new Option<bool>("--list") { Description = "Only list applied and pending migrations." };
        var command = new Command("migrate", "Apply pending database migrations.") { provider, connection, dataDirectory, list };
        command.SetAction(async (parse, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(provider) is { } p)
            {
                overrides["Pitlane:Database:Provider"] = p;
            }
            if (parse.GetValue(connection) is { } c)
            {
                overrides["ConnectionStrings:Pitlane"] = c;
            }
            if (parse.GetValue(dataDirectory) is { } d)
            {
                overrides["Pitlane:DataDirectory"] = d;
            }
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
                .AddEnvironmentVariables()
                .AddInMemoryCollection(overrides)
                .Build();
            var modules = ModuleCatalog.Discover();
            if (!PitlaneSettings.TryRead(configuration, modules, out var settings, out var fault))
            {
                await Console.Error.WriteLineAsync($"pitlane migrate: {fault}");
                return 2;
            }
            // The same registrations as the app, so every module's store (and only what it registered) is migrated.
            var collection = new ServiceCollection().AddLogging();
            collection.AddPitlaneCore(settings, modules);
            await using var services = collection.BuildServiceProvider();
            try
            {
                var migrations = await DatabaseSetup.ListAsync(services, ct);
                if (parse.GetValue(list))
                {
                    foreach (var (module, migration, applied) in migrations)
                    {
                        Console.WriteLine($"{(applied ? "applied" : "pending")}  {module.ToLowerInvariant()}: {migration}");
                    }
                    return 0;
                }
                var pending = migrations.Where(m => !m.Applied).Select(m => $"{m.Module.ToLowerInvariant()}: {m.Migration}").ToList();
                await DatabaseSetup.MigrateAllAsync(services, ct);
                Console.WriteLine(pending.Count == 0
                    ? $"The {settings.Options.Database.Provider} database is up to date."
                    : $"Applied {pending.Count} migration(s) to the {settings.Options.Database.Provider} database: {string.Join(", ", pending)}");
                return 0;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                await Console.Error.WriteLineAsync($"pitlane migrate: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
