using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Media;

/// <summary>
/// Signed links to one file (<see cref="SignedIdTokens"/>): base64url (RFC 4648 §5, no padding) of 40 bytes: media id (16, big-endian GUID) ‖ expiry
/// (8, big-endian Unix seconds) ‖ the first 16 bytes of HMAC-SHA256 over the 24 bytes before it, keyed with HKDF-SHA256
/// of the server secret (info "pitlane.media-link"). Nothing is stored per link; deleting the file ends every link to it.
/// </summary>
public sealed class MediaLinks(IServerSecret secret)
{
    /// <summary>Characters of a token: 40 bytes in base64url without padding.</summary>
    public const int TokenChars = 54;

    private readonly SignedIdTokens _tokens = new(secret, "pitlane.media-link", versioned: false);

    public string Issue(Guid id, DateTime expiresAt) => _tokens.Issue(id, 0, expiresAt);

    /// <summary>The media id of an authentic, unexpired token; null for every other case alike.</summary>
    public Guid? Read(string? token, DateTime now) => _tokens.Read(token, now)?.Id;
}
