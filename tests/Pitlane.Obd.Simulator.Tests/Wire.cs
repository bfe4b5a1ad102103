namespace Pitlane.Obd.Simulator.Tests;

/// <summary>An independent reading of ELM327 output, written for the tests from ISO 15765-2 and SAE J1979.</summary>
internal static class Wire
{
    /// <summary>Reassembles headers-on CAN lines (11-bit "7E8 ..." or 29-bit "18 DA F1 10 ...") into ISO-TP messages per sender.</summary>
    public static Dictionary<string, List<byte[]>> Messages(IEnumerable<string> lines)
    {
        var messages = new Dictionary<string, List<byte[]>>();
        var partial = new Dictionary<string, (int Length, List<byte> Data)>();
        foreach (var line in lines)
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var headerTokens = tokens[0].Length == 3 ? 1 : 4;
            var id = string.Concat(tokens.Take(headerTokens));
            var bytes = tokens.Skip(headerTokens).Select(t => Convert.ToByte(t, 16)).ToArray();
            Assert.Equal(8, bytes.Length);
            if (!messages.ContainsKey(id))
            {
                messages[id] = [];
            }

            switch (bytes[0] >> 4)
            {
                case 0:
                    messages[id].Add(bytes[1..(1 + bytes[0])]);
                    break;
                case 1:
                    var length = ((bytes[0] & 0x0F) << 8) | bytes[1];
                    partial[id] = (length, [.. bytes[2..]]);
                    break;
                case 2:
                    var (total, data) = partial[id];
                    Assert.Equal((data.Count + 1) / 7 % 16, bytes[0] & 0x0F);
                    data.AddRange(bytes[1..]);
                    if (data.Count >= total)
                    {
                        messages[id].Add([.. data.Take(total)]);
                        partial.Remove(id);
                    }

                    break;
                default:
                    Assert.Fail("Unexpected PCI in " + line);
                    break;
            }
        }

        Assert.Empty(partial);
        return messages;
    }

    public static byte[] Bytes(string line) =>
        [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => Convert.ToByte(t, 16))];

    /// <summary>SAE J2012 two-byte DTC to its five-character code.</summary>
    public static string Dtc(byte a, byte b) => $"{"PCBU"[a >> 6]}{(a >> 4) & 3}{a & 0x0F:X}{b:X2}";

    /// <summary>Service 03/07/0A on CAN: count byte then pairs.</summary>
    public static string[] CanDtcs(byte[] message)
    {
        Assert.Equal(1 + 1 + (2 * message[1]), message.Length);
        return [.. Enumerable.Range(0, message[1]).Select(i => Dtc(message[2 + (2 * i)], message[3 + (2 * i)]))];
    }
}
