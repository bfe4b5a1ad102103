using System.Text;
using Pitlane.Modules.Media.Contracts;

namespace Pitlane.Modules.Media;

/// <summary>
/// Tells a file's type from its first bytes (its "magic number"), never from the name or the Content-Type a client
/// sent. Only the types Pitlane serves are known; everything else (HTML, SVG, scripts, executables, archives) is
/// unknown and refused, so nothing stored can be served as a page.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs at most.</summary>
    public const int HeadLength = 64;

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Ebml => [0x1A, 0x45, 0xDF, 0xA3];

    public static (MediaKind Kind, string ContentType)? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Jpeg))
        {
            return (MediaKind.Image, "image/jpeg");
        }
        if (head.StartsWith(Png))
        {
            return (MediaKind.Image, "image/png");
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return (MediaKind.Image, "image/gif");
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8))
            {
                return (MediaKind.Image, "image/webp");
            }
            if (form.SequenceEqual("WAVE"u8))
            {
                return (MediaKind.Audio, "audio/wav");
            }
            if (form.SequenceEqual("AVI "u8))
            {
                return (MediaKind.Video, "video/x-msvideo");
            }
            return null;
        }
        // ISO base media (MP4, MOV, HEIC, M4A): a box size, then "ftyp" and the major brand.
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head.Slice(8, 4));
            return brand switch
            {
                "heic" or "heix" or "hevc" or "heim" or "heis" or "mif1" or "msf1" => (MediaKind.Image, "image/heic"),
                "avif" or "avis" => (MediaKind.Image, "image/avif"),
                "M4A " or "M4B " => (MediaKind.Audio, "audio/mp4"),
                "qt  " => (MediaKind.Video, "video/quicktime"),
                "3gp4" or "3gp5" or "3gp6" or "3g2a" => (MediaKind.Video, "video/3gpp"),
                _ => (MediaKind.Video, "video/mp4"),
            };
        }
        // EBML: Matroska / WebM (video, or audio-only recordings: the container does not say; callers that take audio accept it too).
        if (head.StartsWith(Ebml))
        {
            return head.IndexOf("webm"u8) >= 0 ? (MediaKind.Video, "video/webm") : (MediaKind.Video, "video/x-matroska");
        }
        if (head.StartsWith("OggS"u8))
        {
            return (MediaKind.Audio, "audio/ogg");
        }
        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
        {
            return (MediaKind.Audio, "audio/mpeg");
        }
        if (head.StartsWith("fLaC"u8))
        {
            return (MediaKind.Audio, "audio/flac");
        }
        if (head.StartsWith("%PDF-"u8))
        {
            return (MediaKind.Document, "application/pdf");
        }
        return null;
    }

    /// <summary>The usual file extension for a sniffed type (for download names).</summary>
    public static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/heic" => ".heic",
        "image/avif" => ".avif",
        "audio/wav" => ".wav",
        "audio/mp4" => ".m4a",
        "audio/ogg" => ".ogg",
        "audio/mpeg" => ".mp3",
        "audio/flac" => ".flac",
        "video/mp4" => ".mp4",
        "video/quicktime" => ".mov",
        "video/3gpp" => ".3gp",
        "video/webm" => ".webm",
        "video/x-matroska" => ".mkv",
        "video/x-msvideo" => ".avi",
        "application/pdf" => ".pdf",
        _ => "",
    };
}
