using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Platform.Modules;

/// <summary>
/// What a module gives the host, discovered at start (<see cref="ModuleCatalog"/>): its settings, its services (its
/// store through <see cref="Persistence.DatabaseSetup.AddModuleDatabase{TContext, TSqlite, TPostgres}"/>, its job and
/// event handlers, authentication schemes, rate-limit policies, health checks, permissions), its endpoints, its pages
/// (Razor Pages compiled into the module's assembly) and its navigation entries. Adding a module touches no kernel or
/// host file: docs/modules.md.
/// </summary>
public interface IPitlaneModule
{
    /// <summary>The module's name: logs, health checks, the migration registry.</summary>
    string Name { get; }

    /// <summary>Start order: a module that another reads through its Contracts comes first (Accounts 0, Vehicles 10...).</summary>
    int Order { get; }

    /// <summary>Binds and validates the module's settings; a fault names its setting and stops the start.</summary>
    void ReadSettings(ModuleSettings settings)
    {
    }

    void AddServices(IServiceCollection services, PitlaneSettings settings);

    void MapEndpoints(IEndpointRouteBuilder routes);

    /// <summary>Middleware the module runs after authentication and authorization, before endpoints (device authentication).</summary>
    void UseMiddleware(IApplicationBuilder app)
    {
    }

    /// <summary>The module's entries in the top navigation, each shown to the roles its permission allows.</summary>
    IEnumerable<NavEntry> Navigation => [];

    /// <summary>Partial views (compiled into the module) the dashboard shows, in order, for the current organisation.</summary>
    IEnumerable<DashboardCard> DashboardCards => [];
}

/// <summary>A card on the signed-in home page: the module's partial view, e.g. "_VehiclesCard".</summary>
public sealed record DashboardCard(string PartialName, int Order);

/// <summary>
/// A link in the top navigation; <see cref="Permission"/> null means every member. Entries with the same
/// <see cref="Group"/> share one menu in the bar (placed where its first entry would be); a group the person sees only
/// one entry of is shown as that link.
/// </summary>
public sealed record NavEntry(string Title, string Href, int Order, Permission? Permission = null, string? Id = null, string? Group = null);

/// <summary>Settings a module binds from its configuration section, validated at start.</summary>
public interface IModuleOptions
{
    /// <summary>Adds one message per fault, each naming its setting (e.g. "Pitlane:Diagnostics:ScanTimeoutSeconds must...").</summary>
    void Validate(List<string> faults, PitlaneOptions platform);
}

/// <summary>What <see cref="IPitlaneModule.ReadSettings"/> binds into: the configuration and the faults found so far.</summary>
public sealed class ModuleSettings(IConfiguration configuration, PitlaneOptions platform, List<string> faults, Dictionary<Type, object> bound)
{
    public IConfiguration Configuration => configuration;

    /// <summary>Binds <paramref name="path"/> (e.g. "Pitlane:Diagnostics") into a new <typeparamref name="T"/> and validates it.</summary>
    public T Bind<T>(string path) where T : class, IModuleOptions, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(path).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the setting: "Failed to convert configuration value at 'Pitlane:Diagnostics:...'".
            faults.Add(e.Message);
            return options;
        }
        options.Validate(faults, platform);
        bound[typeof(T)] = options;
        return options;
    }
}

/// <summary>The modules of this installation: every <c>Pitlane.Modules.*</c> assembly beside the host, in start order.</summary>
public sealed class ModuleCatalog
{
    public ModuleCatalog(IEnumerable<IPitlaneModule> modules)
    {
        Modules = modules.OrderBy(m => m.Order).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        var duplicate = Modules.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two modules are named {duplicate.Key}.");
        }
        Navigation = Modules.SelectMany(m => m.Navigation).OrderBy(n => n.Order).ToList();
        DashboardCards = Modules.SelectMany(m => m.DashboardCards).OrderBy(c => c.Order).ToList();
    }

    public IReadOnlyList<IPitlaneModule> Modules { get; }

    public IReadOnlyList<NavEntry> Navigation { get; }

    public IReadOnlyList<DashboardCard> DashboardCards { get; }

    public IEnumerable<Assembly> Assemblies => Modules.Select(m => m.GetType().Assembly).Distinct();

    /// <summary>
    /// Loads <c>Pitlane.Modules.*.dll</c> (not the <c>*.Contracts</c> assemblies) from the application's folder and
    /// creates each public <see cref="IPitlaneModule"/> it declares. The host references module projects, never their types.
    /// </summary>
    public static ModuleCatalog Discover(string? directory = null)
    {
        directory ??= AppContext.BaseDirectory;
        var modules = new List<IPitlaneModule>();
        foreach (var file in Directory.EnumerateFiles(directory, "Pitlane.Modules.*.dll").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.EndsWith(".Contracts", StringComparison.Ordinal))
            {
                continue;
            }
            var assembly = Assembly.Load(new AssemblyName(name));
            modules.AddRange(assembly.GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPitlaneModule).IsAssignableFrom(t))
                .Select(t => (IPitlaneModule)Activator.CreateInstance(t)!));
        }
        if (modules.Count == 0)
        {
            throw new InvalidOperationException($"No Pitlane module was found in {directory}: the host must reference the module projects.");
        }
        return new ModuleCatalog(modules);
    }

    /// <summary>Registers every bound module setting as <c>IOptions&lt;T&gt;</c>, then each module's services.</summary>
    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(this);
        foreach (var (type, value) in settings.ModuleOptions)
        {
            var wrapper = typeof(OptionsWrapper<>).MakeGenericType(type);
            services.AddSingleton(typeof(IOptions<>).MakeGenericType(type), Activator.CreateInstance(wrapper, value)!);
            services.AddSingleton(type, value);
        }
        foreach (var module in Modules)
        {
            module.AddServices(services, settings);
        }
    }

    public void UseMiddleware(IApplicationBuilder app)
    {
        foreach (var module in Modules)
        {
            module.UseMiddleware(app);
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        foreach (var module in Modules)
        {
            module.MapEndpoints(routes);
        }
    }
}
