namespace Pitlane.Modules.Messaging.Sms;

public enum SmsKeyword
{
    None,
    Stop,
    Start,
    Help,
}

/// <summary>
/// Carrier / CTIA keywords as Twilio applies them: the whole message, trimmed, case-insensitive. STOP, STOPALL,
/// UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT opt out; START, YES, UNSTOP opt back in; HELP, INFO ask for help.
/// "Stop by at 3" is a message, not a keyword.
/// </summary>
public static class SmsKeywords
{
    private static readonly HashSet<string> Stop = new(StringComparer.OrdinalIgnoreCase) { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT" };
    private static readonly HashSet<string> Start = new(StringComparer.OrdinalIgnoreCase) { "START", "YES", "UNSTOP" };
    private static readonly HashSet<string> Help = new(StringComparer.OrdinalIgnoreCase) { "HELP", "INFO" };

    public static SmsKeyword Of(string? body)
    {
        var word = (body ?? "").Trim().TrimEnd('.', '!');
        return Stop.Contains(word) ? SmsKeyword.Stop : Start.Contains(word) ? SmsKeyword.Start : Help.Contains(word) ? SmsKeyword.Help : SmsKeyword.None;
    }
}
