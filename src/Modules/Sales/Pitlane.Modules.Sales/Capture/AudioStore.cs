using System.Buffers.Binary;
using Microsoft.Extensions.Options;

namespace Pitlane.Modules.Sales.Capture;

/// <summary>
/// The decoded audio of sessions in progress: 16 kHz mono signed 16-bit PCM appended to one file per session, read
/// whole for the report and the transcript, deleted when the report is complete.
/// </summary>
public sealed class AudioStore(IOptions<SalesOptions> options, IOptions<Pitlane.Platform.PitlaneOptions> platform)
{
    public const int BytesPerSecond = 32_000;

    /// <summary>Pitlane:Sales:AudioDirectory, or sales-audio in the data directory (shared by the instances).</summary>
    private string Folder => string.IsNullOrWhiteSpace(options.Value.AudioDirectory)
        ? Path.Combine(Path.GetFullPath(platform.Value.DataDirectory), "sales-audio")
        : options.Value.AudioDirectory;

    private string PathOf(Guid sessionId)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, $"{sessionId:N}.pcm");
    }

    public FileStream OpenAppend(Guid sessionId) =>
        new(PathOf(sessionId), FileMode.Append, FileAccess.Write, FileShare.Read, 16 * 1024, useAsync: true);

    public async Task AppendAsync(Guid sessionId, ReadOnlyMemory<byte> pcm, CancellationToken ct)
    {
        await using var file = OpenAppend(sessionId);
        await file.WriteAsync(pcm, ct);
    }

    public bool Exists(Guid sessionId) => File.Exists(PathOf(sessionId));

    public async Task<float[]> ReadSamplesAsync(Guid sessionId, CancellationToken ct)
    {
        var path = PathOf(sessionId);
        if (!File.Exists(path))
        {
            return [];
        }
        var bytes = await File.ReadAllBytesAsync(path, ct);
        var samples = new float[bytes.Length / 2];
        Pitlane.Speech.WavReader.S16LeToFloat(bytes, samples);
        return samples;
    }

    /// <summary>The session's audio as a 16 kHz mono WAV (what speech-to-text services accept).</summary>
    public async Task<byte[]?> ReadWavAsync(Guid sessionId, CancellationToken ct)
    {
        var path = PathOf(sessionId);
        if (!File.Exists(path))
        {
            return null;
        }
        var pcm = await File.ReadAllBytesAsync(path, ct);
        return Wav(pcm);
    }

    public static byte[] Wav(ReadOnlySpan<byte> pcm)
    {
        var wav = new byte[44 + pcm.Length];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + pcm.Length);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), 16000);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), BytesPerSecond);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), pcm.Length);
        pcm.CopyTo(wav.AsSpan(44));
        return wav;
    }

    public void Delete(Guid sessionId)
    {
        var path = PathOf(sessionId);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
