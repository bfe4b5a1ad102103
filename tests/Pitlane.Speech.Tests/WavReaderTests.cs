using System.Buffers.Binary;

namespace Pitlane.Speech.Tests;

public sealed class WavReaderTests
{
    internal static byte[] Wav(int sampleRate, short channels, short bits, ReadOnlySpan<byte> data, short format = 1, int? dataSize = null, short? blockAlign = null)
    {
        var bytes = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + data.Length);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), format);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), sampleRate);
        var align = blockAlign ?? (short)(channels * bits / 8);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), sampleRate * align);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), align);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), bits);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), dataSize ?? data.Length);
        data.CopyTo(bytes.AsSpan(44));
        return bytes;
    }

    internal static byte[] Pcm16(ReadOnlySpan<float> samples)
    {
        var data = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)Math.Clamp(samples[i] * 32767, -32768, 32767));
        }
        return Wav(16000, 1, 16, data);
    }

    [Fact]
    public void Given_16_bit_mono_Then_samples_round_trip()
    {
        var audio = WavReader.Read(Pcm16([0.5f, -0.25f, 0f]));
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(3, audio.Samples.Length);
        Assert.Equal(0.5f, audio.Samples[0], 0.001f);
        Assert.Equal(-0.25f, audio.Samples[1], 0.001f);
    }

    [Fact]
    public void Given_stereo_24_bit_Then_mixed_to_mono()
    {
        // Left +0.5, right -0.5 then left +0.5, right +0.5.
        byte[] data = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40];
        var audio = WavReader.Read(Wav(48000, 2, 24, data));
        Assert.Equal([0f, 0.5f], audio.Samples);
    }

    [Fact]
    public void Given_float_wav_Then_read_and_non_finite_values_zeroed()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 0.75f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), float.NaN);
        var audio = WavReader.Read(Wav(16000, 1, 32, data, format: 3));
        Assert.Equal([0.75f, 0f], audio.Samples);
    }

    public static TheoryData<string, byte[]> Hostile()
    {
        var good = Pcm16(new float[100]);
        byte[] Mutate(Action<byte[]> change)
        {
            var copy = (byte[])good.Clone();
            change(copy);
            return copy;
        }
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "eleven bytes", good[..11] },
            { "not RIFF", Mutate(b => "RIFX"u8.CopyTo(b)) },
            { "not WAVE", Mutate(b => "AVI "u8.CopyTo(b.AsSpan(8))) },
            { "fmt size beyond the file", Mutate(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), int.MaxValue)) },
            { "fmt too short", Mutate(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 8)) },
            { "data size beyond the file", Mutate(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), 1_000_000)) },
            { "zero channels", Mutate(b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), 0)) },
            { "sixty channels", Mutate(b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), 60)) },
            { "12 bits", Mutate(b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), 12)) },
            { "A-law", Mutate(b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), 6)) },
            { "sample rate 0", Mutate(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), 0)) },
            { "block align lies", Mutate(b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), 7)) },
            { "no data chunk", good[..36] },
            { "data before fmt", Mutate(b => "junk"u8.CopyTo(b.AsSpan(12))) },
            { "empty data", Wav(16000, 1, 16, []) },
        };
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Given_malformed_wav_Then_invalid_audio_with_a_reason(string why, byte[] bytes)
    {
        var error = Assert.Throws<InvalidAudioException>(() => WavReader.Read(bytes));
        Assert.False(string.IsNullOrWhiteSpace(error.Message), why);
    }

    [Fact]
    public void Given_random_corruption_Then_only_invalid_audio_exceptions()
    {
        var good = Pcm16(Signals.Voice(0.2, _ => 120));
        var random = new Random(18);
        for (var round = 0; round < 3000; round++)
        {
            var bytes = (byte[])good.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                bytes[random.Next(0, 48)] = (byte)random.Next(256);
            }
            if (random.Next(4) == 0)
            {
                bytes = bytes[..random.Next(0, bytes.Length)];
            }
            try
            {
                WavReader.Read(bytes);
            }
            catch (InvalidAudioException)
            {
            }
        }
    }

    [Fact]
    public void Given_44_1_kHz_audio_Then_resampled_to_16_kHz_keeps_pitch()
    {
        var n = 44100;
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 1000 * i / 44100.0));
        }
        var y = Resampler.Resample(x, 44100, 16000);
        Assert.Equal(16000, y.Length);
        // A 1 kHz sine at 16 kHz crosses zero 2000 times a second.
        var crossings = 0;
        for (var i = 1; i < y.Length; i++)
        {
            if ((y[i - 1] < 0) != (y[i] < 0))
            {
                crossings++;
            }
        }
        Assert.InRange(crossings, 1990, 2010);
    }
}
