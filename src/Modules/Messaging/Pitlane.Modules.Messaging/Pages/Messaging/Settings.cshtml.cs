using Microsoft.AspNetCore.Mvc;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging.Pages.Messaging;

/// <summary>The shop's name in texts, its time zone, quiet hours and whether reminders go out.</summary>
public sealed class MessagingSettingsModel(PageOrganization organizations, MessagingSettingsStore settings) : MessagingPage(organizations, settings)
{
    private readonly MessagingSettingsStore _settings = settings;

    public bool CanManage => MessagingPermissions.Manage.Allows(Organization?.Role);

    [BindProperty]
    public string ShopName { get; set; } = "";

    [BindProperty]
    public string TimeZone { get; set; } = "UTC";

    [BindProperty]
    public string QuietStart { get; set; } = "21:00";

    [BindProperty]
    public string QuietEnd { get; set; } = "08:00";

    [BindProperty]
    public bool Reminders { get; set; } = true;

    public string? Saved { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            var s = await _settings.GetAsync(Organization!.Id, ct);
            (ShopName, TimeZone, QuietStart, QuietEnd, Reminders) = (s.ShopName, s.TimeZone, QuietHours.Clock(s.QuietStartMinute), QuietHours.Clock(s.QuietEndMinute), s.RemindersEnabled);
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !CanManage)
        {
            return Forbid();
        }
        var start = QuietHours.ParseClock(QuietStart);
        var end = QuietHours.ParseClock(QuietEnd);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            ModelState.AddModelError(nameof(TimeZone), "Use a time zone name such as America/Chicago or Europe/Berlin.");
        }
        if (start is null || end is null)
        {
            ModelState.AddModelError(nameof(QuietStart), "Quiet hours are times of day such as 21:00 and 08:00.");
        }
        if ((ShopName ?? "").Trim().Length > 120)
        {
            ModelState.AddModelError(nameof(ShopName), "The shop's name is at most 120 characters.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        await _settings.SaveAsync(Organization!.Id, TimeZone, start!.Value, end!.Value, Reminders, (ShopName ?? "").Trim(), ct);
        Saved = "Saved. Texts written during quiet hours now wait until they end.";
        return Page();
    }
}
