using Microsoft.AspNetCore.Http;

namespace Pitlane.Platform.Tenancy;

/// <summary>
/// The organisation a signed-in page works in: the one chosen in the switcher (a cookie), if the user is still a member;
/// otherwise their first shop or dealership, otherwise their personal organisation.
/// </summary>
public sealed class PageOrganization(IHttpContextAccessor accessor, IMembershipDirectory directory)
{
    public const string Cookie = "pitlane.org";

    private IReadOnlyList<MeOrganization>? _all;
    private MeOrganization? _current;

    public async Task<IReadOnlyList<MeOrganization>> AllAsync(CancellationToken ct)
    {
        if (_all is null)
        {
            var user = accessor.HttpContext?.User;
            _all = user?.UserId() is { } userId
                ? await directory.OrganizationsOfAsync(userId, user.PersonalOrganizationId() ?? Guid.Empty, ct)
                : [];
        }
        return _all;
    }

    public async Task<MeOrganization?> CurrentAsync(CancellationToken ct)
    {
        if (_current is not null)
        {
            return _current;
        }
        var all = await AllAsync(ct);
        var http = accessor.HttpContext;
        if (http is not null && Guid.TryParse(http.Request.Cookies[Cookie], out var chosen))
        {
            _current = all.FirstOrDefault(o => o.Id == chosen);
        }
        _current ??= all.FirstOrDefault(o => !o.Personal) ?? all.FirstOrDefault();
        return _current;
    }

    public static void Choose(HttpResponse response, Guid organizationId) =>
        response.Cookies.Append(Cookie, organizationId.ToString(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(180),
        });
}
