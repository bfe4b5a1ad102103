using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Accounts;

/// <summary>
/// The Accounts module's store: users and roles (ASP.NET Core Identity's AspNet* tables), refresh tokens
/// (identity_*), organisations, memberships and invitations (org_*), with its own migration history (<see cref="HistoryTable"/>).
/// </summary>
public abstract class AccountsDbContext(DbContextOptions options)
    : IdentityDbContext<PitlaneUser, IdentityRole<Guid>, Guid>(options)
{
    public const string HistoryTable = "__accounts_migrations";

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<Invitation> Invitations => Set<Invitation>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<PitlaneUser>(user => user.Property(u => u.DisplayName).HasMaxLength(100));
        builder.Entity<RefreshToken>(token =>
        {
            token.ToTable("identity_refresh_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.TokenHash).HasMaxLength(32);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.FamilyId);
            token.HasIndex(t => t.UserId);
        });
        builder.Entity<Organization>(org =>
        {
            org.ToTable("org_organizations");
            org.HasKey(o => o.Id);
            org.Property(o => o.Name).HasMaxLength(120);
            org.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        });
        builder.Entity<Membership>(member =>
        {
            member.ToTable("org_memberships");
            member.HasKey(m => new { m.OrganizationId, m.UserId });
            member.HasIndex(m => m.UserId);
            member.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            member.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<PitlaneUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Invitation>(invitation =>
        {
            invitation.ToTable("org_invitations");
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
            invitation.Property(i => i.Email).HasMaxLength(254);
            invitation.Property(i => i.TokenHash).HasMaxLength(32);
            invitation.HasIndex(i => new { i.OrganizationId, i.CreatedAt });
            invitation.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteAccountsDbContext(DbContextOptions<SqliteAccountsDbContext> options) : AccountsDbContext(options);

public sealed class PostgresAccountsDbContext(DbContextOptions<PostgresAccountsDbContext> options) : AccountsDbContext(options);
