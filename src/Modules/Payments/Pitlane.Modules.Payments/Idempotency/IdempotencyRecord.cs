namespace Pitlane.Modules.Payments.Idempotency;

/// <summary>One Idempotency-Key of one caller: unique per (scope, key); in flight until its response is stored.</summary>
public sealed class IdempotencyRecord
{
    public Guid Id { get; set; }

    public string Scope { get; set; } = "";

    public string Key { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public bool Completed { get; set; }

    /// <summary>Until then another request with the key is a 409; after it (the instance died) the key may be taken over.</summary>
    public DateTime LockedUntil { get; set; }

    public DateTime CreatedAt { get; set; }

    public int StatusCode { get; set; }

    public string? ContentType { get; set; }

    public string? Location { get; set; }

    public byte[]? Body { get; set; }
}
