using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Pitlane.Modules.Studio;

/// <summary>Keys, liveness and lease hand-back for remote workers; shared by the job, the protocol and the management API.</summary>
internal static class WorkerLeases
{
    /// <summary>A new key: 32 random bytes, base64url (RFC 4648 §5), shown to the caller once; only its SHA-256 is stored.</summary>
    public static (string Key, byte[] Hash) NewKey()
    {
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (key, HashKey(key));
    }

    public static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A worker of the organisation, not revoked, heard from within the lease (its long poll refreshes that every few seconds).</summary>
    public static Task<bool> AnyAliveAsync(StudioDbContext db, Guid organizationId, DateTime now, TimeSpan lease, CancellationToken ct)
    {
        var since = now - lease;
        return db.Workers.AnyAsync(w => w.OrganizationId == organizationId && w.RevokedAt == null && w.LastSeenAt >= since, ct);
    }

    /// <summary>
    /// Takes the photo back from a worker that lost its lease (silent, restarted, revoked): offered again when it was the
    /// first attempt, failed with the reason when it had already been run again once. Conditional on the lease being the
    /// same one, so a late upload and the hand-back never both win.
    /// </summary>
    public static async Task GiveBackAsync(StudioDbContext db, Guid photoId, Guid workerId, string? instance, DateTime leasedAt, string reason, DateTime now)
    {
        var same = db.Photos.Where(p => p.Id == photoId && p.WorkerId == workerId && p.WorkerInstance == instance && p.LeasedAt == leasedAt
            && p.Status == PhotoStatus.Running && p.WorkerError == null);
        var final = $"{reason} It had already been run once more after losing a worker, so it is not retried again: run it again when a worker (or this server) is available.";
        if (await same.Where(p => p.Attempts >= 2)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.WorkerError, final.Length > 500 ? final[..500] : final), CancellationToken.None) == 1)
        {
            return;
        }

        await same.Where(p => p.Attempts < 2).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.WorkerId, (Guid?)null)
            .SetProperty(p => p.WorkerInstance, (string?)null)
            .SetProperty(p => p.LeasedAt, (DateTime?)null)
            .SetProperty(p => p.HeardAt, (DateTime?)null)
            .SetProperty(p => p.Progress, 0)
            .SetProperty(p => p.Stage, reason.Length > 60 ? "Handed out again" : reason)
            .SetProperty(p => p.OfferedAt, now)
            .SetProperty(p => p.UpdatedAt, now), CancellationToken.None);
    }
}
