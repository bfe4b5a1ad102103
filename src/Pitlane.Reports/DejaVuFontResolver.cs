using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Pitlane.Reports;

/// <summary>
/// Serves DejaVu Sans from the Debian package fonts-dejavu-core. PDFsharp 6 on Linux has no access to system fonts,
/// so every font it embeds must come from a resolver; DejaVu covers Latin, Greek and Cyrillic, which the customer
/// names and descriptions of the target markets need.
/// </summary>
public sealed class DejaVuFontResolver : IFontResolver
{
    public const string FamilyName = "DejaVu Sans";
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";

    private static readonly Dictionary<string, string> FaceFiles = new(StringComparer.Ordinal)
    {
        ["DejaVuSans"] = "DejaVuSans.ttf",
        ["DejaVuSans-Bold"] = "DejaVuSans-Bold.ttf",
        ["DejaVuSans-Oblique"] = "DejaVuSans-Oblique.ttf",
        ["DejaVuSans-BoldOblique"] = "DejaVuSans-BoldOblique.ttf",
    };

    private readonly ConcurrentDictionary<string, byte[]> _faces = new(StringComparer.Ordinal);
    private FontCoverage? _coverage;

    public DejaVuFontResolver(string directory = DefaultDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>Throws <see cref="FileNotFoundException"/> naming the first missing face, before any page is drawn.</summary>
    public void EnsureInstalled()
    {
        foreach (var file in FaceFiles.Values)
        {
            var path = Path.Combine(Directory, file);
            if (!File.Exists(path))
            {
                throw Missing(path);
            }
        }
    }

    /// <summary>Code points both the regular and the bold face can draw (the renderer uses those two for data).</summary>
    internal FontCoverage Coverage() =>
        _coverage ??= FontCoverage.Intersect(GetFont("DejaVuSans")!, GetFont("DejaVuSans-Bold")!);

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        // Only DejaVu Sans is served: silently substituting it for another family would hide a layout bug.
        if (!string.Equals(familyName, FamilyName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var face = (bold, italic) switch
        {
            (false, false) => "DejaVuSans",
            (true, false) => "DejaVuSans-Bold",
            (false, true) => "DejaVuSans-Oblique",
            (true, true) => "DejaVuSans-BoldOblique",
        };
        return new FontResolverInfo(face);
    }

    public byte[]? GetFont(string faceName) =>
        FaceFiles.TryGetValue(faceName, out var file)
            ? _faces.GetOrAdd(faceName, static (_, path) => Load(path), Path.Combine(Directory, file))
            : null;

    private static byte[] Load(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Missing(path);
        }
    }

    private static FileNotFoundException Missing(string path) => new(
        $"Font file {path} is missing; the PDF report needs DejaVu Sans. Install it with `apt-get install fonts-dejavu-core`.",
        path);
}
