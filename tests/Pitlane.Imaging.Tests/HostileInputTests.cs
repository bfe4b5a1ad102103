using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace Pitlane.Imaging.Tests;

public sealed class HostileInputTests
{
    private static byte[] SmallJpeg()
    {
        using var bitmap = new SKBitmap(64, 48);
        bitmap.Erase(SKColors.CadetBlue);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    [Fact]
    public void Given_valid_jpeg_Then_it_decodes_to_its_size()
    {
        var image = SafeDecoder.Decode(SmallJpeg());
        Assert.Equal((64, 48), (image.Width, image.Height));
    }

    [Fact]
    public void Given_empty_bytes_Then_rejected() =>
        Assert.Contains("empty", Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode([])).Message, StringComparison.Ordinal);

    [Fact]
    public void Given_text_Then_rejected_as_not_an_image() =>
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode("<html>not a photo</html>"u8));

    [Fact]
    public void Given_truncated_jpeg_Then_rejected()
    {
        var jpeg = SmallJpeg();
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode(jpeg.AsSpan(0, jpeg.Length / 2)));
    }

    [Fact]
    public void Given_jpeg_header_only_Then_rejected() =>
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode(SmallJpeg().AsSpan(0, 20)));

    [Fact]
    public void Given_file_over_the_byte_limit_Then_rejected_before_decoding() =>
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode(SmallJpeg(), new ImageLimits(MaxBytes: 100)));

    [Fact]
    public void Given_png_claiming_huge_dimensions_Then_rejected_from_its_header()
    {
        // A decompression bomb: a few hundred bytes whose IHDR says 60000×60000 (3.6 gigapixels).
        var bomb = Png(60_000, 60_000, rows: 1);
        var ex = Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode(bomb));
        Assert.Contains("60000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_png_within_side_but_over_the_pixel_budget_Then_rejected() =>
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode(Png(9_000, 9_000, rows: 1)));

    [Fact]
    public void Given_png_with_zero_width_Then_rejected() =>
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode(Png(0, 10, rows: 1)));

    [Fact]
    public void Given_gif_Then_rejected_as_unsupported() =>
        Assert.Throws<ImageRejectedException>(() => SafeDecoder.Decode("GIF89a\x01\x00\x01\x00\x00\x00\x00;"u8));

    [Fact]
    public void Given_stored_mask_of_other_size_Then_rejected() =>
        Assert.Throws<ImageRejectedException>(() => MaskCodec.Decode(MaskCodec.Encode(new byte[16], 4, 4), 5, 5));

    // PNG (ISO/IEC 15948): signature, IHDR, one IDAT with `rows` zero rows of RGBA, IEND; CRCs computed.
    private static byte[] Png(int width, int height, int rows)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 6;
        Chunk(ms, "IHDR", ihdr);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + (Math.Min(width, 100_000) * 4)];
            for (var r = 0; r < rows; r++)
            {
                z.Write(row);
            }
        }

        Chunk(ms, "IDAT", raw.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. typeBytes, .. data]));
        s.Write(crc);
    }

    // CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) as PNG requires over type and data.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
