using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>
/// The Accounts module's answers to the kernel (<see cref="IMembershipDirectory"/>: tenancy on every request) and to
/// other modules (<see cref="IOrganizationDirectory"/>: organisation names).
/// </summary>
internal sealed class OrganizationQueries(AccountsDbContext db) : IMembershipDirectory, IOrganizationDirectory
{
    public async Task<OrganizationRole?> RoleOfAsync(Guid organizationId, Guid userId, CancellationToken ct) =>
        await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => (OrganizationRole?)m.Role)
            .FirstOrDefaultAsync(ct);

    public Task<IReadOnlyList<MeOrganization>> OrganizationsOfAsync(Guid userId, Guid personalOrganizationId, CancellationToken ct) =>
        OfUserAsync(db, userId, personalOrganizationId, ct);

    public static async Task<IReadOnlyList<MeOrganization>> OfUserAsync(AccountsDbContext db, Guid userId, Guid personalOrganizationId, CancellationToken ct)
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

    public async Task<string?> NameOfAsync(Guid organizationId, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Name).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyDictionary<Guid, string>> NamesOfAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);

    public async Task<Guid?> FindAsync(string name, OrganizationKind kind, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().Where(o => o.Name == name && o.Kind == kind).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
}
