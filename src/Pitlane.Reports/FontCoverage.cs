using System.Buffers.Binary;
using System.Collections.Frozen;

namespace Pitlane.Reports;

/// <summary>
/// The code points a TrueType font maps to a real glyph, read from its 'cmap' table (OpenType spec, cmap subtables
/// format 12 for platform 3 encoding 10 and format 4 for platform 3 encoding 1). PDFsharp silently drops characters
/// a font lacks (emoji, CJK in DejaVu), which loses text without a trace; knowing the coverage lets the renderer print
/// U+FFFD instead, so the reader sees that something was there.
/// </summary>
internal sealed class FontCoverage
{
    private readonly FrozenSet<int> _codePoints;

    private FontCoverage(FrozenSet<int> codePoints) => _codePoints = codePoints;

    public int Count => _codePoints.Count;

    public bool Covers(int codePoint) => _codePoints.Contains(codePoint);

    /// <summary>Code points every given face maps, so text that passes is drawable in regular and bold alike.</summary>
    public static FontCoverage Intersect(params byte[][] fonts)
    {
        HashSet<int>? common = null;
        foreach (var font in fonts)
        {
            var set = Read(font);
            if (common is null)
            {
                common = set;
            }
            else
            {
                common.IntersectWith(set);
            }
        }
        return new FontCoverage((common ?? []).ToFrozenSet());
    }

    private static HashSet<int> Read(ReadOnlySpan<byte> font)
    {
        var cmap = FindTable(font, "cmap"u8);
        var count = U16(cmap, 2);
        int format4 = -1, format12 = -1;
        for (var i = 0; i < count; i++)
        {
            var record = 4 + i * 8;
            var platform = U16(cmap, record);
            var encoding = U16(cmap, record + 2);
            var offset = (int)U32(cmap, record + 4);
            var format = U16(cmap, offset);
            if (format == 12 && (platform == 3 && encoding == 10 || platform == 0))
            {
                format12 = offset;
            }
            else if (format == 4 && (platform == 3 && encoding == 1 || platform == 0))
            {
                format4 = offset;
            }
        }
        if (format12 >= 0)
        {
            return ReadFormat12(cmap[format12..]);
        }
        if (format4 >= 0)
        {
            return ReadFormat4(cmap[format4..]);
        }
        throw new InvalidDataException("The font has no Unicode cmap subtable (format 4 or 12).");
    }

    private static HashSet<int> ReadFormat12(ReadOnlySpan<byte> table)
    {
        var groups = (int)U32(table, 12);
        var set = new HashSet<int>();
        for (var g = 0; g < groups; g++)
        {
            var start = (int)U32(table, 16 + g * 12);
            var end = (int)U32(table, 20 + g * 12);
            var glyph = U32(table, 24 + g * 12);
            for (var c = start; c <= end; c++)
            {
                if (glyph + (uint)(c - start) != 0)
                {
                    set.Add(c);
                }
            }
        }
        return set;
    }

    private static HashSet<int> ReadFormat4(ReadOnlySpan<byte> table)
    {
        var segments = U16(table, 6) / 2;
        var endCodes = 14;
        var startCodes = endCodes + segments * 2 + 2;
        var deltas = startCodes + segments * 2;
        var rangeOffsets = deltas + segments * 2;
        var set = new HashSet<int>();
        for (var s = 0; s < segments; s++)
        {
            int start = U16(table, startCodes + s * 2), end = U16(table, endCodes + s * 2);
            var delta = (short)U16(table, deltas + s * 2);
            var rangeOffset = U16(table, rangeOffsets + s * 2);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    var at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
                    glyph = U16(table, at);
                    glyph = glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }
                if (glyph != 0)
                {
                    set.Add(c);
                }
            }
        }
        return set;
    }

    private static ReadOnlySpan<byte> FindTable(ReadOnlySpan<byte> font, ReadOnlySpan<byte> tag)
    {
        var tables = U16(font, 4);
        for (var i = 0; i < tables; i++)
        {
            var record = 12 + i * 16;
            if (font.Slice(record, 4).SequenceEqual(tag))
            {
                return font.Slice((int)U32(font, record + 8), (int)U32(font, record + 12));
            }
        }
        throw new InvalidDataException("The font has no cmap table.");
    }

    private static ushort U16(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);

    private static uint U32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
}
