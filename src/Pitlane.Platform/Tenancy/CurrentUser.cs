using System.Security.Claims;

namespace Pitlane.Platform.Tenancy;

public static class PitlaneClaims
{
    /// <summary>JWT subject: the user id.</summary>
    public const string Subject = "sub";

    /// <summary>The user's personal organisation, the default scope of API requests.</summary>
    public const string PersonalOrganization = "porg";

    /// <summary>The refresh-token family an access token belongs to; revoking the family ends the session.</summary>
    public const string Session = "sid";

    public static Guid? UserId(this ClaimsPrincipal user)
    {
        var value = user.FindFirstValue(Subject) ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        return Guid.TryParse(value, out var id) ? id : null;
    }

    public static Guid? PersonalOrganizationId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(PersonalOrganization), out var id) ? id : null;
}

/// <summary>
/// The installation's secret (Pitlane:Auth:SigningKey, or generated once into the data directory), from which each use
/// derives its own key, so a share link's key is never the access tokens' key.
/// </summary>
public interface IServerSecret
{
    /// <summary>HKDF-SHA256 (RFC 5869) of the secret with an empty salt and <paramref name="purpose"/> as info.</summary>
    byte[] DeriveKey(string purpose, int length);
}
