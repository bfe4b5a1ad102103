using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Modules.Vehicles;

namespace Pitlane.Web.Tests;

public sealed class PlatformTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Given_running_app_Then_live_and_ready_are_200()
    {
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_openapi_Then_document_lists_the_endpoints_and_docs_ui_is_served()
    {
        using var client = app.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/vehicles/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/auth/token", out _));
        Assert.True(paths.TryGetProperty("/api/v1/vin/{vin}", out _));
        var docs = await client.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }

    [Fact]
    public async Task Given_any_response_Then_security_headers_are_set()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Given_unknown_api_path_Then_404_problem_json()
    {
        using var client = await app.SignedInClientAsync("owner@demo.pitlane.test");
        var response = await client.GetAsync("/api/v1/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Given_body_over_the_limit_Then_413_and_nothing_stored()
    {
        using var client = await app.SignedInClientAsync("owner@demo.pitlane.test");
        var huge = "{\"vin\":\"1G1ZD5ST1LF012345\",\"nickname\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var response = await client.PostAsync("/api/v1/vehicles", new StringContent(huge, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=1G1ZD5ST1LF012345");
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_signed_in_browser_without_antiforgery_token_Then_unsafe_api_call_is_refused()
    {
        using var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await browser.GetStringAsync("/Account/Login");
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "owner@demo.pitlane.test",
            ["Password"] = "Pitlane-demo-1",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(signedIn.IsSuccessStatusCode || signedIn.StatusCode == HttpStatusCode.Redirect, signedIn.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);
        var forged = await browser.PostAsJsonAsync("/api/v1/organizations", new { name = "Forged Motors" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Given_any_page_Then_the_icon_is_linked_and_served()
    {
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await anonymous.GetStringAsync("/Account/Login");
        Assert.Contains("rel=\"icon\" href=\"/favicon.svg\"", login, StringComparison.Ordinal);
        var icon = await anonymous.GetAsync("/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        var legacy = await anonymous.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.MovedPermanently, legacy.StatusCode);
        Assert.Equal("/favicon.svg", legacy.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Given_demo_profile_Then_seeded_once_with_one_user_per_role()
    {
        using var client = await app.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        var members = await client.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{shop}/members");
        var roles = members.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Order().ToList();
        Assert.Equal(["Manager", "Owner", "Porter", "Salesperson", "ServiceAdvisor", "Technician"], roles);
        var seeder = app.Service<Pitlane.Modules.Accounts.DemoSeeder>();
        Assert.False(await seeder.SeedAsync(CancellationToken.None));
    }
}

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Development", "simple")]
    [InlineData("Production", "json")]
    public async Task Given_environment_Then_console_logs_are_readable_in_development_and_json_elsewhere(string environment, string formatter)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration["Pitlane:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"pitlane-logs-{Guid.NewGuid():N}");
        Assert.True(PitlaneHost.TryReadOptions(builder.Configuration, out var settings, out var fault), fault);
        await using var app = PitlaneHost.Build(builder, settings);
        var console = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>>();
        Assert.Equal(formatter, console.CurrentValue.FormatterName);
    }

    private static (bool Ok, string? Fault) Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var ok = PitlaneHost.TryReadOptions(configuration, out _, out var fault);
        return (ok, fault);
    }

    [Fact]
    public void Given_unknown_database_provider_Then_start_fails_naming_the_setting()
    {
        var (ok, fault) = Read(("Pitlane:Database:Provider", "Oracle"));
        Assert.False(ok);
        Assert.Contains("Pitlane:Database:Provider", fault);
    }

    [Fact]
    public void Given_postgres_without_connection_string_Then_start_fails_naming_the_setting()
    {
        var (ok, fault) = Read(("Pitlane:Database:Provider", "Postgres"));
        Assert.False(ok);
        Assert.Contains("ConnectionStrings:Pitlane", fault);
    }

    [Fact]
    public void Given_short_signing_key_Then_start_fails_naming_the_setting()
    {
        var (ok, fault) = Read(("Pitlane:Auth:SigningKey", "short"));
        Assert.False(ok);
        Assert.Contains("Pitlane:Auth:SigningKey", fault);
    }

    [Fact]
    public void Given_distributed_profile_without_public_address_or_shared_signing_key_Then_start_fails_naming_both()
    {
        var (ok, fault) = Read(("Pitlane:Messaging:Provider", "RabbitMq"), ("Pitlane:Messaging:RabbitMq:Uri", "amqp://guest:guest@127.0.0.1:5672/"));
        Assert.False(ok);
        Assert.Contains("Pitlane:PublicBaseUrl", fault);
        Assert.Contains("Pitlane:Auth:SigningKey", fault);

        var (configured, none) = Read(("Pitlane:Messaging:Provider", "RabbitMq"), ("Pitlane:Messaging:RabbitMq:Uri", "amqp://guest:guest@127.0.0.1:5672/"),
            ("Pitlane:PublicBaseUrl", "https://shop.example.test"), ("Pitlane:Auth:SigningKey", new string('k', 48)));
        Assert.True(configured, none);
    }

    [Theory]
    [InlineData("Pitlane:PublicBaseUrl", "shop.example.test")]
    [InlineData("Pitlane:PublicBaseUrl", "https://shop.example.test/?x=1")]
    [InlineData("Pitlane:PublicBaseUrl", "ftp://shop.example.test")]
    [InlineData("Pitlane:Proxy:KnownProxies:0", "proxy.local")]
    [InlineData("Pitlane:Proxy:KnownNetworks:0", "10.0.0.0/33")]
    public void Given_bad_public_address_or_proxy_Then_start_fails_naming_the_setting(string key, string value)
    {
        var (ok, fault) = Read((key, value));
        Assert.False(ok);
        Assert.Contains(key.EndsWith(":0", StringComparison.Ordinal) ? key[..^2] : key, fault);
    }

    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData("Postgres", null, null, false)]
    [InlineData("Sqlite", "RabbitMq", null, false)]
    [InlineData("Postgres", null, "true", true)]
    [InlineData("Sqlite", null, "false", false)]
    public void Demo_is_seeded_only_with_the_embedded_defaults_unless_asked(string? database, string? messaging, string? seed, bool seeded)
    {
        var options = new Pitlane.Platform.PitlaneOptions();
        if (database is not null) options.Database.Provider = Enum.Parse<Pitlane.Platform.DatabaseProvider>(database);
        if (messaging is not null) options.Messaging.Provider = Enum.Parse<Pitlane.Platform.MessagingProvider>(messaging);
        if (seed is not null) options.Demo.Seed = bool.Parse(seed);
        Assert.Equal(seeded, options.SeedDemo);
    }

    [Fact]
    public void Given_defaults_Then_valid()
    {
        var (ok, fault) = Read();
        Assert.True(ok, fault);
    }
}

public sealed class MigrationTests(PostgresServer postgres)
{
    /// <summary>The app's own registrations for a provider: every module store of the registry, as start-up and `pitlane migrate` see them.</summary>
    internal static ServiceProvider Stores(DatabaseProvider provider, string? connectionString = null, string? dataDirectory = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pitlane:Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Pitlane"] = connectionString ?? (provider == DatabaseProvider.Postgres ? "Host=127.0.0.1;Database=none" : null),
            ["Pitlane:DataDirectory"] = dataDirectory ?? Path.Combine(Path.GetTempPath(), $"pitlane-stores-{Guid.NewGuid():N}"),
        }).Build();
        Assert.True(PitlaneSettings.TryRead(configuration, PitlaneHost.Modules, out var settings, out var fault), fault);
        var services = new ServiceCollection().AddLogging();
        services.AddPitlaneCore(settings, PitlaneHost.Modules);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void Given_model_Then_no_module_store_has_pending_changes(DatabaseProvider provider)
    {
        using var services = Stores(provider);
        using var scope = services.CreateScope();
        var stores = services.GetServices<ModuleDatabase>().ToList();
        Assert.Equal(["Platform", "Accounts", "Media", "Vehicles", "Telemetry", "Diagnostics", "Payments", "Shop", "Messaging", "Inspections", "Estimator", "Marketplace", "Sales", "Parking", "Studio"], stores.Select(s => s.Module));
        foreach (var store in stores)
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(store.ContextType);
            Assert.False(db.Database.HasPendingModelChanges(),
                $"The {store.Module} model has changes no {provider} migration covers: add a migration (tools/Pitlane.DesignTime/README.md).");
            Assert.NotEmpty(db.Database.GetMigrations());
        }
    }

    [Fact]
    public async Task Given_empty_Postgres_database_Then_migrations_apply_and_reapply_as_no_op()
    {
        if (postgres.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        var connection = await postgres.CreateDatabaseAsync("migrate");
        await using var services = Stores(DatabaseProvider.Postgres, connection);
        await DatabaseSetup.MigrateAllAsync(services, CancellationToken.None);
        Assert.All(await DatabaseSetup.ListAsync(services, CancellationToken.None), m => Assert.True(m.Applied, $"{m.Module}: {m.Migration} pending"));
        await DatabaseSetup.MigrateAllAsync(services, CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<VehiclesDbContext>().Vehicles.CountAsync());
    }
}

/// <summary>Remembered access tokens: found until the token's own expiry, never after, never when already expired.</summary>
public sealed class ValidatedTokensTests
{
    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Given_remembered_token_Then_it_is_found_until_it_expires_and_not_after()
    {
        var clock = new Clock(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        using var tokens = new Pitlane.Modules.Accounts.ValidatedTokens(clock);
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", "x")], "test"));
        var session = Guid.NewGuid();
        tokens.Remember("token-1", principal, session, clock.Now.UtcDateTime.AddMinutes(15));

        var known = tokens.Find("token-1");
        Assert.NotNull(known);
        Assert.Same(principal, known.Principal);
        Assert.Equal(session, known.Session);
        Assert.Null(tokens.Find("token-2"));

        clock.Now = clock.Now.AddMinutes(15);
        Assert.Null(tokens.Find("token-1"));

        tokens.Remember("already-expired", principal, session, clock.Now.UtcDateTime.AddSeconds(-1));
        Assert.Null(tokens.Find("already-expired"));
    }
}
