using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections.Approval;

/// <summary>
/// Approval link tokens (<see cref="SignedIdTokens"/>, the house pattern of report share links): base64url (RFC 4648 §5, no padding) of 44 bytes:
/// inspection id (16, big-endian GUID) ‖ share version (4, big-endian) ‖ expiry (8, big-endian Unix seconds) ‖ the first
/// 16 bytes of HMAC-SHA256 over the 28 bytes before it, keyed by HKDF-SHA256 (RFC 5869) of the server secret with info
/// "pitlane.inspection-approval". Nothing about a token is stored: the inspection's share version revokes old ones.
/// </summary>
public sealed class ApprovalLinks(IServerSecret secret)
{
    public const string PathPrefix = "/i/";

    private readonly SignedIdTokens _tokens = new(secret, "pitlane.inspection-approval", versioned: true);

    public string Issue(Guid inspectionId, int version, DateTime expiresAt) => _tokens.Issue(inspectionId, version, expiresAt);

    /// <summary>The claims of an authentic, unexpired token; null for every other string alike.</summary>
    public (Guid InspectionId, int Version)? Read(string? token, DateTime now) => _tokens.Read(token, now);
}
