using Chatbot.Api.Admin;
using Chatbot.Api.Chat;
using Chatbot.Counselling;
using Chatbot.CounsellorConsole.Inbox;
using Chatbot.Data;
using Chatbot.Data.Conversations;
using Chatbot.Data.Entities;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.CounsellorConsole;

/// <summary>
/// The console's view of the chat: handoff requests from the chat database, transcripts from <see cref="ConversationStore"/>,
/// and replies through <see cref="CounsellorReplies"/>, the same owner the admin API's reply endpoint calls.
/// </summary>
internal sealed class ApiHandoffDesk(IDbContextFactory<ChatDbContext> contexts, ConversationStore store, CounsellorReplies replies, CounsellorLine counsellors) : IHandoffDesk
{
    public async Task<IReadOnlyList<HandoffRequestView>> ListRequestsAsync(DateTime sinceUtc, IReadOnlySet<Guid> excluded, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var handoffs = (await context.Handoffs.AsNoTracking()
                .Where(h => h.CreatedAtUtc >= sinceUtc)
                .OrderByDescending(h => h.CreatedAtUtc)
                .ToListAsync(cancellationToken))
            .Where(h => !excluded.Contains(h.Id))
            .ToList();
        return await DescribeAsync(context, handoffs, cancellationToken);
    }

    public async Task<HandoffRequestView?> FindRequestAsync(Guid handoffId, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var handoff = await context.Handoffs.AsNoTracking().FirstOrDefaultAsync(h => h.Id == handoffId, cancellationToken);
        return handoff is null ? null : (await DescribeAsync(context, [handoff], cancellationToken))[0];
    }

    public Task<ConversationHistory?> GetTranscriptAsync(Guid conversationId, CancellationToken cancellationToken) =>
        store.GetHistoryAsync(conversationId, ConversationCaller.Staff, counsellors.Notices(language: null), cancellationToken);

    public async Task<CounsellorReplyRefusal?> ReplyAsync(Guid conversationId, string text, CancellationToken cancellationToken)
    {
        var result = await replies.AddAsync(conversationId, text, rawClientMessageId: null, cancellationToken);
        return result.Reply is null ? new CounsellorReplyRefusal(result.Code!, result.Detail!) : null;
    }

    private static async Task<IReadOnlyList<HandoffRequestView>> DescribeAsync(ChatDbContext context, List<Handoff> handoffs, CancellationToken cancellationToken)
    {
        var siteKeys = handoffs.Select(h => h.SiteKey).OfType<string>().Distinct().ToList();
        var siteNames = await context.PartnerSites.AsNoTracking()
            .Where(s => siteKeys.Contains(s.PublicKey))
            .ToDictionaryAsync(s => s.PublicKey, s => s.Name, cancellationToken);

        var views = new List<HandoffRequestView>(handoffs.Count);
        foreach (var handoff in handoffs)
        {
            string? lastQuestion = null;
            var declined = false;
            if (handoff.ConversationId is { } conversationId)
            {
                var messages = context.Messages.AsNoTracking().In(context.Conversations.VisibleTo(ConversationCaller.Staff, conversationId));
                lastQuestion = await messages
                    .Where(m => m.Role == MessageRole.User)
                    .OrderByDescending(m => m.Sequence)
                    .Select(m => m.Content)
                    .FirstOrDefaultAsync(cancellationToken);
                declined = await messages
                    .Where(m => m.Role == MessageRole.Assistant)
                    .OrderByDescending(m => m.Sequence)
                    .Select(m => m.Grounded == false)
                    .FirstOrDefaultAsync(cancellationToken);
            }

            views.Add(new HandoffRequestView(
                handoff.Id,
                handoff.ConversationId,
                handoff.SiteKey,
                handoff.SiteKey is { } key ? siteNames.GetValueOrDefault(key) : null,
                DateTime.SpecifyKind(handoff.CreatedAtUtc, DateTimeKind.Utc),
                lastQuestion,
                declined));
        }

        return views;
    }
}
