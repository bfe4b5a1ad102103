using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>Adds the personal organisation and display name to the cookie principal, as the JWT carries them.</summary>
public sealed class PitlaneClaimsPrincipalFactory(UserManager<PitlaneUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PitlaneUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PitlaneUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PitlaneClaims.PersonalOrganization, user.PersonalOrganizationId.ToString()));
        identity.AddClaim(new Claim("name", user.DisplayName));
        return identity;
    }
}
