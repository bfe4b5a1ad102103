using Microsoft.AspNetCore.Identity;

namespace Pitlane.Modules.Accounts;

public sealed class PitlaneUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    /// <summary>Every person gets an organisation of their own at sign-up; it is the API's default scope.</summary>
    public Guid PersonalOrganizationId { get; set; }

    public DateTime CreatedAt { get; set; }
}
