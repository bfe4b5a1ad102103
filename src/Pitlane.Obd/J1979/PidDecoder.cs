using System.Buffers.Binary;

namespace Pitlane.Obd.J1979;

/// <summary>One scaled value out of a PID answer; <see cref="ValueIndex"/> picks the PID's value definition.</summary>
public readonly record struct PidReading(byte Pid, byte ValueIndex, double Value)
{
    public PidValueDefinition Definition => PidTable.Get(Pid)!.Values[ValueIndex];
}

/// <summary>Where one PID's data sits inside an answer payload.</summary>
public readonly record struct PidSegment(byte Pid, int Offset, int Length);

/// <summary>
/// Allocation-free decoding of SAE J1979 service 01 (and 02 freeze frame) answers, including
/// multi-PID answers (ISO 15765-4 allows up to six PIDs per request). A multi-PID answer carries
/// no lengths, so the split uses the J1979 data lengths and backtracks where a PID has two
/// permitted lengths; a split is accepted only when it consumes the payload exactly.
/// </summary>
public static class PidDecoder
{
    private const int MaxSegments = 16;

    /// <summary>Splits a payload starting with the response service byte (0x41, or 0x42 where each PID is followed by a frame number).</summary>
    public static bool TrySplit(ReadOnlySpan<byte> payload, Span<PidSegment> destination, out int count)
    {
        count = 0;
        if (payload.Length < 2 || (payload[0] != 0x41 && payload[0] != 0x42)) return false;
        int header = payload[0] == 0x42 ? 2 : 1;
        Span<byte> lengths = stackalloc byte[MaxSegments];
        int segments = Layout(payload, 1, header, lengths, 0);
        if (segments <= 0 || segments > destination.Length) return false;
        int pos = 1;
        for (int i = 0; i < segments; i++)
        {
            destination[i] = new PidSegment(payload[pos], pos + header, lengths[i]);
            pos += header + lengths[i];
        }
        count = segments;
        return true;
    }

    // Returns the number of segments from pos to the end, or -1 when no split consumes the payload exactly.
    private static int Layout(ReadOnlySpan<byte> payload, int pos, int header, Span<byte> lengths, int depth)
    {
        if (pos == payload.Length) return 0;
        if (depth >= lengths.Length || pos + header > payload.Length) return -1;
        byte pid = payload[pos];
        int length = PidTable.DataLength(pid);
        int remaining = payload.Length - pos - header;
        if (length == 0)
        {
            // Unknown length: only acceptable as the last PID, taking the rest.
            if (remaining <= 0) return -1;
            lengths[depth] = (byte)Math.Min(remaining, 255);
            return remaining <= 255 ? 1 : -1;
        }
        foreach (int candidate in (ReadOnlySpan<int>)[length, PidTable.AlternativeDataLength(pid)])
        {
            if (candidate == 0 || candidate > remaining) continue;
            int rest = Layout(payload, pos + header + candidate, header, lengths, depth + 1);
            if (rest >= 0)
            {
                lengths[depth] = (byte)candidate;
                return rest + 1;
            }
        }
        return -1;
    }

    /// <summary>Decodes every scaled value of a service 01/02 answer into <paramref name="destination"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, Span<PidReading> destination, out int written)
    {
        written = 0;
        Span<PidSegment> segments = stackalloc PidSegment[MaxSegments];
        if (!TrySplit(payload, segments, out int count)) return false;
        for (int i = 0; i < count; i++)
        {
            var s = segments[i];
            written += DecodePid(s.Pid, payload.Slice(s.Offset, s.Length), destination[written..]);
        }
        return true;
    }

    /// <summary>Decodes the data bytes of one PID; returns how many readings were written.</summary>
    public static int DecodePid(byte pid, ReadOnlySpan<byte> data, Span<PidReading> destination)
    {
        var definition = PidTable.Get(pid);
        if (definition is null) return 0;
        int written = 0;
        var values = definition.Values;
        for (int i = 0; i < values.Count && written < destination.Length; i++)
        {
            var v = values[i];
            if (v.Offset + v.Length > data.Length) break;
            destination[written++] = new PidReading(pid, (byte)i, Scale(v, data.Slice(v.Offset, v.Length)));
        }
        return written;
    }

    private static double Scale(PidValueDefinition v, ReadOnlySpan<byte> field)
    {
        long raw = v.Length switch
        {
            1 => v.Signed ? (sbyte)field[0] : field[0],
            2 => v.Signed ? BinaryPrimitives.ReadInt16BigEndian(field) : BinaryPrimitives.ReadUInt16BigEndian(field),
            _ => v.Signed ? BinaryPrimitives.ReadInt32BigEndian(field) : BinaryPrimitives.ReadUInt32BigEndian(field),
        };
        return raw * v.Scale + v.Add;
    }
}
