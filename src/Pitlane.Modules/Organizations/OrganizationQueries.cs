using Microsoft.EntityFrameworkCore;
using Pitlane.Identity;
using Pitlane.Platform.Persistence;

namespace Pitlane.Organizations;

public static class OrganizationQueries
{
    public static async Task<IReadOnlyList<MeOrganization>> OfUserAsync(PitlaneDbContext db, Guid userId, Guid personalOrganizationId, CancellationToken ct)
    {
        var rows = await (
                from m in db.Memberships.AsNoTracking()
                join o in db.Organizations.AsNoTracking() on m.OrganizationId equals o.Id
                where m.UserId == userId
                select new { o.Id, o.Name, o.Kind, m.Role })
            .ToListAsync(ct);
        return rows
            .Select(r => new MeOrganization(r.Id, r.Name, r.Kind, r.Role, r.Id == personalOrganizationId))
            .OrderByDescending(o => o.Personal)
            .ThenBy(o => o.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
