using Pitlane.Platform.Retention;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>Identity (users, sign-in, tokens, sessions) and organisations with their members.</summary>
public sealed class AccountsModule : IPitlaneModule
{
    public string Name => "Accounts";

    public int Order => 0;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<AuthOptions>("Pitlane:Auth");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var auth = settings.Get<AuthOptions>();
        services.AddModuleDatabase<AccountsDbContext, SqliteAccountsDbContext, PostgresAccountsDbContext>(settings, Name, AccountsDbContext.HistoryTable);
        services.AddRetention<RefreshTokenRetention>();
        services.AddIdentityCore<PitlaneUser>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = 10;
                identity.Password.RequireDigit = true;
                identity.Password.RequireLowercase = true;
                identity.Password.RequireUppercase = true;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = auth.MaxFailedLogins;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(auth.LockoutMinutes);
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PitlaneClaimsPrincipalFactory>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<TokenService>();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<IServerSecret>(provider => provider.GetRequiredService<SigningKeyProvider>());
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<ValidatedTokens>();
        services.AddScoped<ISessionDirectory, SessionDirectory>();
        services.AddIntegrationEventHandler<SessionRevoked, SessionRevokedHandler>(EventDelivery.FanOut, "accounts.session-revoked.cache");
        services.AddScoped<OrganizationMembers>();
        services.AddSingleton<InvitationLinks>();
        services.AddScoped<Invitations>();
        services.AddScoped<OrganizationQueries>();
        services.AddScoped<IMembershipDirectory>(provider => provider.GetRequiredService<OrganizationQueries>());
        services.AddScoped<IOrganizationDirectory>(provider => provider.GetRequiredService<OrganizationQueries>());
        services.AddScoped<DemoSeeder>();
        services.AddScoped<IDemoSeed>(provider => provider.GetRequiredService<DemoSeeder>());
        services.AddSingleton<IWelcomeNote, DemoLoginsNote>();
        services.AddPitlaneAuthentication(auth);
        services.AddPerClientRateLimit(AuthEndpoints.RateLimitPolicy, auth.AuthRequestsPerMinute, "sign-in");
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapAuthEndpoints();
        routes.MapOrganizationEndpoints();
        routes.MapInvitationEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [new("Team", "/Organization", 90, AccountsPermissions.ManageMembers)];
}
