using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Vehicles;

/// <summary>The "Pitlane:Vpic" section: NHTSA vPIC, asked when reachable.</summary>
public sealed class VpicOptions : IModuleOptions
{
    /// <summary>Ask NHTSA vPIC for model, trim, body, engine and plant when it is reachable.</summary>
    public bool Enabled { get; set; } = true;

    public string BaseUrl { get; set; } = "https://vpic.nhtsa.dot.gov/";

    public double TimeoutSeconds { get; set; } = 3;

    /// <summary>After a failure, vPIC is not asked again for this long (the local decoder answers alone).</summary>
    public int CooldownSeconds { get; set; } = 300;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        if (Enabled && !Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
        {
            faults.Add($"Pitlane:Vpic:BaseUrl must be an absolute URL, not '{BaseUrl}'.");
        }
        if (TimeoutSeconds is <= 0 or > 60)
        {
            faults.Add("Pitlane:Vpic:TimeoutSeconds must be between 0 and 60.");
        }
    }
}
