using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Media;

/// <summary>One stored file of an organisation. Its bytes are the blob <see cref="Sha256"/>, which several files may share.</summary>
public sealed class MediaObject
{
    private MediaObject()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public MediaKind Kind { get; private set; }

    public string ContentType { get; private set; } = "";

    public long Length { get; private set; }

    public string Sha256 { get; private set; } = "";

    public string? FileName { get; private set; }

    public Guid? UploadedBy { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static MediaObject Create(Guid organizationId, MediaKind kind, string contentType, long length, string sha256, string? fileName, Guid? uploadedBy, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Kind = kind,
        ContentType = contentType,
        Length = length,
        Sha256 = sha256,
        FileName = fileName,
        UploadedBy = uploadedBy,
        CreatedAt = at,
    };

    public MediaItem ToItem() => new(Id, OrganizationId, Kind, ContentType, Length, Sha256, FileName, CreatedAt);
}

/// <summary>The Media module's store: media_objects, with its own migration history.</summary>
public abstract class MediaDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__media_migrations";

    public DbSet<MediaObject> Objects => Set<MediaObject>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<MediaObject>(media =>
        {
            media.ToTable("media_objects");
            media.HasKey(m => m.Id);
            media.HasIndex(m => new { m.OrganizationId, m.CreatedAt });
            media.HasIndex(m => m.Sha256);
            media.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
            media.Property(m => m.ContentType).HasMaxLength(100);
            media.Property(m => m.Sha256).HasMaxLength(64).IsFixedLength();
            media.Property(m => m.FileName).HasMaxLength(MediaService.MaxFileNameLength);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteMediaDbContext(DbContextOptions<SqliteMediaDbContext> options) : MediaDbContext(options);

public sealed class PostgresMediaDbContext(DbContextOptions<PostgresMediaDbContext> options) : MediaDbContext(options);
