using System.Security.Cryptography;
using System.Text;

namespace Pitlane.Modules.Messaging.Sms;

/// <summary>
/// X-Twilio-Signature (Twilio "Webhooks security"): Base64(HMAC-SHA1(auth token, the full URL Twilio called + every POST
/// parameter's name and value concatenated, sorted by name)). Compared in fixed time.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    public static bool Valid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 100)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, form));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
