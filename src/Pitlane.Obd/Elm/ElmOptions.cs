using Pitlane.Obd.Protocol;

namespace Pitlane.Obd.Elm;

public sealed record ElmOptions
{
    /// <summary>Longest wait for the <c>&gt;</c> prompt after an ordinary command.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for the first request, during which the adapter searches the protocols (SEARCHING...).</summary>
    public TimeSpan SearchTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait after ATZ; a reset takes about a second on a genuine ELM327.</summary>
    public TimeSpan ResetTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cap on the characters of one answer: a 4095-byte ISO-TP message is about 15 000 with headers and spaces.</summary>
    public int MaxAnswerChars { get; init; } = 64 * 1024;

    /// <summary>Send ATZ first. Some clones drop the connection on reset; ATWS is not used for the same reason.</summary>
    public bool Reset { get; init; } = true;

    public ObdProtocol Protocol { get; init; } = ObdProtocol.Automatic;

    /// <summary>ELM327 adaptive timing (ATAT0/1/2); 1 is the data sheet default, 2 is faster and harsher.</summary>
    public int AdaptiveTiming { get; init; } = 1;

    /// <summary>Extra 0100 requests when the first answer after the protocol search is NO DATA or garbled.</summary>
    public int SearchRetries { get; init; } = 2;

    /// <summary>Throws when a setting cannot work, naming the setting.</summary>
    public void Validate()
    {
        foreach (var (name, value) in (ReadOnlySpan<(string, TimeSpan)>)[(nameof(CommandTimeout), CommandTimeout), (nameof(SearchTimeout), SearchTimeout), (nameof(ResetTimeout), ResetTimeout), (nameof(ConnectTimeout), ConnectTimeout)])
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(5))
                throw new ArgumentOutOfRangeException(name, value, $"ElmOptions.{name} must be between 0 and 5 minutes");
        }
        if (MaxAnswerChars < 1024)
            throw new ArgumentOutOfRangeException(nameof(MaxAnswerChars), MaxAnswerChars, "ElmOptions.MaxAnswerChars must be at least 1024");
        if (AdaptiveTiming is < 0 or > 2)
            throw new ArgumentOutOfRangeException(nameof(AdaptiveTiming), AdaptiveTiming, "ElmOptions.AdaptiveTiming is 0, 1 or 2 (ATAT0-2)");
        if (SearchRetries < 0)
            throw new ArgumentOutOfRangeException(nameof(SearchRetries), SearchRetries, "ElmOptions.SearchRetries cannot be negative");
    }
}
