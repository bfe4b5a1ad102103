using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Accounts;

/// <summary>The "Pitlane:Auth" section: access and refresh tokens, sign-in limits.</summary>
public sealed class AuthOptions : IModuleOptions
{
    /// <summary>HMAC-SHA256 key for access tokens. Empty: a random key is generated once and kept in the data directory.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "pitlane";

    public int AccessTokenMinutes { get; set; } = 15;

    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>Per client IP, on the sign-in, sign-up and refresh endpoints.</summary>
    public int AuthRequestsPerMinute { get; set; } = 30;

    public int MaxFailedLogins { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How long an invitation link stays valid.</summary>
    public int InvitationDays { get; set; } = 7;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {

        if (AccessTokenMinutes is < 1 or > 60)
        {
            faults.Add("Pitlane:Auth:AccessTokenMinutes must be between 1 and 60.");
        }
        if (RefreshTokenDays is < 1 or > 365)
        {
            faults.Add("Pitlane:Auth:RefreshTokenDays must be between 1 and 365.");
        }
        if (SigningKey is { Length: > 0 and < 32 })
        {
            faults.Add("Pitlane:Auth:SigningKey must be at least 32 characters (256 bits) when set.");
        }
        else if (string.IsNullOrEmpty(SigningKey) && platform.IsDistributed)
        {
            // A key generated per instance would make every instance refuse the others' tokens and links.
            faults.Add("Pitlane:Auth:SigningKey is required in the distributed profile: every instance must sign with the same key.");
        }
        if (AuthRequestsPerMinute is < 1 or > 100_000)
        {
            faults.Add("Pitlane:Auth:AuthRequestsPerMinute must be between 1 and 100000.");
        }
        if (InvitationDays is < 1 or > 30)
        {
            faults.Add("Pitlane:Auth:InvitationDays must be between 1 and 30.");
        }
        if (MaxFailedLogins is < 1 or > 100)
        {
            faults.Add("Pitlane:Auth:MaxFailedLogins must be between 1 and 100.");
        }
    }
}
