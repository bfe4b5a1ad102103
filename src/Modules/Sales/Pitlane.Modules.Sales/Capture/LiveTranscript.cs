using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Sales.Transcripts;

namespace Pitlane.Modules.Sales.Capture;

/// <summary>
/// Words while someone speaks, for the filler streak: the live PCM is cut into windows of
/// Pitlane:Sales:LiveTranscriptSeconds, each sent to the transcriber on one background worker, and its words (with their
/// times moved to the session's clock) handed to <c>onWords</c>. A window is cut at the quietest 100 ms of its last
/// second, so a word is rarely split in two. A transcriber slower than speech falls behind by at most one window: a
/// window that finds the worker busy with two others is dropped (logged), never queued without bound. A window that
/// fails to transcribe is skipped; the audio metrics go on without it.
/// </summary>
public sealed class LiveTranscript : IAsyncDisposable
{
    private const int BytesPerFrame = AudioStore.BytesPerSecond / 10;

    private readonly ITranscriber _transcriber;
    private readonly Func<IReadOnlyList<TranscriptWord>, Task> _onWords;
    private readonly ILogger _logger;
    private readonly int _windowBytes;
    private readonly Channel<(byte[] Pcm, double StartSeconds)> _windows =
        Channel.CreateBounded<(byte[], double)>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly MemoryStream _buffer = new();
    private readonly Task _worker;
    private readonly CancellationTokenSource _stop = new();
    private double _bufferStart;

    public LiveTranscript(ITranscriber transcriber, double windowSeconds, double startSeconds, Func<IReadOnlyList<TranscriptWord>, Task> onWords, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        _transcriber = transcriber;
        _onWords = onWords;
        _logger = logger;
        _windowBytes = (int)(windowSeconds * 10) * BytesPerFrame;
        _bufferStart = startSeconds;
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Windows dropped because the transcriber could not keep up.</summary>
    public int Dropped { get; private set; }

    /// <summary>Windows waiting for the transcriber (at most 2; a full queue drops the next window, as TryWrite fails).</summary>
    public int Pending => _windows.Reader.Count;

    /// <summary>Windows transcribed.</summary>
    public int Transcribed { get; private set; }

    /// <summary>16-bit little-endian 16 kHz mono PCM, an even number of bytes.</summary>
    public void Append(ReadOnlySpan<byte> pcm)
    {
        _buffer.Write(pcm);
        if (_buffer.Length >= _windowBytes + AudioStore.BytesPerSecond)
        {
            Cut(QuietestFrameEnd(_buffer.GetBuffer().AsSpan(0, (int)_buffer.Length)));
        }
    }

    /// <summary>Sends what is left (if at least half a second), and waits up to <paramref name="wait"/> for the words.</summary>
    public async Task FinishAsync(TimeSpan wait)
    {
        if (_buffer.Length >= AudioStore.BytesPerSecond / 2)
        {
            Cut((int)_buffer.Length);
        }
        _windows.Writer.TryComplete();
        try
        {
            await _worker.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            _logger.LogInformation("Live transcript: the last window was still being transcribed after {Wait}; its words are left to the report.", wait);
        }
    }

    private void Cut(int length)
    {
        var window = _buffer.GetBuffer().AsSpan(0, length).ToArray();
        var rest = _buffer.GetBuffer().AsSpan(length, (int)_buffer.Length - length).ToArray();
        if (!_windows.Writer.TryWrite((window, _bufferStart)))
        {
            Dropped++;
            _logger.LogInformation("Live transcript: the transcriber is behind; {Seconds:0.0} s of audio at {Start:0.0} s are left to the report.",
                length / (double)AudioStore.BytesPerSecond, _bufferStart);
        }
        _bufferStart += length / (double)AudioStore.BytesPerSecond;
        _buffer.SetLength(0);
        _buffer.Write(rest);
    }

    /// <summary>The end of the quietest 100 ms frame in the buffer's last second past the window length.</summary>
    private int QuietestFrameEnd(ReadOnlySpan<byte> pcm)
    {
        var best = _windowBytes;
        var bestEnergy = double.MaxValue;
        for (var start = _windowBytes; start + BytesPerFrame <= pcm.Length && start < _windowBytes + AudioStore.BytesPerSecond; start += BytesPerFrame)
        {
            double energy = 0;
            for (var i = start; i < start + BytesPerFrame; i += 2)
            {
                var s = (short)(pcm[i] | pcm[i + 1] << 8);
                energy += s * (double)s;
            }
            if (energy < bestEnergy)
            {
                bestEnergy = energy;
                best = start + BytesPerFrame;
            }
        }
        return best;
    }

    private async Task RunAsync()
    {
        await foreach (var (pcm, start) in _windows.Reader.ReadAllAsync(_stop.Token))
        {
            try
            {
                var result = await _transcriber.TranscribeAsync(AudioStore.Wav(pcm), _stop.Token);
                Transcribed++;
                var words = result.Words.Select(w => w with { StartSeconds = w.StartSeconds + start, EndSeconds = w.EndSeconds + start }).ToList();
                if (words.Count > 0)
                {
                    await _onWords(words);
                }
            }
            catch (TranscriptionException e)
            {
                _logger.LogInformation("Live transcript: a window at {Start:0.0} s was skipped: {Reason}", start, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Live transcript: the words of the window at {Start:0.0} s could not be used.", start);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _windows.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _worker;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        await _buffer.DisposeAsync();
    }
}
