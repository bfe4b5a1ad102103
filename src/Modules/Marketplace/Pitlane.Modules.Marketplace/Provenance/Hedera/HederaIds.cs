using System.Globalization;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Pitlane.Modules.Marketplace.Provenance.Hedera;

/// <summary>A Hedera entity id "shard.realm.num" (accounts, topics).</summary>
public readonly record struct HederaEntityId(long Shard, long Realm, long Num)
{
    public static HederaEntityId? Parse(string? text)
    {
        var parts = text?.Trim().Split('.');
        if (parts is not { Length: 3 })
        {
            return null;
        }
        var values = new long[3];
        for (var i = 0; i < 3; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }
        return new HederaEntityId(values[0], values[1], values[2]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Shard}.{Realm}.{Num}");
}

/// <summary>
/// The operator's Ed25519 key, given as hex: the 32-byte seed, or the DER PKCS#8 form the Hedera portal and SDKs print
/// (prefix 302e020100300506032b657004220420).
/// </summary>
public sealed class HederaOperatorKey
{
    private const string DerPrefix = "302e020100300506032b657004220420";
    private readonly Ed25519PrivateKeyParameters key;

    private HederaOperatorKey(byte[] seed)
    {
        key = new Ed25519PrivateKeyParameters(seed);
        PublicKey = key.GeneratePublicKey().GetEncoded();
    }

    public byte[] PublicKey { get; }

    public static HederaOperatorKey? Parse(string? hex)
    {
        var text = hex?.Trim();
        if (text is null)
        {
            return null;
        }
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }
        if (text.Length == 96 && text.StartsWith(DerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[DerPrefix.Length..];
        }
        if (text.Length != 64)
        {
            return null;
        }
        try
        {
            return new HederaOperatorKey(Convert.FromHexString(text));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public byte[] Sign(byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }
}
