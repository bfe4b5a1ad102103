namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>
/// The built `pitlane` CLI (src/Pitlane.Cli, built first through a non-referencing project reference). Missing output
/// skips the test with the reason, except in CI, where it fails.
/// </summary>
public static class CliExecutable
{
    public static string Require()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in (string[])["Debug", "Release"])
            {
                var path = Path.Combine(dir.FullName, "src", "Pitlane.Cli", "bin", configuration, "net10.0", "pitlane.dll");
                if (File.Exists(path)) return path;
            }
        }
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            Assert.Fail("src/Pitlane.Cli has not been built (dotnet build src/Pitlane.Cli)");
        Assert.Skip("src/Pitlane.Cli has not been built; run dotnet build src/Pitlane.Cli");
        return "";
    }
}
