namespace Pitlane.Modules.Shop.Imports;

/// <summary>
/// A shop's Tekmetric API credentials (one connection per organisation). The client secret is kept only encrypted
/// (ASP.NET Core Data Protection) and is never returned by the API.
/// </summary>
public sealed class ImportConnection
{
    private ImportConnection()
    {
    }

    public ImportConnection(Guid organizationId, string source, DateTime at)
    {
        OrganizationId = organizationId;
        Source = source;
        CreatedAt = at;
    }

    public Guid OrganizationId { get; private set; }

    /// <summary>"tekmetric".</summary>
    public string Source { get; private set; } = "";

    /// <summary>"production" or "sandbox": which of the configured Tekmetric base URLs this shop's credentials belong to.</summary>
    public string Environment { get; private set; } = "production";

    public string ClientId { get; private set; } = "";

    public string ProtectedSecret { get; private set; } = "";

    /// <summary>The Tekmetric shop id to import; null: the first shop the token's scope names.</summary>
    public long? ExternalShopId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public void Set(string environment, string clientId, string protectedSecret, long? shopId, DateTime at)
    {
        (Environment, ClientId, ProtectedSecret, ExternalShopId, UpdatedAt) = (environment, clientId, protectedSecret, shopId, at);
    }
}

public enum ImportRunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One import (a Tekmetric pull or a committed CSV file): who started it, its job, and what it did per entity.</summary>
public sealed class ImportRun
{
    private ImportRun()
    {
    }

    public ImportRun(Guid organizationId, string source, Guid startedBy, string? fileName, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganizationId = organizationId;
        Source = source;
        StartedBy = startedBy;
        FileName = fileName;
        CreatedAt = at;
        Status = ImportRunStatus.Queued;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    /// <summary>"tekmetric" or "csv".</summary>
    public string Source { get; private set; } = "";

    public Guid StartedBy { get; private set; }

    public string? FileName { get; private set; }

    /// <summary>The platform job that runs a Tekmetric import (progress lives on it); null for a CSV import.</summary>
    public Guid? JobId { get; private set; }

    public ImportRunStatus Status { get; private set; }

    /// <summary><see cref="ImportSummary"/> as JSON.</summary>
    public string? Summary { get; private set; }

    public string? Error { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? StartedAt { get; private set; }

    public DateTime? FinishedAt { get; private set; }

    public void Queue(Guid jobId) => JobId = jobId;

    public void Start(DateTime at)
    {
        Status = ImportRunStatus.Running;
        StartedAt ??= at;
    }

    public void Finish(ImportRunStatus status, string? summary, string? error, DateTime at)
    {
        (Status, Summary, Error, FinishedAt) = (status, summary ?? Summary, error, at);
    }

    public bool IsActive => Status is ImportRunStatus.Queued or ImportRunStatus.Running;
}

/// <summary>
/// Which Pitlane row an outside record became: unique per (organisation, source, entity type, external id), so a
/// re-import finds it instead of creating a duplicate. The fingerprint (SHA-256 of the record as received) tells an
/// unchanged record (skipped) from a changed one (updated).
/// </summary>
public sealed class ExternalRef
{
    private ExternalRef()
    {
    }

    public ExternalRef(Guid organizationId, string source, string entityType, string externalId, Guid localId, string fingerprint, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganizationId = organizationId;
        Source = source;
        EntityType = entityType;
        ExternalId = externalId;
        LocalId = localId;
        Fingerprint = fingerprint;
        ImportedAt = at;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string Source { get; private set; } = "";

    /// <summary>"customer", "vehicle", "repair_order", "job".</summary>
    public string EntityType { get; private set; } = "";

    public string ExternalId { get; private set; } = "";

    public Guid LocalId { get; private set; }

    public string Fingerprint { get; private set; } = "";

    public DateTime ImportedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public void Seen(Guid localId, string fingerprint, DateTime at)
    {
        (LocalId, Fingerprint, UpdatedAt) = (localId, fingerprint, at);
    }
}

/// <summary>What an import did with one kind of record.</summary>
public sealed class EntityCounts
{
    public int Created { get; set; }

    public int Updated { get; set; }

    public int Skipped { get; set; }

    public int Errors { get; set; }
}

/// <summary>One record that could not be imported (or was imported with a caveat), for the person to fix at the source.</summary>
public sealed record ImportIssue(string Entity, string? ExternalId, int? Row, string Message, bool Warning = false);

/// <summary>What an import did: counts per entity and the first issues (at most <see cref="MaxIssues"/>).</summary>
public sealed class ImportSummary
{
    public const int MaxIssues = 200;

    public EntityCounts Customers { get; set; } = new();

    public EntityCounts Vehicles { get; set; } = new();

    public EntityCounts RepairOrders { get; set; } = new();

    public List<ImportIssue> Issues { get; set; } = [];

    public int IssuesLeftOut { get; set; }

    public void Add(ImportIssue issue)
    {
        if (Issues.Count < MaxIssues)
        {
            Issues.Add(issue);
        }
        else
        {
            IssuesLeftOut++;
        }
    }

    public EntityCounts For(string entity) => entity switch
    {
        ImportEntities.Customer => Customers,
        ImportEntities.Vehicle => Vehicles,
        _ => RepairOrders,
    };
}

public static class ImportEntities
{
    public const string Customer = "customer", Vehicle = "vehicle", RepairOrder = "repair_order", Job = "job";
}

public static class ImportSources
{
    public const string Tekmetric = "tekmetric", Csv = "csv";
}
