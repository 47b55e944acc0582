using Chatbot.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data.Conversations;

/// <summary>What customers tell us about answers (👍/👎) and their requests for a human counsellor, as stored.</summary>
public sealed class FeedbackStore(IDbContextFactory<ChatDbContext> contextFactory, TimeProvider clock, DatabaseWriteGate writes)
{
    /// <summary>
    /// Stores a rating of an answer (the comment already checked and masked); a second rating of the same answer
    /// replaces the first. Only an answer in a conversation the caller may see can be rated: false for anyone else's,
    /// which the caller is told does not exist, as it is for history.
    /// </summary>
    public async Task<bool> SaveFeedbackAsync(Guid messageId, int rating, string? comment, ConversationCaller caller, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        // The caller names an answer, and so the conversation it was given in: that one must be visible to them.
        var conversationId = await context.Messages.Where(m => m.Id == messageId).Select(m => (Guid?)m.ConversationId).FirstOrDefaultAsync(cancellationToken);
        if (conversationId is not { } held
            || !await context.Messages.In(context.Conversations.VisibleTo(caller, held)).AnyAsync(m => m.Id == messageId && m.Role == MessageRole.Assistant, cancellationToken))
        {
            return false;
        }

        var feedback = await context.Feedback.Where(f => f.MessageId == messageId).OrderBy(f => f.CreatedAtUtc).FirstOrDefaultAsync(cancellationToken);
        if (feedback is null)
        {
            feedback = new Feedback { Id = Guid.CreateVersion7(), MessageId = messageId };
            context.Feedback.Add(feedback);
        }

        feedback.Rating = rating;
        feedback.Comment = comment;
        feedback.CreatedAtUtc = clock.GetUtcNow().UtcDateTime;
        using (await writes.EnterAsync(cancellationToken))
        {
            await context.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Records a handoff request and returns its id. No conversation at all is fine; a conversation the caller may not
    /// see gives null ("not found").
    /// </summary>
    public async Task<Guid?> RecordHandoffAsync(Guid? conversationId, ConversationCaller caller, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (caller.IsStaff)
        {
            throw new ArgumentException("Only a site's customer asks for a counsellor.", nameof(caller));
        }

        if (conversationId is { } named && !await context.Conversations.VisibleTo(caller, named).AnyAsync(cancellationToken))
        {
            return null;
        }

        var handoff = new Handoff
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversationId,
            SiteKey = caller.SiteKey,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        context.Handoffs.Add(handoff);
        using (await writes.EnterAsync(cancellationToken))
        {
            await context.SaveChangesAsync(cancellationToken);
        }

        return handoff.Id;
    }
}
