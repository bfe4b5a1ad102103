namespace Pitlane.Modules.Parking.Tesla;

/// <summary>
/// Pitlane:Parking:Tesla. Mode "simulator" (the default, offline) answers the Fleet API from the built-in vehicle-cloud
/// simulator; "fleet" talks to Tesla with a registered application's client id and secret.
/// </summary>
public sealed class TeslaOptions
{
    public string Mode { get; set; } = "simulator";
    public string ClientId { get; set; } = "pitlane-simulator";
    public string ClientSecret { get; set; } = "";
    public string AuthorizeUrl { get; set; } = "https://auth.tesla.com/oauth2/v3/authorize";
    public string TokenUrl { get; set; } = "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token";
    public string ApiBaseUrl { get; set; } = "https://fleet-api.prd.na.vn.cloud.tesla.com";

    /// <summary>Only for tests against a local fake: accept a plain-http region URL after a 421.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>How fast the simulated car drives toward its destination.</summary>
    public double SimulatorSpeedMetersPerSecond { get; set; } = 12;

    /// <summary>Seconds between location polls while the car is near (farther cars are polled less often).</summary>
    public int PollSeconds { get; set; } = 20;

    public bool IsSimulator => string.Equals(Mode, "simulator", StringComparison.OrdinalIgnoreCase);

    public void Validate(List<string> faults)
    {
        if (!IsSimulator && !string.Equals(Mode, "fleet", StringComparison.OrdinalIgnoreCase))
        {
            faults.Add("Pitlane:Parking:Tesla:Mode must be simulator or fleet.");
        }
        if (!IsSimulator && (string.IsNullOrWhiteSpace(ClientId) || string.IsNullOrWhiteSpace(ClientSecret)))
        {
            faults.Add("Pitlane:Parking:Tesla:ClientId and ClientSecret are required in fleet mode (a Tesla developer application).");
        }
        if (SimulatorSpeedMetersPerSecond is <= 0 or > 10_000)
        {
            faults.Add("Pitlane:Parking:Tesla:SimulatorSpeedMetersPerSecond must be between 0 and 10000.");
        }
        if (PollSeconds is < 1 or > 3_600)
        {
            faults.Add("Pitlane:Parking:Tesla:PollSeconds must be between 1 and 3600.");
        }
    }
}
