using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Messaging.Threads;

namespace Pitlane.Modules.Messaging;

/// <summary>A shop's messaging settings (its own row, or the installation's defaults until it saves one).</summary>
public sealed class MessagingSettingsStore(MessagingDbContext db, CustomerMessagingOptions options)
{
    public async Task<ShopMessagingSettings> GetAsync(Guid organizationId, CancellationToken ct) =>
        await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.OrganizationId == organizationId, ct) ?? new ShopMessagingSettings
        {
            OrganizationId = organizationId, TimeZone = options.DefaultTimeZone, QuietStartMinute = QuietHours.ParseClock(options.DefaultQuietStart) ?? 0,
            QuietEndMinute = QuietHours.ParseClock(options.DefaultQuietEnd) ?? 0,
        };

    public async Task<ShopMessagingSettings> SaveAsync(Guid organizationId, string timeZone, int quietStart, int quietEnd, bool reminders, string shopName, CancellationToken ct)
    {
        var row = await db.Settings.FirstOrDefaultAsync(s => s.OrganizationId == organizationId, ct);
        if (row is null)
        {
            row = new ShopMessagingSettings { OrganizationId = organizationId };
            db.Settings.Add(row);
        }
        row.TimeZone = timeZone;
        row.QuietStartMinute = quietStart;
        row.QuietEndMinute = quietEnd;
        row.RemindersEnabled = reminders;
        row.ShopName = shopName;
        await db.SaveChangesAsync(ct);
        return row;
    }
}
