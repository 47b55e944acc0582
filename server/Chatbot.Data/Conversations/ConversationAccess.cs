using Chatbot.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data.Conversations;

/// <summary>A verified customer's conversation, as listed in their history.</summary>
public sealed record CustomerConversationSummary(Guid ConversationId, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, string? FirstQuestion, int MessageCount);

/// <summary>
/// A caller's conversations: starting one, whether they may see one, listing and deleting them. Who may see what is
/// <see cref="ConversationVisibility"/>'s rule; anyone else is told a conversation does not exist.
/// </summary>
public sealed class ConversationAccess(IDbContextFactory<ChatDbContext> contextFactory, TimeProvider clock, DatabaseWriteGate writes)
{
    /// <summary>Starts an empty conversation owned by the caller.</summary>
    public async Task<Guid> StartAsync(ConversationCaller caller, CancellationToken cancellationToken)
    {
        if (caller.IsStaff)
        {
            throw new ArgumentException("Only a site's customer starts a conversation.", nameof(caller));
        }

        await using var context = contextFactory.CreateDbContext();
        var now = clock.GetUtcNow().UtcDateTime;
        var conversation = new Conversation { Id = Guid.CreateVersion7(), SiteKey = caller.SiteKey, UserId = caller.CustomerHash, CreatedAtUtc = now, UpdatedAtUtc = now };
        context.Conversations.Add(conversation);
        using (await writes.EnterAsync(cancellationToken))
        {
            await context.SaveChangesAsync(cancellationToken);
        }

        return conversation.Id;
    }

    public async Task<bool> CanAccessAsync(Guid conversationId, ConversationCaller caller, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        return await context.Conversations.VisibleTo(caller, conversationId).AnyAsync(cancellationToken);
    }

    /// <summary>How many messages the conversation holds; 0 when the caller may not see it.</summary>
    public async Task<int> CountMessagesAsync(Guid conversationId, ConversationCaller caller, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        return await context.Messages.In(context.Conversations.VisibleTo(caller, conversationId)).CountAsync(cancellationToken);
    }

    /// <summary>Deletes the conversation with its messages (and what hangs off them) if the caller may see it.</summary>
    public async Task<bool> DeleteAsync(Guid conversationId, ConversationCaller caller, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        using (await writes.EnterAsync(cancellationToken))
        {
            return await context.Conversations.VisibleTo(caller, conversationId).ExecuteDeleteAsync(cancellationToken) > 0;
        }
    }

    /// <summary>A verified customer's conversations on this site, newest first.</summary>
    public async Task<IReadOnlyList<CustomerConversationSummary>> ListForUserAsync(ConversationCaller caller, int limit, CancellationToken cancellationToken)
    {
        if (caller.IsStaff)
        {
            throw new ArgumentException("Staff read conversations through the console's archive, not a customer's list.", nameof(caller));
        }

        await using var context = contextFactory.CreateDbContext();
        var rows = await context.Conversations.AsNoTracking()
            .VisibleTo(caller)
            .OrderByDescending(c => c.UpdatedAtUtc)
            .Take(limit)
            .Select(c => new
            {
                c.Id,
                c.CreatedAtUtc,
                c.UpdatedAtUtc,
                First = c.Messages.Where(m => m.Role == MessageRole.User).OrderBy(m => m.Sequence).Select(m => m.Content).FirstOrDefault(),
                Count = c.Messages.Count,
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new CustomerConversationSummary(r.Id, Utc(r.CreatedAtUtc), Utc(r.UpdatedAtUtc), r.First, r.Count))];
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
