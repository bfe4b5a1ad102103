using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Media.Contracts;

namespace Pitlane.Modules.Media;

/// <summary>
/// The media store: a file is streamed once to a temporary file while it is hashed and counted (so a file over the
/// limit is refused as soon as it passes it, and memory stays flat), its type is judged from its first bytes, its row
/// is written, then its bytes are stored by hash.
/// </summary>
public sealed class MediaService(
    MediaDbContext db,
    IMediaBlobs blobs,
    MediaLinks links,
    IOptions<MediaOptions> options,
    TimeProvider time,
    ILogger<MediaService> logger) : IMediaStore
{
    public const int MaxFileNameLength = 200;

    public long MaxBytes => options.Value.MaxBytes;

    public async Task<MediaItem> PutAsync(MediaUpload upload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(upload.Content);
        if (upload.Allowed is not { Count: > 0 })
        {
            throw new ArgumentException("Name at least one kind of file this use accepts.", nameof(upload));
        }
        var limit = Math.Min(upload.MaxBytes ?? options.Value.MaxBytes, options.Value.MaxBytes);
        var temp = Path.Combine(Path.GetTempPath(), $"pitlane-media-{Guid.NewGuid():N}.part");
        try
        {
            var (sha256, length, sniffed) = await CopyAsync(upload.Content, temp, limit, upload.Allowed, ct);
            var row = MediaObject.Create(upload.OrganizationId, sniffed.Kind, sniffed.ContentType, length, sha256, CleanName(upload.FileName), upload.UploadedBy, time.GetUtcNow().UtcDateTime);
            // The row first: a concurrent delete of another file with the same bytes then sees this one and keeps the blob.
            db.Objects.Add(row);
            await db.SaveChangesAsync(ct);
            try
            {
                await blobs.PutAsync(sha256, temp, sniffed.ContentType, ct);
            }
            catch
            {
                db.Objects.Remove(row);
                await db.SaveChangesAsync(CancellationToken.None);
                throw;
            }
            return row.ToItem();
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<(string Sha256, long Length, (MediaKind Kind, string ContentType) Sniffed)> CopyAsync(
        Stream content, string temp, long limit, IReadOnlyCollection<MediaKind> allowed, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[ContentSniffer.HeadLength];
        var headLength = 0;
        (MediaKind Kind, string ContentType)? sniffed = null;
        long length = 0;
        var buffer = new byte[81920];
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new MediaRejectedException(413, $"The file is larger than the {Describe(limit)} accepted here.");
                }
                if (headLength < head.Length)
                {
                    var take = Math.Min(read, head.Length - headLength);
                    buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                    headLength += take;
                    if (headLength == head.Length)
                    {
                        // Refuse a wrong type before reading the rest of a large file.
                        sniffed = Judge(head, allowed);
                    }
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        if (length == 0)
        {
            throw new MediaRejectedException(400, "The file is empty.");
        }
        sniffed ??= Judge(head.AsSpan(0, headLength), allowed);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length, sniffed.Value);
    }

    private static (MediaKind Kind, string ContentType) Judge(ReadOnlySpan<byte> head, IReadOnlyCollection<MediaKind> allowed)
    {
        var sniffed = ContentSniffer.Sniff(head)
            ?? throw new MediaRejectedException(415, $"This file is not a {Describe(allowed)} Pitlane can store (JPEG, PNG, WebP, HEIC, MP4, MOV, WebM, WAV, MP3, OGG or PDF).");
        if (!allowed.Contains(sniffed.Kind))
        {
            throw new MediaRejectedException(415, $"This is {Article(sniffed.Kind)} {Name(sniffed.Kind)}; only {Describe(allowed)} files are accepted here.");
        }
        return sniffed;
    }

    public async Task<MediaItem?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        (await db.Objects.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.OrganizationId == organizationId, ct))?.ToItem();

    /// <summary>Any organisation's file by id: only for a signed link, whose signature already names the file.</summary>
    internal async Task<MediaItem?> FindSignedAsync(Guid id, CancellationToken ct) =>
        (await db.Objects.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct))?.ToItem();

    public async Task<Stream?> OpenReadAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        await FindAsync(organizationId, id, ct) is { } item ? await blobs.OpenReadAsync(item.Sha256, ct) : null;

    internal Task<Stream?> OpenAsync(MediaItem item, CancellationToken ct) => blobs.OpenReadAsync(item.Sha256, ct);

    public async Task<bool> DeleteAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var row = await db.Objects.FirstOrDefaultAsync(m => m.Id == id && m.OrganizationId == organizationId, ct);
        if (row is null)
        {
            return false;
        }
        db.Objects.Remove(row);
        await db.SaveChangesAsync(ct);
        if (!await db.Objects.AnyAsync(m => m.Sha256 == row.Sha256, ct))
        {
            try
            {
                await blobs.DeleteAsync(row.Sha256, ct);
            }
            catch (Exception e) when (e is IOException or Amazon.S3.AmazonS3Exception)
            {
                // The row is gone, so nothing serves the bytes any more; a leftover blob only takes space.
                logger.LogWarning(e, "Could not remove the bytes {Sha256} of deleted file {Id}", row.Sha256, id);
            }
        }
        return true;
    }

    public string SignedPath(MediaItem item, DateTime expiresAt)
    {
        ArgumentNullException.ThrowIfNull(item);
        var latest = time.GetUtcNow().UtcDateTime.AddDays(options.Value.MaxLinkDays);
        return "/m/" + links.Issue(item.Id, expiresAt > latest ? latest : expiresAt);
    }

    internal static string? CleanName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        // Only the last path segment, without control characters; it is a label for downloads, never a path.
        var last = name.Replace('\\', '/').Split('/').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > MaxFileNameLength ? clean[..MaxFileNameLength] : clean;
    }

    private static string Name(MediaKind kind) => kind switch
    {
        MediaKind.Image => "photo",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio recording",
        _ => "PDF document",
    };

    private static string Article(MediaKind kind) => kind is MediaKind.Audio ? "an" : "a";

    private static string Describe(IReadOnlyCollection<MediaKind> kinds)
    {
        var names = kinds.Distinct().Select(Name).ToList();
        return names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
    }

    internal static string Describe(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : $"{bytes / 1024.0:0.#} KB";
}
