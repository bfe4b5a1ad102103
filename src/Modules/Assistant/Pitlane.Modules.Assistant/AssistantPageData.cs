using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Assistant;

/// <summary>What the chat page shows before the first question: the organisation's vehicles to pick from and whether a model answers.</summary>
public sealed class AssistantPageData(IVehicleSearch vehicles, AssistantModel model)
{
    public Task<IReadOnlyList<VehicleSummary>> VehiclesAsync(Guid organizationId, CancellationToken ct) => vehicles.SearchAsync(organizationId, null, 50, ct);

    public bool ModelConfigured => model.Options.ModelConfigured;
}
