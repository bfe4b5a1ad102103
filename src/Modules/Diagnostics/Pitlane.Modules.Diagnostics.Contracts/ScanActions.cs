using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics.Contracts;

/// <summary>The scan a page shows, and who looks at it.</summary>
public sealed record ScanActionContext(Guid OrganizationId, OrganizationRole Role, Guid ScanId, Guid? VehicleId);

/// <summary>
/// A button on a scan's page. With <paramref name="Post"/> it is a form posting to <paramref name="Url"/> (a page of the
/// module that offers it, with the page's antiforgery token); otherwise a plain link.
/// </summary>
/// <param name="Hint">One short sentence under the button, or null.</param>
public sealed record ScanAction(string Id, string Label, string Url, bool Post, string? Hint = null);

/// <summary>
/// Dependency inversion for modules that come after Diagnostics (a shop opens a repair order from a scan): Diagnostics
/// cannot know them, so it renders whatever actions the registered providers offer for the scan on screen.
/// </summary>
public interface IScanActionProvider
{
    Task<IReadOnlyList<ScanAction>> ActionsAsync(ScanActionContext context, CancellationToken ct);
}
