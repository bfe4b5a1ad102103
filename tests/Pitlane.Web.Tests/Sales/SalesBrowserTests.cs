using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Sales;

/// <summary>
/// A salesperson practises in headless Chromium with a fake microphone that plays an espeak-ng pitch (Chromium's
/// --use-file-for-fake-audio-capture): MediaRecorder → WebSocket → ffmpeg → live analyser → tips on the page, then
/// Finish (pressed while still recording) → the report with scores and coach's notes.
/// </summary>
public sealed class SalesBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"pitlane-sales-mic-{Guid.NewGuid():N}");

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{file} failed: {await stderr}");
    }

    /// <summary>A quiet, fast pitch: espeak-ng at 230 words a minute, 48 kHz, turned down to about -40 dBFS.</summary>
    private async Task<string> MicrophoneAsync()
    {
        foreach (var tool in new[] { "espeak-ng", "ffmpeg" })
        {
            if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool))))
            {
                ServerRequirement.Unavailable($"{tool} is not installed (apt-get install espeak-ng ffmpeg)");
            }
        }
        Directory.CreateDirectory(_dir);
        var voice = Path.Combine(_dir, "voice.wav");
        var mic = Path.Combine(_dir, "mic.wav");
        await RunAsync("espeak-ng", "-s", "230", "-w", voice,
            "This sedan has a two litre turbo engine, all wheel drive, heated seats, a panoramic roof and a ten year warranty. " +
            "It returns thirty eight miles per gallon on the highway and the payment fits your budget.");
        await RunAsync("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", voice, "-af", "volume=-22dB", "-ar", "48000", "-ac", "1", mic);
        return mic;
    }

    [Fact]
    public async Task Given_fake_microphone_When_practising_Then_live_tips_appear_and_finish_shows_the_report()
    {
        var mic = await MicrophoneAsync();
        var browser = _chromium.Start(1280, 900, false,
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={mic}", "--autoplay-policy=no-user-gesture-required");
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys("sales@demo.pitlane.test");
        browser.FindElement(By.Id("Password")).SendKeys("Pitlane-demo-1");
        browser.FindElement(By.Id("sign-in")).Click();
        wait.Until(d => d.FindElements(By.Id("logout")).Count > 0);

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Sales");
        browser.FindElement(By.Id("start")).Click();
        wait.Until(d => d.Url.Contains("/Sales/Practice/", StringComparison.Ordinal));
        browser.FindElement(By.Id("record")).Click();
        wait.Until(d => d.FindElement(By.Id("state")).Text.StartsWith("Listening", StringComparison.Ordinal));

        // The clock follows the server's progress messages; tips arrive over the hub and the socket.
        var tip = wait.Until(d => d.FindElements(By.CssSelector("#feedback li")).FirstOrDefault());
        Assert.False(string.IsNullOrWhiteSpace(tip!.Text));
        var tips = browser.FindElements(By.CssSelector("#feedback li")).Select(li => li.Text).ToList();
        Assert.Contains(tips, t => t.Contains("quiet", StringComparison.OrdinalIgnoreCase) || t.Contains("Slow down", StringComparison.Ordinal));
        Assert.NotEqual("0:00", browser.FindElement(By.Id("clock")).Text);
        Assert.True(browser.FindElement(By.Id("finish")).Enabled, "Finish must work while recording");

        browser.FindElement(By.Id("finish")).Click();
        wait.Until(d => d.Url.Contains("/Sales/Report/", StringComparison.Ordinal));
        var overall = int.Parse(browser.FindElement(By.Id("score-overall")).Text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(overall, 0, 100);
        Assert.NotEmpty(browser.FindElements(By.CssSelector("#notes li")));
        // espeak-ng at 230 words a minute is faster than the easy range (Chromium's automatic gain may lift the level, so
        // the quiet note is not certain; the pace note is).
        Assert.Contains("Slow down", browser.FindElement(By.Id("notes")).Text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _chromium.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
