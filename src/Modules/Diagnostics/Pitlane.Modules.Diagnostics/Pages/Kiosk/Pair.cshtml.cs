using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Diagnostics;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Accounts.Contracts;

namespace Pitlane.Modules.Diagnostics.Pages.Kiosk;

/// <summary>
/// /Kiosk/Pair/{code}: opened on the kiosk's device. GET only shows what will be paired (so a link preview cannot spend
/// the code); the button POSTs, which spends the code, stores the device secret in an HttpOnly cookie and opens /Kiosk.
/// A used, expired or revoked code gets the same 404.
/// </summary>
[AllowAnonymous]
public sealed class PairModel(KioskSessions sessions, TimeProvider time) : PageModel
{
    public string? KioskName { get; private set; }
    public string? OrganizationName { get; private set; }
    public string? AdapterName { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        if (await sessions.FindPairingAsync(code, ct) is not { } found)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        (KioskName, OrganizationName, AdapterName) = (found.Kiosk.Name, found.OrganizationName, found.AdapterName);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        var now = time.GetUtcNow().UtcDateTime;
        if (await sessions.FindPairingAsync(code, ct) is not { } found
            || await sessions.PairAsync(found.Kiosk, ct) is not { } cookie)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Response.Cookies.Append(KioskApi.CookieName, cookie, KioskApi.CookieOptions(Request, now));
        return Redirect("/Kiosk");
    }
}
