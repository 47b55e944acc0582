using Chatbot.CounsellorConsole.Accounts;
using Chatbot.CounsellorConsole.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.CounsellorConsole.Data;

/// <summary>
/// The console's own state, beside the chat's in the same database but with its own tables (<c>console_…</c>) and its
/// own migrations history, so it migrates independently of Chatbot.Data. Each provider derives its own context.
/// </summary>
public abstract class ConsoleDbContext(DbContextOptions options) : IdentityDbContext<ConsoleUser>(options)
{
    /// <summary>The migrations history table, apart from the chat's <c>__EFMigrationsHistory</c>.</summary>
    public const string MigrationsHistoryTable = "__console_migrations";

    /// <summary>The audit log's table; the database refuses UPDATE and DELETE on it (see the AddAuditLog migrations).</summary>
    public const string AuditTable = "console_audit";

    public const int AuditNameLength = 256;

    public const int AuditAddressLength = 64;

    public const int AuditTextLength = 1000;

    public DbSet<HandoffCase> HandoffCases => Set<HandoffCase>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        builder.Entity<ConsoleUser>(user =>
        {
            user.ToTable("console_users");
            user.Property(u => u.DisplayName).HasMaxLength(100);
        });
        builder.Entity<IdentityRole>().ToTable("console_roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("console_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("console_user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("console_user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("console_user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("console_role_claims");

        builder.Entity<HandoffCase>(handoff =>
        {
            handoff.ToTable("console_handoff_cases");
            handoff.HasKey(h => h.HandoffId);
            handoff.Property(h => h.ClaimedByUserId).HasMaxLength(450);
            handoff.Property(h => h.ClaimedByName).HasMaxLength(100);
            handoff.Property(h => h.ResolutionNote).HasMaxLength(2000);
            handoff.HasIndex(h => h.ResolvedAtUtc);
        });

        builder.Entity<AuditEntry>(audit =>
        {
            audit.ToTable(AuditTable);
            audit.HasKey(a => a.Id);
            audit.Property(a => a.ActorId).HasMaxLength(450);
            audit.Property(a => a.ActorName).HasMaxLength(AuditNameLength);
            audit.Property(a => a.RemoteAddress).HasMaxLength(AuditAddressLength);
            audit.Property(a => a.Action).HasMaxLength(64);
            audit.Property(a => a.Target).HasMaxLength(AuditTextLength);
            audit.Property(a => a.Detail).HasMaxLength(AuditTextLength);
            audit.HasIndex(a => a.AtUtc);
            audit.HasIndex(a => new { a.Action, a.AtUtc });
        });
    }
}
