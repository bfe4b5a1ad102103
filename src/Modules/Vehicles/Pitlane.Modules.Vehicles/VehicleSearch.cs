using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;

namespace Pitlane.Modules.Vehicles;

/// <summary><see cref="IVehicleSearch"/> over <see cref="VehicleQueries.SearchAsync"/>, the API's own search.</summary>
internal sealed class VehicleSearch(VehicleQueries queries) : IVehicleSearch
{
    public async Task<IReadOnlyList<VehicleSummary>> SearchAsync(Guid organizationId, string? text, int take, CancellationToken ct)
    {
        var q = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (q is { Length: > VehicleQueries.MaxSearchLength }) q = q[..VehicleQueries.MaxSearchLength];
        var page = await queries.SearchAsync(organizationId, q, new PageRequest(1, Math.Clamp(take, 1, 50)), ct);
        return page.Items.Select(v => v.ToSummary()).ToList();
    }
}
