using Chatbot.Counselling;
using Chatbot.CounsellorConsole.Conversations;
using Chatbot.Data;
using Chatbot.Data.Conversations;
using Chatbot.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.CounsellorConsole;

/// <summary>
/// The console's conversation list over the chat database: one EF Core query with EXISTS filters (declined answer,
/// handoff, a message's last rating 👎, text) that translates on SQLite and PostgreSQL alike, paged in the database.
/// Days are the insurer's (<c>Counsellor:TimeZone</c>), as on the dashboard.
/// </summary>
internal sealed class ApiConversationArchive(IDbContextFactory<ChatDbContext> contexts, CounsellorLine line) : IConversationArchive
{
    public const int MaxTake = 1_000;

    public TimeZoneInfo TimeZone => line.Hours.TimeZone;

    public async Task<ConversationPage> SearchAsync(ConversationFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter = filter.Normalized();
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var conversations = Filter(context, filter);
        var total = await conversations.CountAsync(cancellationToken);
        var items = await Summaries(context, conversations
                .OrderByDescending(c => c.UpdatedAtUtc)
                .ThenBy(c => c.Id)
                .Skip(Math.Max(0, skip))
                .Take(Math.Clamp(take, 1, MaxTake)))
            .ToListAsync(cancellationToken);
        return new ConversationPage(await NameSitesAsync(context, items, cancellationToken), total);
    }

    public async Task<ConversationSummary?> FindAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var items = await Summaries(context, context.Conversations.AsNoTracking().VisibleTo(ConversationCaller.Staff, conversationId)).ToListAsync(cancellationToken);
        var named = await NameSitesAsync(context, items, cancellationToken);
        return named.Count == 0 ? null : named[0];
    }

    public async Task<IReadOnlyDictionary<string, string>> ListSitesAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await context.PartnerSites.AsNoTracking().OrderBy(s => s.Name).ToDictionaryAsync(s => s.PublicKey, s => s.Name, cancellationToken);
    }

    private IQueryable<Conversation> Filter(ChatDbContext context, ConversationFilter filter)
    {
        var conversations = context.Conversations.AsNoTracking().VisibleTo(ConversationCaller.Staff);
        if (filter.From is { } from)
        {
            var fromUtc = LocalMidnightUtc(from);
            conversations = conversations.Where(c => c.CreatedAtUtc >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = LocalMidnightUtc(to.AddDays(1));
            conversations = conversations.Where(c => c.CreatedAtUtc < toUtc);
        }

        if (filter.SiteKey is { } site)
        {
            conversations = conversations.Where(c => c.SiteKey == site);
        }

        if (filter.DeclinedOnly)
        {
            conversations = conversations.Where(c => c.Messages.Any(m => m.Role == MessageRole.Assistant && m.Grounded == false));
        }

        if (filter.HandedOffOnly)
        {
            conversations = conversations.Where(c => context.Handoffs.Any(h => h.ConversationId == c.Id));
        }

        if (filter.ThumbsDownOnly)
        {
            conversations = conversations.Where(c => LastRatingsDown(context).Any(f => f.Message!.ConversationId == c.Id));
        }

        if (filter.Text is { } text)
        {
            // Stored messages are already masked, so this searches what the console may show. Contains is instr() on
            // SQLite and strpos() on PostgreSQL: exact, case-sensitive, which is what Korean text needs.
            conversations = conversations.Where(c => c.Messages.Any(m => m.Content.Contains(text)));
        }

        return conversations;
    }

    /// <summary>Ratings that are 👎 and are the customer's latest rating of their message (a later 👍 replaces it).</summary>
    private static IQueryable<Feedback> LastRatingsDown(ChatDbContext context) =>
        context.Feedback.Where(f => f.Rating < 0 && !context.Feedback.Any(later => later.MessageId == f.MessageId && later.CreatedAtUtc > f.CreatedAtUtc));

    private static IQueryable<ConversationSummary> Summaries(ChatDbContext context, IQueryable<Conversation> conversations) =>
        conversations.Select(c => new ConversationSummary(
            c.Id,
            c.SiteKey,
            null,
            c.CreatedAtUtc,
            c.UpdatedAtUtc,
            c.Messages.Count,
            c.Messages.Where(m => m.Role == MessageRole.User).OrderBy(m => m.Sequence).Select(m => m.Content).FirstOrDefault(),
            c.Messages.Any(m => m.Role == MessageRole.Assistant && m.Grounded == false),
            context.Handoffs.Any(h => h.ConversationId == c.Id),
            LastRatingsDown(context).Any(f => f.Message!.ConversationId == c.Id)));

    private static async Task<IReadOnlyList<ConversationSummary>> NameSitesAsync(ChatDbContext context, List<ConversationSummary> items, CancellationToken cancellationToken)
    {
        var keys = items.Select(i => i.SiteKey).OfType<string>().Distinct().ToList();
        var names = await context.PartnerSites.AsNoTracking().Where(s => keys.Contains(s.PublicKey)).ToDictionaryAsync(s => s.PublicKey, s => s.Name, cancellationToken);
        return [.. items.Select(i => i with
        {
            SiteName = i.SiteKey is { } key ? names.GetValueOrDefault(key) : null,
            StartedAtUtc = DateTime.SpecifyKind(i.StartedAtUtc, DateTimeKind.Utc),
            LastActivityAtUtc = DateTime.SpecifyKind(i.LastActivityAtUtc, DateTimeKind.Utc),
        })];
    }

    private DateTime LocalMidnightUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return TimeZone.IsInvalidTime(local) ? TimeZoneInfo.ConvertTimeToUtc(local.AddHours(1), TimeZone) : TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }
}
