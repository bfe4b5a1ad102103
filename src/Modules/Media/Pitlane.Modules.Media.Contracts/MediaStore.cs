namespace Pitlane.Modules.Media.Contracts;

/// <summary>What a file is, judged from its first bytes (never from its name or the Content-Type the client sent).</summary>
public enum MediaKind
{
    Image,
    Video,
    Audio,
    Document,
}

/// <summary>A file to store for <paramref name="OrganizationId"/>.</summary>
/// <param name="Content">Read once, to the end; the caller disposes it.</param>
/// <param name="FileName">The name the person gave it, kept for downloads only (never used as a path).</param>
/// <param name="Allowed">The kinds this use accepts (a photo field: Image); anything else is refused with 415.</param>
/// <param name="MaxBytes">At most this many bytes (413 beyond); null: the store's own limit (Pitlane:Media:MaxBytes).</param>
/// <param name="UploadedBy">The user who uploaded it, if any.</param>
public sealed record MediaUpload(
    Guid OrganizationId,
    Stream Content,
    string? FileName,
    IReadOnlyCollection<MediaKind> Allowed,
    long? MaxBytes = null,
    Guid? UploadedBy = null);

/// <summary>A stored file. Its bytes are content-addressed by <paramref name="Sha256"/> (lowercase hex).</summary>
public sealed record MediaItem(
    Guid Id,
    Guid OrganizationId,
    MediaKind Kind,
    string ContentType,
    long Length,
    string Sha256,
    string? FileName,
    DateTime CreatedAt);

/// <summary>
/// Refused content: <see cref="StatusCode"/> is 413 (too large), 415 (a type this use does not accept, or not a known
/// type at all) or 400 (empty). <see cref="Exception.Message"/> is written for a person and may be shown as is.
/// </summary>
public sealed class MediaRejectedException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// The one place files live: on disk in the embedded profile, in S3-compatible storage in the distributed one. Every
/// call is scoped to an organisation: another organisation's id is "not found".
/// </summary>
public interface IMediaStore
{
    /// <summary>Stores a file after checking its type from its bytes and its size. Throws <see cref="MediaRejectedException"/>.</summary>
    Task<MediaItem> PutAsync(MediaUpload upload, CancellationToken ct);

    Task<MediaItem?> FindAsync(Guid organizationId, Guid id, CancellationToken ct);

    /// <summary>The file's bytes, or null when there is no such file in the organisation.</summary>
    Task<Stream?> OpenReadAsync(Guid organizationId, Guid id, CancellationToken ct);

    /// <summary>Removes the file (its bytes go when no other file shares them). False when there was none.</summary>
    Task<bool> DeleteAsync(Guid organizationId, Guid id, CancellationToken ct);

    /// <summary>
    /// A path anyone may open until <paramref name="expiresAt"/> (to the second), without signing in: "/m/{token}".
    /// Prefix it with the public base URL for links sent outside (PitlaneOptions.BaseUrlFor). Deleting the file ends it.
    /// </summary>
    string SignedPath(MediaItem item, DateTime expiresAt);

    /// <summary>The path signed-in members of the organisation open it on: "/api/v1/media/{id}/content".</summary>
    string MemberPath(MediaItem item) => $"/api/v1/media/{item.Id}/content";
}
