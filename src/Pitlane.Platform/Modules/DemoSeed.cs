namespace Pitlane.Platform.Modules;

/// <summary>
/// A module's part of the embedded profile's demo (Pitlane:Demo:Seed): run once per start in <see cref="Order"/>,
/// each part idempotent. The Accounts module's part (order 0) creates the demo shop and sets
/// <see cref="DemoSeedContext.OrganizationId"/>; the others attach their data to it.
/// </summary>
public interface IDemoSeed
{
    int Order { get; }

    Task SeedAsync(DemoSeedContext context, CancellationToken ct);
}

public sealed class DemoSeedContext
{
    /// <summary>The demo shop, once the Accounts module's part ran.</summary>
    public Guid? OrganizationId { get; set; }

    /// <summary>True when this start created the demo shop (an empty database).</summary>
    public bool Created { get; set; }
}

/// <summary>Lines a module adds to the console greeting of <c>dotnet run</c> (where to click, demo logins).</summary>
public interface IWelcomeNote
{
    IEnumerable<string> Lines(string baseUrl);
}
