namespace Pitlane.Modules.Studio;

public enum ProjectStatus
{
    Draft,
    Review,
    Published,
}

/// <summary>
/// Listing and marketing text for one vehicle, one piece per platform. Draft: writers edit; Review: the approver reads;
/// Published: frozen. Publishing passes the advertising guardrail first (<see cref="AdGuardrail"/>).
/// </summary>
public sealed class ContentProject
{
    private readonly List<ContentPiece> _pieces = [];

    private ContentProject()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid VehicleId { get; private set; }
    public string Title { get; private set; } = "";
    public ProjectStatus Status { get; private set; }
    public long PriceMinor { get; private set; }
    public string Currency { get; private set; } = "USD";
    public string Tone { get; private set; } = "friendly";
    public string? Audience { get; private set; }
    public string? Highlights { get; private set; }
    public string? Disclosure { get; private set; }
    public string Generator { get; private set; } = "templates";
    public Guid? SubmittedBy { get; private set; }
    public Guid? PublishedBy { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<ContentPiece> Pieces => _pieces;

    public static ContentProject Create(Guid organizationId, Guid vehicleId, string title, long priceMinor, string currency, string tone,
        string? audience, string? highlights, string? disclosure, string generator, IEnumerable<(string Platform, string Text)> pieces, DateTime now)
    {
        var project = new ContentProject
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = organizationId,
            VehicleId = vehicleId,
            Title = title.Length > 200 ? title[..200] : title,
            Status = ProjectStatus.Draft,
            PriceMinor = priceMinor,
            Currency = currency,
            Tone = tone,
            Audience = audience,
            Highlights = highlights,
            Disclosure = disclosure,
            Generator = generator,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var (platform, text) in pieces)
        {
            project._pieces.Add(new ContentPiece(project.Id, platform, text, now));
        }

        return project;
    }

    /// <summary>False when the project is not a draft any more (edits go back through the approver).</summary>
    public bool Edit(string platform, string text, DateTime now)
    {
        if (Status != ProjectStatus.Draft)
        {
            return false;
        }

        var piece = _pieces.First(p => p.Platform == platform);
        piece.Change(text, now);
        UpdatedAt = now;
        return true;
    }

    public bool Submit(Guid by, DateTime now)
    {
        if (Status != ProjectStatus.Draft)
        {
            return false;
        }

        Status = ProjectStatus.Review;
        SubmittedBy = by;
        UpdatedAt = now;
        return true;
    }

    public bool ReturnToDraft(DateTime now)
    {
        if (Status != ProjectStatus.Review)
        {
            return false;
        }

        Status = ProjectStatus.Draft;
        UpdatedAt = now;
        return true;
    }

    /// <summary>Only from review, and only when the caller has checked the guardrail.</summary>
    public bool Publish(Guid by, DateTime now)
    {
        if (Status != ProjectStatus.Review)
        {
            return false;
        }

        Status = ProjectStatus.Published;
        PublishedBy = by;
        PublishedAt = now;
        UpdatedAt = now;
        return true;
    }

    public IReadOnlyList<Violation> Check() =>
        _pieces.SelectMany(p => Platforms.Find(p.Platform) is { } spec ? AdGuardrail.Check(spec, p.Text, PriceMinor, Currency) : []).ToList();
}

public sealed class ContentPiece
{
    private ContentPiece()
    {
    }

    internal ContentPiece(Guid projectId, string platform, string text, DateTime now)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        Platform = platform;
        Text = text;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public string Platform { get; private set; } = "";
    public string Text { get; private set; } = "";
    public DateTime UpdatedAt { get; private set; }

    internal void Change(string text, DateTime now)
    {
        Text = text;
        UpdatedAt = now;
    }
}
