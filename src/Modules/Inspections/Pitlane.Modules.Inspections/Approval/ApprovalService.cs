using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Modules.Messaging.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Inspections.Approval;

public sealed record PublicMedia(string Kind, string Url, string? PosterUrl);

public sealed record PublicItem(Guid Id, string Section, string Name, Rating Rating, string? Measurement, string? Notes, Guid? JobId, IReadOnlyList<PublicMedia> Media);

/// <param name="Decidable">The customer may still approve or decline it (pending, or decided but not started).</param>
public sealed record PublicJob(Guid Id, string Title, string? Cause, string Status, long Total, bool Decidable);

/// <summary>What the customer's page shows: never an internal id beyond the jobs', never a member path.</summary>
public sealed record PublicInspection(
    Guid InspectionId, string ShopName, string Vehicle, int RepairOrderNumber, string Currency, DateTime ExpiresAt, string? NarrationUrl,
    string? NarrationText, IReadOnlyList<PublicItem> Attention, int GoodCount, IReadOnlyList<PublicJob> Jobs);

public sealed record PublicDecisionResult(int Applied, IReadOnlyList<string> Problems);

/// <summary>
/// The customer's side: issuing, revoking and opening approval links, and applying the customer's decisions to the
/// repair order through Shop.Contracts (which records them in the RO's audit trail and pushes them live to the shop).
/// </summary>
public sealed class ApprovalService(
    InspectionsDbContext db, ApprovalLinks links, TimeProvider time, IOptions<InspectionsOptions> options, IShopRepairOrders orders,
    IVehicleDirectory vehicles, IOrganizationDirectory organizations, IMediaStore media, ILiveChannel live, IServiceProvider services)
{
    public const int MaxSignedNameLength = 120;

    public async Task<Outcome<ShareLinkResponse>> ShareAsync(Guid organizationId, Guid id, int? hours, bool send, string? channel, string baseUrl, Guid? by,
        CancellationToken ct)
    {
        var inspection = await db.Inspections.FirstOrDefaultAsync(i => i.Id == id && i.OrganizationId == organizationId, ct);
        if (inspection is null)
        {
            return new(null, NotFound: true);
        }
        var errors = new Dictionary<string, string[]>();
        if (hours is < 1 or > 24 * 60)
        {
            errors["hours"] = ["hours is between 1 and 1440 (60 days)."];
        }
        if (channel is not (null or "sms" or "email"))
        {
            errors["channel"] = ["channel is sms, email, or empty for the customer's preferred channel."];
        }
        if (errors.Count > 0)
        {
            return new(null, errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var expires = now.AddHours(hours ?? options.Value.LinkHours);
        expires = expires.AddTicks(-(expires.Ticks % TimeSpan.TicksPerSecond));
        inspection.Share(expires, now);
        await db.SaveChangesAsync(ct);
        var url = $"{baseUrl.TrimEnd('/')}{ApprovalLinks.PathPrefix}{links.Issue(inspection.Id, inspection.ShareVersion, expires)}";
        if (!send)
        {
            return new(new ShareLinkResponse(url, expires, inspection.ShareVersion, null, null, null));
        }
        // Messaging is a separate module that may not be installed: without it the advisor copies the link.
        if (services.GetService<ICustomerMessenger>() is not { } messenger)
        {
            return new(new ShareLinkResponse(url, expires, inspection.ShareVersion, null, false, "Messaging is not available here: copy the link and send it yourself."));
        }
        var vehicle = await vehicles.FindAsync(organizationId, inspection.VehicleId, ct);
        var sent = await messenger.SendAsync(new CustomerMessage(organizationId, inspection.CustomerId, "approval",
            new Dictionary<string, string> { ["link"] = url, ["vehicle"] = vehicle?.Title ?? "your vehicle" }, channel, inspection.RepairOrderId, by), ct);
        return new(new ShareLinkResponse(url, expires, inspection.ShareVersion, sent.Channel, sent.Sent, sent.Refused));
    }

    public async Task<Inspection?> RevokeAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var inspection = await db.Inspections.FirstOrDefaultAsync(i => i.Id == id && i.OrganizationId == organizationId, ct);
        if (inspection is null)
        {
            return null;
        }
        inspection.Revoke(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return inspection;
    }

    /// <summary>The inspection a token opens, or null for every reason alike (malformed, forged, expired, revoked, superseded).</summary>
    private async Task<Inspection?> OpenAsync(string? token, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (links.Read(token, now) is not { } claims)
        {
            return null;
        }
        var inspection = await db.Inspections.Include(i => i.Items).ThenInclude(i => i.Media).AsSplitQuery()
            .FirstOrDefaultAsync(i => i.Id == claims.InspectionId, ct);
        return inspection is { RevokedAt: null, ShareExpiresAt: { } expires } && expires > now && inspection.ShareVersion == claims.Version ? inspection : null;
    }

    public async Task<PublicInspection?> ViewAsync(string? token, CancellationToken ct)
    {
        if (await OpenAsync(token, ct) is not { } inspection || await orders.FindAsync(inspection.OrganizationId, inspection.RepairOrderId, ct) is not { } ro)
        {
            return null;
        }
        var org = inspection.OrganizationId;
        var expires = inspection.ShareExpiresAt!.Value;
        var vehicle = await vehicles.FindAsync(org, inspection.VehicleId, ct);
        var shop = await organizations.NameOfAsync(org, ct) ?? "Your workshop";
        async Task<string?> Signed(Guid? mediaId)
        {
            return mediaId is { } mid && await media.FindAsync(org, mid, ct) is { } item ? media.SignedPath(item, expires) : null;
        }
        var attention = new List<PublicItem>();
        foreach (var item in inspection.Items.Where(i => i.Rating is Rating.Red or Rating.Yellow).OrderByDescending(i => i.Rating).ThenBy(i => i.Position))
        {
            var shown = new List<PublicMedia>();
            foreach (var m in item.Media.Where(m => m.State == MediaState.Ready).OrderBy(m => m.CreatedAt))
            {
                if (m.IsVideo && await Signed(m.VideoMediaId) is { } video)
                {
                    shown.Add(new PublicMedia("video", video, await Signed(m.PosterMediaId)));
                }
                else if (!m.IsVideo && await Signed(m.OriginalMediaId) is { } photo)
                {
                    shown.Add(new PublicMedia("photo", photo, null));
                }
            }
            var kind = Measurements.Find(item.Measurement);
            var measured = kind is not null && item.MeasuredValue is { } v ? $"{kind.Label}: {v:0.##} {kind.Unit}" : null;
            attention.Add(new PublicItem(item.Id, item.Section, item.Name, item.Rating!.Value, measured, item.Notes, item.ProposedJobId, shown));
        }
        var jobs = ro.Jobs.Select(j => new PublicJob(j.Id, j.Title, j.Cause, j.Status, j.Total, Decidable(j.Status))).ToList();
        return new PublicInspection(inspection.Id, shop, vehicle?.Title ?? "your vehicle", ro.Number, ro.Currency, expires,
            await Signed(inspection.NarrationMediaId), inspection.NarrationMediaId is null ? null : inspection.NarrationText,
            attention, inspection.Items.Count(i => i.Rating == Rating.Green), jobs);
    }

    private static bool Decidable(string status) => status is "pending" or "authorised" or "declined";

    /// <summary>
    /// Applies the customer's decisions. Null: the link does not open (404). Each decision goes to the RO with the time,
    /// the address and the typed name, and is recorded here with what the RO answered.
    /// </summary>
    public async Task<PublicDecisionResult?> DecideAsync(string? token, IReadOnlyDictionary<Guid, bool> decisions, string? signedName, string? ipAddress,
        CancellationToken ct)
    {
        if (await OpenAsync(token, ct) is not { } inspection || await orders.FindAsync(inspection.OrganizationId, inspection.RepairOrderId, ct) is not { } ro)
        {
            return null;
        }
        var name = signedName?.Trim() ?? "";
        var problems = new List<string>();
        if (name.Length is < 2 or > MaxSignedNameLength)
        {
            problems.Add("Type your full name to sign.");
        }
        if (decisions.Count == 0)
        {
            problems.Add("Choose yes or no for at least one item.");
        }
        var known = ro.Jobs.ToDictionary(j => j.Id);
        if (decisions.Keys.Any(id => !known.TryGetValue(id, out var job) || !Decidable(job.Status)))
        {
            problems.Add("Some of the work can no longer be changed. Reload the page to see the latest.");
        }
        if (problems.Count > 0)
        {
            return new PublicDecisionResult(0, problems);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var applied = 0;
        foreach (var (jobId, approve) in decisions)
        {
            var result = await orders.DecideAsync(inspection.OrganizationId, inspection.RepairOrderId,
                new CustomerJobDecision(jobId, approve, name, ipAddress, now, $"inspection approval link v{inspection.ShareVersion}"), ct);
            var outcome = result.Applied ? "applied" : result.NotFound ? "not found" : result.Conflict ?? "refused";
            db.Decisions.Add(ApprovalDecision.Record(inspection, jobId, approve, name, ipAddress, now, outcome.Length > 200 ? outcome[..200] : outcome));
            if (result.Applied)
            {
                applied++;
            }
            else
            {
                problems.Add($"{known[jobId].Title}: {(result.Conflict ?? "could not be changed")}");
            }
        }
        await db.SaveChangesAsync(ct);
        await live.PublishAsync(LiveGroup.Organization(inspection.OrganizationId), "inspectionApproval",
            new { inspectionId = inspection.Id, repairOrderId = inspection.RepairOrderId, applied }, ct);
        return new PublicDecisionResult(applied, problems);
    }
}
