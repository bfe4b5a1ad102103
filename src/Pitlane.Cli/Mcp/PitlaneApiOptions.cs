namespace Pitlane.Cli.Mcp;

/// <summary>Where the API tools find the Pitlane server and how they authenticate.</summary>
internal sealed class PitlaneApiOptions
{
    /// <summary>Base address; null leaves the API tools unconfigured (they answer with how to configure).</summary>
    public Uri? Server { get; init; }

    /// <summary>A ready access token ($PITLANE_TOKEN); used as is until the server rejects it.</summary>
    public string? AccessToken { get; init; }

    public string? Email { get; init; }

    public string? Password { get; init; }

    /// <summary>Sent as X-Organization-Id on every call when set.</summary>
    public Guid? OrganizationId { get; init; }
}
