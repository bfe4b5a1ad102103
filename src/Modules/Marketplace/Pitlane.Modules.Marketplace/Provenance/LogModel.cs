namespace Pitlane.Modules.Marketplace.Provenance;

/// <summary>One entry of the provenance log: the exact bytes whose RFC 9162 leaf hash is in the tree.</summary>
public sealed class LogEntry
{
    private LogEntry()
    {
    }

    public LogEntry(long index, string serial, byte[] data, DateTime createdAt)
    {
        Index = index;
        Serial = serial;
        Data = data;
        CreatedAt = createdAt;
    }

    public long Index { get; private set; }
    public string Serial { get; private set; } = "";
    public byte[] Data { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
}

/// <summary>A C2SP tile: the hashes of level 8·Level, indices 256·TileIndex.., concatenated. Partial tiles grow in place.</summary>
public sealed class LogTile
{
    private LogTile()
    {
    }

    public LogTile(int level, long tileIndex, byte[] hashes)
    {
        Level = level;
        TileIndex = tileIndex;
        Hashes = hashes;
    }

    public int Level { get; private set; }
    public long TileIndex { get; private set; }
    public byte[] Hashes { get; set; } = [];
}

/// <summary>A signed tree head: the C2SP checkpoint note for one tree size.</summary>
public sealed class LogCheckpoint
{
    private LogCheckpoint()
    {
    }

    public LogCheckpoint(long size, byte[] rootHash, string note, DateTime createdAt)
    {
        Size = size;
        RootHash = rootHash;
        Note = note;
        CreatedAt = createdAt;
    }

    public long Size { get; private set; }
    public byte[] RootHash { get; private set; } = [];
    public string Note { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

/// <summary>The generated checkpoint key, kept when no key is configured (one row, id 1).</summary>
public sealed class LogKey
{
    private LogKey()
    {
    }

    public LogKey(string privateKey, DateTime createdAt)
    {
        Id = 1;
        PrivateKey = privateKey;
        CreatedAt = createdAt;
    }

    public int Id { get; private set; }
    public string PrivateKey { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}
