using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Shop;

/// <summary>The "Pitlane:Shop" section: imports from other shop systems.</summary>
public sealed class ShopOptions : IModuleOptions
{
    public TekmetricOptions Tekmetric { get; set; } = new();

    /// <summary>Largest CSV file of customers and vehicles accepted (413 above it).</summary>
    public int MaxCsvBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Most data rows in one CSV file.</summary>
    public int MaxCsvRows { get; set; } = 10_000;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        foreach (var (name, url) in new[] { ("BaseUrl", Tekmetric.BaseUrl), ("SandboxBaseUrl", Tekmetric.SandboxBaseUrl) })
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                faults.Add($"Pitlane:Shop:Tekmetric:{name} must be an absolute http(s) URL (e.g. https://shop.tekmetric.com/api/v1).");
            }
        }
        if (Tekmetric.PageSize is < 1 or > 100)
        {
            faults.Add("Pitlane:Shop:Tekmetric:PageSize must be between 1 and 100 (Tekmetric caps pages at 100).");
        }
        if (Tekmetric.MaxAttempts is < 1 or > 10)
        {
            faults.Add("Pitlane:Shop:Tekmetric:MaxAttempts must be between 1 and 10.");
        }
        if (Tekmetric.RetryBaseDelayMs is < 0 or > 60_000)
        {
            faults.Add("Pitlane:Shop:Tekmetric:RetryBaseDelayMs must be between 0 and 60000.");
        }
        if (Tekmetric.TimeoutSeconds is < 1 or > 300)
        {
            faults.Add("Pitlane:Shop:Tekmetric:TimeoutSeconds must be between 1 and 300.");
        }
        if (MaxCsvBytes is < 1024 or > 64 * 1024 * 1024)
        {
            faults.Add("Pitlane:Shop:MaxCsvBytes must be between 1024 and 67108864.");
        }
        if (MaxCsvRows is < 1 or > 1_000_000)
        {
            faults.Add("Pitlane:Shop:MaxCsvRows must be between 1 and 1000000.");
        }
    }
}

/// <summary>Where Tekmetric's API is and how patiently it is called ("Pitlane:Shop:Tekmetric").</summary>
public sealed class TekmetricOptions
{
    public string BaseUrl { get; set; } = "https://shop.tekmetric.com/api/v1";

    public string SandboxBaseUrl { get; set; } = "https://sandbox.tekmetric.com/api/v1";

    public int PageSize { get; set; } = 100;

    /// <summary>Tries per request when Tekmetric answers 429 or 5xx (or the connection fails).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First back-off; doubled per attempt, unless Tekmetric sends Retry-After (capped at 60 s).</summary>
    public int RetryBaseDelayMs { get; set; } = 1000;

    public int TimeoutSeconds { get; set; } = 30;
}
