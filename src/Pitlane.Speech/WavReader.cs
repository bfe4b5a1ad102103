using System.Buffers.Binary;

namespace Pitlane.Speech;

/// <summary>Decoded PCM, mixed to mono, samples in [-1, 1].</summary>
public sealed record PcmAudio(float[] Samples, int SampleRate)
{
    public double DurationSeconds => (double)Samples.Length / SampleRate;
}

/// <summary>
/// RIFF/WAVE reader (Microsoft Multimedia Programming Interface 1.0, "WAVE form"; WAVE_FORMAT_EXTENSIBLE per
/// Microsoft's KSDATAFORMAT_SUBTYPE_PCM/IEEE_FLOAT GUIDs). Every size field is checked against the bytes actually
/// present before it is used, so a hostile header cannot make the reader allocate or read past the input.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Longest recording accepted (a practice session is minutes, not hours).</summary>
    public const double MaxSeconds = 60 * 60;

    public static PcmAudio Read(ReadOnlySpan<byte> wav)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidAudioException("The file is not a WAV recording (no RIFF/WAVE header).");
        }

        var pos = 12;
        ushort format = 0, channels = 0, bits = 0, blockAlign = 0;
        var sampleRate = 0;
        var haveFormat = false;
        while (pos + 8 <= wav.Length)
        {
            var id = wav.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(pos + 4, 4));
            var body = pos + 8;
            var remaining = wav.Length - body;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > remaining)
                {
                    throw new InvalidAudioException("The WAV format chunk is damaged.");
                }
                var fmt = wav.Slice(body, (int)size);
                format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format == FormatExtensible)
                {
                    if (size < 40)
                    {
                        throw new InvalidAudioException("The WAV extensible format chunk is too short.");
                    }
                    // The sub-format GUID starts with the plain format tag.
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
                }
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    throw new InvalidAudioException("The WAV data comes before its format chunk.");
                }
                // Streaming writers leave 0 or 0xFFFFFFFF when they cannot seek back; then the data runs to the end.
                long length = size is 0 or uint.MaxValue ? remaining : size;
                if (length > remaining)
                {
                    throw new InvalidAudioException("The WAV file is cut short: it announces more audio than it holds.");
                }
                return Decode(wav.Slice(body, (int)length), format, channels, sampleRate, bits, blockAlign);
            }
            if (size > remaining)
            {
                throw new InvalidAudioException("A WAV chunk announces more bytes than the file holds.");
            }
            pos = body + (int)size + (int)(size & 1);
        }
        throw new InvalidAudioException(haveFormat ? "The WAV file has no audio data." : "The WAV file has no format chunk.");
    }

    private static PcmAudio Decode(ReadOnlySpan<byte> data, ushort format, ushort channels, int sampleRate, ushort bits, ushort blockAlign)
    {
        if (channels is < 1 or > 8)
        {
            throw new InvalidAudioException($"A WAV recording with {channels} channels is not supported (1 to 8).");
        }
        if (sampleRate is < 8000 or > 192_000)
        {
            throw new InvalidAudioException($"A sample rate of {sampleRate} Hz is not supported (8 to 192 kHz).");
        }
        var valid = (format, bits) is (FormatPcm, 8 or 16 or 24 or 32) or (FormatFloat, 32);
        if (!valid)
        {
            throw new InvalidAudioException($"WAV encoding {format} with {bits} bits per sample is not supported (PCM 8/16/24/32 or float 32).");
        }
        var bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample)
        {
            throw new InvalidAudioException("The WAV block size does not match its channels and sample size.");
        }
        var frames = data.Length / blockAlign;
        if (frames == 0)
        {
            throw new InvalidAudioException("The WAV recording is empty.");
        }
        if (frames > MaxSeconds * sampleRate)
        {
            throw new InvalidAudioException($"The recording is longer than {MaxSeconds / 60:0} minutes.");
        }

        var samples = new float[frames];
        var scale = 1f / channels;
        for (var i = 0; i < frames; i++)
        {
            var frame = data.Slice(i * blockAlign, blockAlign);
            var sum = 0f;
            for (var c = 0; c < channels; c++)
            {
                sum += ReadSample(frame.Slice(c * bytesPerSample, bytesPerSample), format, bits);
            }
            samples[i] = sum * scale;
        }
        return new PcmAudio(samples, sampleRate);
    }

    private static float ReadSample(ReadOnlySpan<byte> s, ushort format, ushort bits) => (format, bits) switch
    {
        (FormatFloat, _) => Math.Clamp(BinaryPrimitives.ReadSingleLittleEndian(s) is var f && float.IsFinite(f) ? f : 0f, -1f, 1f),
        (_, 8) => (s[0] - 128) / 128f,
        (_, 16) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
        (_, 24) => ((s[0] | (s[1] << 8) | ((sbyte)s[2] << 16))) / 8388608f,
        _ => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648f,
    };

    /// <summary>Raw signed 16-bit little-endian mono (what ffmpeg writes with <c>-f s16le -ac 1</c>).</summary>
    public static void S16LeToFloat(ReadOnlySpan<byte> pcm, Span<float> destination)
    {
        var n = Math.Min(pcm.Length / 2, destination.Length);
        for (var i = 0; i < n; i++)
        {
            destination[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(2 * i, 2)) / 32768f;
        }
    }
}
