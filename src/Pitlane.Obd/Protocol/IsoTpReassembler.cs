namespace Pitlane.Obd.Protocol;

/// <summary>
/// ISO 15765-2 reassembly of single, first and consecutive frames, per sender, for answers in
/// which several ECUs interleave their frames. Buffers are allocated once and reused, so a warm
/// reassembler allocates nothing. Errors (wrong sequence number, truncated frame, consecutive
/// frame without a first frame, a message that never completes) are typed exceptions.
/// </summary>
public sealed class IsoTpReassembler
{
    public const int MaxMessageLength = 4095;
    private readonly Slot[] _slots;
    private int _used;

    public IsoTpReassembler(int maxSenders = 8)
    {
        _slots = new Slot[maxSenders];
        for (int i = 0; i < maxSenders; i++) _slots[i] = new Slot();
    }

    public int MessageCount { get; private set; }

    public void Reset()
    {
        for (int i = 0; i < _used; i++) _slots[i].Clear();
        _used = 0;
        MessageCount = 0;
    }

    /// <summary>
    /// Feeds one CAN frame's data bytes (PCI first) from <paramref name="sender"/>; returns the
    /// sender index for <see cref="TryGetMessage"/> when this frame completed a message, else -1.
    /// </summary>
    public int Push(uint sender, ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty) throw new ObdMalformedAnswerException($"empty CAN frame from {sender:X}");
        int index = SlotFor(sender);
        var slot = _slots[index];
        int type = frame[0] >> 4;
        switch (type)
        {
            case 0:
            {
                int length = frame[0] & 0x0F;
                if (length == 0 || length > frame.Length - 1)
                    throw new ObdMalformedAnswerException($"truncated single frame from {sender:X}: PCI announces {length} bytes, {frame.Length - 1} present");
                if (slot.Expected > 0 && !slot.Complete)
                    throw new ObdMalformedAnswerException($"single frame from {sender:X} interrupts an unfinished multi-frame message");
                slot.Append(frame.Slice(1, length), length);
                slot.Complete = true;
                slot.Messages++;
                MessageCount++;
                return index;
            }
            case 1:
            {
                if (frame.Length < 2) throw new ObdMalformedAnswerException($"truncated first frame from {sender:X}");
                int length = ((frame[0] & 0x0F) << 8) | frame[1];
                if (length < 8) throw new ObdMalformedAnswerException($"first frame from {sender:X} announces only {length} bytes");
                if (slot.Expected > 0 && !slot.Complete)
                    throw new ObdMalformedAnswerException($"first frame from {sender:X} interrupts an unfinished multi-frame message");
                slot.Start(length);
                slot.Add(frame[2..]);
                slot.NextSequence = 1;
                break;
            }
            case 2:
            {
                if (slot.Expected == 0 || slot.Complete)
                    throw new ObdMalformedAnswerException($"consecutive frame from {sender:X} without a first frame");
                int sequence = frame[0] & 0x0F;
                if (sequence != slot.NextSequence)
                    throw new ObdMalformedAnswerException($"ISO-TP sequence error from {sender:X}: expected {slot.NextSequence:X}, got {sequence:X}");
                slot.NextSequence = (sequence + 1) & 0x0F;
                slot.Add(frame[1..]);
                if (slot.Received >= slot.Expected)
                {
                    slot.Complete = true;
                    slot.Messages++;
                    MessageCount++;
                    return index;
                }
                break;
            }
            case 3:
                break; // Flow control: the adapter's business, not part of any answer.
            default:
                throw new ObdMalformedAnswerException($"unknown ISO-TP frame type {type:X} from {sender:X}");
        }
        return -1;
    }

    /// <summary>Throws when a multi-frame message was started but not completed (first frame announcing more than ever came).</summary>
    public void EnsureComplete()
    {
        for (int i = 0; i < _used; i++)
        {
            var s = _slots[i];
            if (s.Expected > 0 && !s.Complete)
                throw new ObdMalformedAnswerException($"incomplete ISO-TP message from {s.Sender:X}: {s.Received} of {s.Expected} bytes received");
        }
    }

    public int SenderCount => _used;

    /// <summary>The last completed message of the i-th sender (in order of first appearance).</summary>
    public bool TryGetMessage(int index, out uint sender, out ReadOnlySpan<byte> message)
    {
        var s = _slots[index];
        sender = s.Sender;
        message = s.Complete ? s.Buffer.AsSpan(0, s.Expected) : default;
        return s.Complete;
    }

    private int SlotFor(uint sender)
    {
        for (int i = 0; i < _used; i++)
        {
            if (_slots[i].Sender == sender) return i;
        }
        if (_used == _slots.Length) throw new ObdMalformedAnswerException($"more than {_slots.Length} senders answered");
        _slots[_used].Sender = sender;
        return _used++;
    }

    private sealed class Slot
    {
        // Grown to the largest message seen, so a short-lived reassembler stays small and a reused one stops allocating.
        public byte[] Buffer { get; private set; } = [];
        public uint Sender { get; set; }
        public int Expected { get; private set; }
        public int Received { get; private set; }
        public int NextSequence { get; set; }
        public bool Complete { get; set; }
        public int Messages { get; set; }

        public void Clear()
        {
            Expected = 0;
            Received = 0;
            Complete = false;
            Messages = 0;
        }

        public void Start(int length)
        {
            Reserve(length);
            Expected = length;
            Received = 0;
            Complete = false;
        }

        public void Append(ReadOnlySpan<byte> data, int length)
        {
            Reserve(length);
            data.CopyTo(Buffer);
            Expected = length;
            Received = length;
        }

        private void Reserve(int length)
        {
            if (Buffer.Length < length) Buffer = new byte[Math.Max(length, Math.Min(MaxMessageLength, Buffer.Length * 2))];
        }

        // Consecutive frames are padded to 8 bytes: keep only what the first frame announced.
        public void Add(ReadOnlySpan<byte> data)
        {
            int take = Math.Min(data.Length, Expected - Received);
            data[..take].CopyTo(Buffer.AsSpan(Received));
            Received += take;
        }
    }
}
