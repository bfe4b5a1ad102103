using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pitlane.Modules.Payments.Webhooks;

/// <summary>
/// Stripe's webhook signature: header <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=...]</c> (v0 ignored), where
/// v1 = hex(HMAC-SHA256(secret, "{t}.{raw body}")); accepted when any v1 matches (compared in constant time) and t is
/// within the tolerance (300 s) of now. The built-in processor signs the same way with its own secret.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Stripe-Signature";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <summary>Null when valid, else why not (for the log and the 400 body; never reveals the expected signature).</summary>
    public static string? Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            return "The Stripe-Signature header is missing.";
        }
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (name == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (name == "v1" && value.Length == 64 && IsHex(value))
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }
        if (timestamp is null)
        {
            return "The Stripe-Signature header has no timestamp.";
        }
        if (signatures.Count == 0)
        {
            return "The Stripe-Signature header has no v1 signature.";
        }
        var expected = Mac(secret, timestamp.Value, body);
        var matched = false;
        foreach (var signature in signatures)
        {
            // Every candidate is compared, in constant time, so timing tells nothing about which matched.
            matched |= CryptographicOperations.FixedTimeEquals(signature, expected);
        }
        if (!matched)
        {
            return "No signature matches the payload.";
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp.Value);
        if (age.Duration() > tolerance)
        {
            return "The timestamp is outside the tolerance zone.";
        }
        return null;
    }

    private static byte[] Mac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigit);
}
