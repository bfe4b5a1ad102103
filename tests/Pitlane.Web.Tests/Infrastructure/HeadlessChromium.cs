using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium under chromedriver with its own throw-away profile; a missing browser is "server missing"
/// (a failure in CI). Dispose quits the browser and removes the profile.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"pitlane-chromium-{Guid.NewGuid():N}");
    private ChromeDriver? _driver;

    /// <summary>
    /// Starts the browser (once) at the given window size; with <paramref name="consoleLog"/> the console is readable;
    /// <paramref name="arguments"/> are added to Chromium's command line (e.g. a fake microphone).
    /// </summary>
    public ChromeDriver Start(int width = 1280, int height = 900, bool consoleLog = false, params string[] arguments)
    {
        if (_driver is not null)
        {
            return _driver;
        }
        var chromium = ChromiumPaths.FirstOrDefault(File.Exists);
        if (chromium is null || !File.Exists(ChromeDriverPath))
        {
            ServerRequirement.Unavailable("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver).");
        }
        var options = new ChromeOptions { BinaryLocation = chromium };
        if (consoleLog)
        {
            options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        }
        // The closed network here: no background services, sync or component updates, or Chromium stalls on them.
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", $"--user-data-dir={_profile}", $"--window-size={width},{height}");
        options.AddArguments(arguments);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return _driver;
    }

    public void Dispose()
    {
        _driver?.Quit();
        _driver?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits (or never created it); the temp cleaner takes it.
        }
    }
}
