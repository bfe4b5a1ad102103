namespace Pitlane.Modules.Marketplace.Provenance.Hedera;

public static class AnchorStatus
{
    public const string Pending = "pending";
    public const string Submitted = "submitted";
    public const string Confirmed = "confirmed";
}

/// <summary>
/// One checkpoint's anchor on a Hedera topic: pending until a node accepts the submission, submitted until the mirror
/// node shows the message, then confirmed with the topic's sequence number, consensus timestamp and running hash.
/// </summary>
public sealed class LogAnchor
{
    private LogAnchor()
    {
    }

    public LogAnchor(long checkpointSize, string topicId, string message, DateTime now)
    {
        CheckpointSize = checkpointSize;
        TopicId = topicId;
        Message = message;
        Status = AnchorStatus.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public long CheckpointSize { get; private set; }
    public string TopicId { get; private set; } = "";

    /// <summary>The exact text submitted: "pitlane-checkpoint origin size sha256-hex-of-the-signed-note".</summary>
    public string Message { get; private set; } = "";

    public string Status { get; private set; } = AnchorStatus.Pending;
    public int Attempts { get; private set; }
    public string? TransactionId { get; private set; }
    public string? LastError { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public DateTime? SubmittedAt { get; private set; }
    public long? SequenceNumber { get; private set; }
    public string? ConsensusTimestamp { get; private set; }
    public string? RunningHash { get; private set; }
    public DateTime? ConfirmedAt { get; private set; }

    public void Submitted(string transactionId, DateTime now)
    {
        Attempts++;
        Status = AnchorStatus.Submitted;
        TransactionId = transactionId;
        SubmittedAt = now;
        LastError = null;
    }

    public void Failed(string error, DateTime now, TimeSpan interval)
    {
        Attempts++;
        Status = AnchorStatus.Pending;
        LastError = error.Length > 500 ? error[..500] : error;
        // Backs off (1, 2, 4 … 64 intervals) so a node that is down is not hammered.
        NextAttemptAt = now + interval * Math.Pow(2, Math.Min(Attempts - 1, 6));
    }

    public void NotSeen(DateTime now)
    {
        Status = AnchorStatus.Pending;
        LastError = "The mirror node never showed the submitted message; submitting again.";
        NextAttemptAt = now;
    }

    public void Confirmed(long sequenceNumber, string consensusTimestamp, string runningHash, DateTime now)
    {
        Status = AnchorStatus.Confirmed;
        SequenceNumber = sequenceNumber;
        ConsensusTimestamp = consensusTimestamp;
        RunningHash = runningHash;
        ConfirmedAt = now;
        LastError = null;
    }
}
