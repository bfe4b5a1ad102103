using System.Diagnostics;

namespace Pitlane.Reports.Tests;

/// <summary>
/// The PDF checks shell out to poppler-utils (pdftotext, pdftoppm, pdfinfo) and zbar-tools (zbarimg). A missing tool
/// skips the test with the package to install, except when PITLANE_REQUIRE_SERVERS=1 (CI), where it is a failure.
/// </summary>
public static class ToolRequirement
{
    public static bool Required => Environment.GetEnvironmentVariable("PITLANE_REQUIRE_SERVERS") == "1";

    public static void Unavailable(string reason)
    {
        if (Required)
        {
            Assert.Fail($"{reason} (PITLANE_REQUIRE_SERVERS=1: a missing tool is a failure)");
        }
        Assert.Skip(reason);
    }

    /// <summary>Skips or fails unless <paramref name="tool"/> is on PATH.</summary>
    public static void Require(string tool, string package)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        if (!path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool))))
        {
            Unavailable($"{tool} is not installed (apt-get install {package})");
        }
    }
}

/// <summary>Runs the command-line PDF tools over a rendered report in a private temporary folder.</summary>
public sealed class PdfFile : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pitlane-report-").FullName;

    public PdfFile(byte[] pdf)
    {
        Path = System.IO.Path.Combine(_directory, "report.pdf");
        File.WriteAllBytes(Path, pdf);
    }

    public string Path { get; }

    public string Text(params string[] options)
    {
        ToolRequirement.Require("pdftotext", "poppler-utils");
        return Run("pdftotext", [.. options, Path, "-"]);
    }

    public Dictionary<string, string> Info()
    {
        ToolRequirement.Require("pdfinfo", "poppler-utils");
        return Run("pdfinfo", ["-isodates", Path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());
    }

    /// <summary>Rasterises one page at 150 dpi, as a phone camera would see a printout, and decodes its QR codes.</summary>
    public string[] DecodeQrCodes(int page)
    {
        ToolRequirement.Require("pdftoppm", "poppler-utils");
        ToolRequirement.Require("zbarimg", "zbar-tools");
        var prefix = System.IO.Path.Combine(_directory, "page");
        Run("pdftoppm", ["-png", "-r", "150", "-f", $"{page}", "-l", $"{page}", "-singlefile", Path, prefix]);
        return Run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", prefix + ".png"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Run(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in 60 s");
        }
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
