using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts;
using Pitlane.Platform;

[assembly: AssemblyFixture(typeof(Pitlane.Web.Tests.Infrastructure.PostgresServer))]

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>The whole app over HTTP, on a fresh database of one provider, with the demo seeded.</summary>
public abstract class PitlaneApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"pitlane-test-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    public abstract DatabaseProvider Provider { get; }

    public string DataDirectory => _dataDirectory;

    protected void Set(string key, string? value) => _settings[key] = value;

    public virtual ValueTask InitializeAsync()
    {
        Set("Pitlane:DataDirectory", _dataDirectory);
        Set("Pitlane:Database:Provider", Provider.ToString());
        Set("Pitlane:Vpic:Enabled", "false");
        Set("Pitlane:Auth:AuthRequestsPerMinute", "100000");
        Set("Pitlane:Diagnostics:PublicReportRequestsPerMinute", "100000");
        Set("Pitlane:VehicleTelemetry:IngestRequestsPerMinute", "1000000");
        Set("Pitlane:Diagnostics:DeviceRequestsPerMinute", "1000000");
        // The tests sign in as the demo people on PostgreSQL too, where the demo is off unless asked for.
        Set("Pitlane:Demo:Seed", "true");
        Set("Logging:LogLevel:Default", "Warning");
        // Live transcription windows (pocketsphinx where installed) would compete with the timing tests of live
        // feedback for the CPU; the tests that want them (CoachedSalesApp) turn them on.
        Set("Pitlane:Sales:LiveTranscriptSeconds", "0");
        return ValueTask.CompletedTask;
    }

    /// <summary>Settings go in through UseSetting so Program sees them before it builds anything.</summary>
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Testing");
    }

    public async Task<HttpClient> SignedInClientAsync(string email, string password = "Pitlane-demo-1", Guid? organizationId = null)
    {
        var tokens = await TokensAsync(email, password);
        return BearerClient(tokens.AccessToken, organizationId);
    }

    public HttpClient BearerClient(string accessToken, Guid? organizationId = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (organizationId is { } org)
        {
            client.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        }
        return client;
    }

    public async Task<TokenPair> TokensAsync(string email, string password = "Pitlane-demo-1")
    {
        using var anonymous = CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    /// <summary>A new person with their own personal organisation: the "wrong account" in authorization tests.</summary>
    public async Task<(HttpClient Client, string Email)> NewUserAsync(string name = "Stranger")
    {
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        const string password = "Correct-horse-9";
        using var anonymous = CreateClient();
        var created = await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = name });
        created.EnsureSuccessStatusCode();
        return (await SignedInClientAsync(email, password), email);
    }

    public T Service<T>() where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on a slow machine; the OS temp cleaner takes it.
        }
    }
}

public sealed class SqliteApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresApp(PostgresServer server) : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public PostgresServer Postgres => server;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // PostgreSQL is the distributed profile, where adapters may use no network until the installation allows one:
        // the tests' simulators listen on loopback.
        Set("Pitlane:Diagnostics:AllowedAdapterNetworks", "loopback");
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
