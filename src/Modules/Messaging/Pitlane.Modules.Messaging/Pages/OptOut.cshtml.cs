using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Messaging.FollowUps;
using Pitlane.Modules.Messaging.Threads;
using Pitlane.Modules.Shop.Contracts;

namespace Pitlane.Modules.Messaging.Pages;

/// <summary>The link at the foot of a reminder e-mail: one button stops reminders (e-mail consent withdrawn, waiting reminders cancelled).</summary>
[AllowAnonymous]
public sealed class OptOutModel(IDataProtectionProvider protection, IShopCustomerDirectory customers, FollowUpService followUps) : PageModel
{
    public bool Valid { get; private set; }

    public bool Done { get; private set; }

    private (Guid Org, Guid Customer)? Read(string token)
    {
        try
        {
            var parts = protection.CreateProtector(Messenger.OptOutPurpose).Unprotect(token).Split(':');
            return parts.Length == 2 && Guid.TryParse(parts[0], out var org) && Guid.TryParse(parts[1], out var customer) ? (org, customer) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public IActionResult OnGet(string token)
    {
        Valid = Read(token) is not null;
        if (!Valid)
        {
            Response.StatusCode = 404;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        if (Read(token) is not { } who)
        {
            Response.StatusCode = 404;
            return Page();
        }
        Valid = true;
        await customers.RecordConsentAsync(who.Org, who.Customer, "email", false, "reminder e-mail opt-out link", ct);
        await followUps.CancelForCustomerAsync(who.Org, who.Customer, "The customer opted out with the link in a reminder.", ct);
        Done = true;
        return Page();
    }
}
