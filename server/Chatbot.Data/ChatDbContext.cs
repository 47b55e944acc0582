using Chatbot.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data;

/// <summary>
/// The relational state of the chat. Each database provider derives its own context so that it keeps its own migrations.
/// </summary>
public abstract class ChatDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>
    /// A shadow column of conversations: a partner customer id stored raw before ids were hashed, waiting for the Api
    /// to hash it into <see cref="Conversation.UserId"/> at start (the key is the Api's, not the database's).
    /// </summary>
    public const string LegacyUserIdProperty = "LegacyUserId";

    /// <summary>Room for the longest scope: a site key (100) and a customer's id hash (200) with their labels.</summary>
    public const int MaxClientMessageScopeLength = 400;

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<Feedback> Feedback => Set<Feedback>();

    public DbSet<PartnerSite> PartnerSites => Set<PartnerSite>();
    public DbSet<Handoff> Handoffs => Set<Handoff>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Conversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.Property(c => c.SiteKey).HasMaxLength(100);
            conversation.HasIndex(c => c.UpdatedAtUtc);
            conversation.Property(c => c.UserId).HasMaxLength(200);
            conversation.Property(c => c.ContextJson).HasMaxLength(16000);
            conversation.HasIndex(c => new { c.SiteKey, c.UserId });
            conversation.Property<string?>(LegacyUserIdProperty).HasMaxLength(200);
            conversation.HasIndex(LegacyUserIdProperty).HasFilter($"\"{LegacyUserIdProperty}\" IS NOT NULL");
            conversation.HasMany(c => c.Messages).WithOne(m => m.Conversation).HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Message>(message =>
        {
            message.ToTable("messages");
            message.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique();
            message.HasIndex(m => new { m.ClientMessageScope, m.ClientMessageId }).IsUnique();
            message.HasIndex(m => m.ReplyToId);

            // The console's dashboard counts a date range of messages (and its declined answers) per day and site.
            message.HasIndex(m => m.CreatedAtUtc);
            message.Property(m => m.ClientMessageId).HasMaxLength(100);
            message.Property(m => m.ClientMessageScope).HasMaxLength(MaxClientMessageScopeLength);
            message.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
            message.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        });

        modelBuilder.Entity<PartnerSite>(site =>
        {
            site.ToTable("partner_sites");
            site.Property(s => s.PublicKey).HasMaxLength(100);
            site.HasIndex(s => s.PublicKey).IsUnique();
            site.Property(s => s.Name).HasMaxLength(200);
            site.Property(s => s.AllowedOrigins).HasMaxLength(4000);
            site.Property(s => s.IdentitySecret).HasMaxLength(200);
        });

        modelBuilder.Entity<Feedback>(feedback =>
        {
            feedback.ToTable("feedback");
            feedback.Property(f => f.Comment).HasMaxLength(1000);
            feedback.HasIndex(f => f.CreatedAtUtc);
            feedback.HasOne(f => f.Message).WithMany().HasForeignKey(f => f.MessageId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Handoff>(handoff =>
        {
            handoff.ToTable("handoffs");
            handoff.Property(h => h.SiteKey).HasMaxLength(100);
            handoff.HasIndex(h => h.CreatedAtUtc);
            handoff.HasOne(h => h.Conversation).WithMany().HasForeignKey(h => h.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
