namespace Pitlane.Modules.Estimator;

/// <summary>The "Pitlane:Estimator" section.</summary>
public sealed class EstimatorOptions : Pitlane.Platform.Modules.IModuleOptions
{
    /// <summary>Longest one supplier may take to answer a catalogue quote; a slower one is skipped with a warning.</summary>
    public int SupplierTimeoutMs { get; set; } = 4000;

    /// <summary>Whether the five built-in simulated suppliers take part (the embedded profile's offline default).</summary>
    public bool BuiltInSuppliers { get; set; } = true;

    /// <summary>Longest the exact optimiser may search before it returns its best answer unproven.</summary>
    public int OptimiserTimeLimitMs { get; set; } = 5000;

    public PartsTechOptions PartsTech { get; set; } = new();

    public void Validate(List<string> faults, Pitlane.Platform.PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (SupplierTimeoutMs is < 100 or > 60_000) faults.Add("Pitlane:Estimator:SupplierTimeoutMs must be between 100 and 60000.");
        if (OptimiserTimeLimitMs is < 50 or > 60_000) faults.Add("Pitlane:Estimator:OptimiserTimeLimitMs must be between 50 and 60000.");
        if (PartsTech.BaseUrl is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                faults.Add("Pitlane:Estimator:PartsTech:BaseUrl must be an absolute http(s) URL.");
            if (string.IsNullOrEmpty(PartsTech.PartnerId) || string.IsNullOrEmpty(PartsTech.PartnerKey)
                || string.IsNullOrEmpty(PartsTech.UserId) || string.IsNullOrEmpty(PartsTech.UserKey))
                faults.Add("Pitlane:Estimator:PartsTech:PartnerId, PartnerKey, UserId and UserKey are required when PartsTech:BaseUrl is set.");
            if (string.IsNullOrEmpty(PartsTech.CallbackSecret) || PartsTech.CallbackSecret.Length < 16)
                faults.Add("Pitlane:Estimator:PartsTech:CallbackSecret must be at least 16 characters when PartsTech:BaseUrl is set.");
        }
    }
}

/// <summary>PartsTech credentials ("Pitlane:Estimator:PartsTech"); off while BaseUrl is empty.</summary>
public sealed class PartsTechOptions
{
    public string? BaseUrl { get; set; }

    public string? PartnerId { get; set; }

    public string? PartnerKey { get; set; }

    public string? UserId { get; set; }

    public string? UserKey { get; set; }

    /// <summary>Shared secret PartsTech's punchout callback carries (?secret=) so only it can post orders back.</summary>
    public string? CallbackSecret { get; set; }

    /// <summary>Public base address of this Pitlane, for the callback URL given to PartsTech.</summary>
    public string? PublicBaseUrl { get; set; }
}
