using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging.Pages.Messaging;

/// <summary>What every messaging page needs: the current organisation, the caller's rights there, and the shop's time zone for showing times.</summary>
public abstract class MessagingPage(PageOrganization organizations, MessagingSettingsStore settings) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public bool CanSend => MessagingPermissions.Send.Allows(Organization?.Role);

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public string ZoneId => Zone.Id;

    protected async Task<bool> LoadAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = MessagingPermissions.View.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return false;
        }
        var shop = await settings.GetAsync(Organization.Id, ct);
        Zone = TimeZoneInfo.FindSystemTimeZoneById(shop.TimeZone);
        return true;
    }

    /// <summary>A time in the shop's zone: "14:05" today, "Mon 3 Dec, 14:05" otherwise.</summary>
    public string Local(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);
        var today = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Zone).Date;
        return local.Date == today
            ? local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)
            : local.ToString("ddd d MMM, HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string StatusWords(MessageResponse m) => m.Status switch
    {
        "held" => "waiting for quiet hours to end",
        "queued" or "accepted" or "scheduled" => "sending",
        "sending" => "sending",
        "sent" => "sent",
        "delivered" => "delivered",
        "read" => "read",
        "undelivered" or "failed" => "not delivered",
        "refused" => "not sent",
        "stored" => "kept in the outbox (not sent)",
        "received" => "",
        _ => m.Status,
    };
}
