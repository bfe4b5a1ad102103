using System.Reflection;
using System.Text.RegularExpressions;
using Assembly = System.Reflection.Assembly;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Pitlane.Architecture.Tests;

/// <summary>
/// The module structure (ADR 0007): the kernel knows no module, a module knows other modules only through their
/// Contracts, the host knows no module type, and the pure engines know neither. Checked on the compiled assemblies.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly string[] Engines = ["Pitlane.Vin", "Pitlane.Obd", "Pitlane.Obd.Simulator", "Pitlane.Diagnostics", "Pitlane.Reports", "Pitlane.Ai"];

    private static readonly IReadOnlyList<Assembly> Modules = Load("Pitlane.Modules.*.dll").Where(a => !a.GetName().Name!.EndsWith(".Contracts", StringComparison.Ordinal)).ToList();
    private static readonly IReadOnlyList<Assembly> Contracts = Load("Pitlane.Modules.*.Contracts.dll").ToList();
    private static readonly Assembly Platform = Assembly.Load("Pitlane.Platform");
    private static readonly Assembly Host = Assembly.Load("Pitlane.Web");

    private static readonly ArchUnitNET.Domain.Architecture Architecture = new ArchLoader()
        .LoadAssemblies([.. Modules, .. Contracts, Platform, Host, .. Engines.Select(Assembly.Load)])
        .Build();

    private static IEnumerable<Assembly> Load(string pattern) =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, pattern).Select(f => Assembly.Load(Path.GetFileNameWithoutExtension(f)));

    public static TheoryData<string> ModuleNames => new(Modules.Select(m => m.GetName().Name!));

    [Fact]
    public void There_are_modules_and_contracts_to_check()
    {
        Assert.Contains(Modules, m => m.GetName().Name == "Pitlane.Modules.Diagnostics");
        Assert.Contains(Contracts, c => c.GetName().Name == "Pitlane.Modules.Vehicles.Contracts");
    }

    [Fact]
    public void Platform_depends_on_no_module() =>
        Types().That().ResideInAssembly(Platform).Should()
            .NotDependOnAny(Types().That().ResideInAssembly(Modules.First(), [.. Modules.Skip(1), .. Contracts]))
            .Because("the kernel is shared by every module and must not know any of them")
            .Check(Architecture);

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_reaches_other_modules_only_through_their_contracts(string module)
    {
        var self = Modules.Single(m => m.GetName().Name == module);
        var others = Modules.Where(m => m != self).ToList();
        Types().That().ResideInAssembly(self).Should()
            .NotDependOnAny(Types().That().ResideInAssembly(others[0], [.. others.Skip(1)]))
            .Because("modules talk through small public contracts (an interface or an event), never another module's internals or tables")
            .Check(Architecture);
    }

    [Fact]
    public void Contracts_depend_on_no_module() =>
        Types().That().ResideInAssembly(Contracts[0], [.. Contracts.Skip(1)]).Should()
            .NotDependOnAny(Types().That().ResideInAssembly(Modules[0], [.. Modules.Skip(1)]))
            .Because("a contract is what a module promises; it cannot lean on anyone's implementation")
            .Check(Architecture);

    [Fact]
    public void The_host_names_no_module_type() =>
        Types().That().ResideInAssembly(Host).Should()
            .NotDependOnAny(Types().That().ResideInAssembly(Modules[0], [.. Modules.Skip(1), .. Contracts]))
            .Because("the host discovers modules (ModuleCatalog) and composes them through IPitlaneModule")
            .Check(Architecture);

    [Fact]
    public void Engines_know_neither_the_platform_nor_modules() =>
        Types().That().ResideInAssembly(Assembly.Load(Engines[0]), [.. Engines.Skip(1).Select(Assembly.Load)]).Should()
            .NotDependOnAny(Types().That().ResideInAssembly(Platform, [.. Modules, .. Contracts, Host]))
            .Because("pure engines (OBD, VIN, health, reports, AI) are usable and benchmarked alone")
            .Check(Architecture);

    [Fact]
    public void Pages_use_services_never_a_database_context() =>
        Classes().That().AreAssignableTo(typeof(Microsoft.AspNetCore.Mvc.RazorPages.PageModel)).Should()
            .NotDependOnAny(Classes().That().AreAssignableTo(typeof(Microsoft.EntityFrameworkCore.DbContext)))
            .Because("pages call the module's query and command services, the same ones the API uses, so they cannot drift from it")
            .Check(Architecture);

    [Fact]
    public void Every_module_declares_one_entry_point() =>
        Assert.All(Modules, module => Assert.Single(module.GetExportedTypes(),
            t => t is { IsClass: true, IsAbstract: false } && typeof(Pitlane.Platform.Modules.IPitlaneModule).IsAssignableFrom(t)));
}

/// <summary>
/// Who may do what is defined once per permission (a <c>*Permissions</c> class of the module that owns the action):
/// no endpoint, page or service writes its own list of roles. The Accounts module, which manages roles themselves, is
/// the exception.
/// </summary>
public sealed partial class PermissionTests
{
    [Fact]
    public void Roles_are_named_only_in_permission_definitions()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var offenders = Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !Path.GetFileName(f).EndsWith("Permissions.cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"Pitlane.Modules.Accounts{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.Contains($"Pitlane.Platform{Path.DirectorySeparatorChar}Tenancy", StringComparison.Ordinal))
            .Where(f => RoleName().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(src, f))
            .ToList();
        Assert.True(offenders.Count == 0,
            $"These files name roles instead of using a Permission (define it in the module's *Permissions class): {string.Join(", ", offenders)}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pitlane.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Pitlane.slnx not found above the test's folder.");
    }

    [GeneratedRegex(@"OrganizationRole\.(Owner|Manager|ServiceAdvisor|Technician|Porter|Salesperson)\b")]
    private static partial Regex RoleName();
}
