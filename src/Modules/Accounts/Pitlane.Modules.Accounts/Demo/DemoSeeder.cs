using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record DemoLogin(string Email, OrganizationRole Role);

/// <summary>
/// The Accounts part of the embedded profile's demo: one shop and one user per role, created once, on an empty
/// database. The other modules' parts (vehicles, prices, the service log, the simulator's adapter) attach to the shop.
/// </summary>
public sealed class DemoSeeder(
    AccountsDbContext db,
    UserAccounts accounts,
    UserManager<PitlaneUser> users,
    IOptions<PitlaneOptions> options,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : IDemoSeed
{
    public const string OrganizationName = DemoShop.Name;

    public static readonly IReadOnlyList<DemoLogin> Logins =
    [
        new("owner@demo.pitlane.test", OrganizationRole.Owner),
        new("manager@demo.pitlane.test", OrganizationRole.Manager),
        new("advisor@demo.pitlane.test", OrganizationRole.ServiceAdvisor),
        new("tech@demo.pitlane.test", OrganizationRole.Technician),
        new("porter@demo.pitlane.test", OrganizationRole.Porter),
        new("sales@demo.pitlane.test", OrganizationRole.Salesperson),
    ];

    public int Order => 0;

    public async Task SeedAsync(DemoSeedContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Created = await SeedAsync(ct);
        context.OrganizationId = await db.Organizations.AsNoTracking()
            .Where(o => o.Name == OrganizationName && o.Kind == OrganizationKind.Shop).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>Creates the demo shop and its users; false when it exists already.</summary>
    public async Task<bool> SeedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await db.Organizations.AsNoTracking().AnyAsync(o => o.Name == OrganizationName && o.Kind == OrganizationKind.Shop, ct))
        {
            return false;
        }
        var password = options.Value.Demo.Password;
        var shop = Organization.Create(OrganizationName, OrganizationKind.Shop, now);
        db.Organizations.Add(shop);
        await db.SaveChangesAsync(ct);
        foreach (var login in Logins)
        {
            var user = await users.FindByEmailAsync(login.Email);
            if (user is null)
            {
                var name = $"Demo {login.Role}";
                var outcome = await accounts.RegisterAsync(login.Email, password, name, ct);
                user = outcome.User ?? throw new InvalidOperationException(
                    $"The demo user {login.Email} could not be created: {string.Join(' ', outcome.Errors!.SelectMany(e => e.Value))} (check Pitlane:Demo:Password).");
            }
            db.Memberships.Add(Membership.Create(shop.Id, user.Id, login.Role, now));
        }
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Seeded the demo organisation {Organization} with {Users} users", OrganizationName, Logins.Count);
        return true;
    }
}

/// <summary>The demo logins in the console greeting.</summary>
internal sealed class DemoLoginsNote(IOptions<PitlaneOptions> options) : IWelcomeNote
{
    public IEnumerable<string> Lines(string baseUrl)
    {
        if (!options.Value.SeedDemo)
        {
            yield break;
        }
        yield return $"  demo logins (password {options.Value.Demo.Password}):";
        foreach (var login in DemoSeeder.Logins)
        {
            yield return $"    {login.Role,-15} {login.Email}";
        }
    }
}
