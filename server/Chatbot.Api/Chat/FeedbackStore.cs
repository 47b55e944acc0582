using Chatbot.Api.Persistence;
using Chatbot.Api.Sites;
using Chatbot.Data;
using Chatbot.Data.Entities;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Chat;

/// <summary>What customers tell us about answers (👍/👎) and their requests for a human counsellor.</summary>
internal sealed class FeedbackStore(IDbContextFactory<ChatDbContext> contextFactory, TimeProvider clock, DatabaseWriteGate writes, PersonalDataMasker masker, Chatbot.CounsellorConsole.Inbox.HandoffSignals handoffSignals)
{
    /// <summary>
    /// Stores a rating of an answer; a second rating of the same answer replaces the first. Only an answer in a
    /// conversation the caller may see can be rated: anyone else's is "not found", as it is for history.
    /// </summary>
    public async Task SaveFeedbackAsync(FeedbackRequest? request, SiteCaller caller, CancellationToken cancellationToken)
    {
        if (request is null || request.Rating is not (1 or -1))
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.InvalidRating, "The rating must be 1 or -1.");
        }

        // Masked before anything else sees it, like a question: a comment is free text a customer typed.
        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : masker.Mask(request.Comment.Trim());
        if (comment is { Length: > FeedbackLimits.MaxCommentLength })
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.CommentTooLong, $"The comment is longer than {FeedbackLimits.MaxCommentLength} characters.");
        }

        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var isAnswer = await context.Messages.AnyAsync(
            m => m.Id == request.MessageId
                && m.Role == MessageRole.Assistant
                && m.Conversation!.SiteKey == caller.SiteKey
                && (m.Conversation.UserId == null || m.Conversation.UserId == caller.UserId),
            cancellationToken);
        if (!isAnswer)
        {
            throw new ChatRequestException(StatusCodes.Status404NotFound, ChatErrorCodes.MessageNotFound, $"Answer {request.MessageId} does not exist.");
        }

        var feedback = await context.Feedback.Where(f => f.MessageId == request.MessageId).OrderBy(f => f.CreatedAtUtc).FirstOrDefaultAsync(cancellationToken);
        if (feedback is null)
        {
            feedback = new Feedback { Id = Guid.CreateVersion7(), MessageId = request.MessageId };
            context.Feedback.Add(feedback);
        }

        feedback.Rating = request.Rating;
        feedback.Comment = comment;
        feedback.CreatedAtUtc = clock.GetUtcNow().UtcDateTime;
        using (await writes.EnterAsync(cancellationToken))
        {
            await context.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Records a handoff request. No conversation at all is fine; a conversation the caller may not see is "not found".
    /// </summary>
    public async Task<Guid> RecordHandoffAsync(HandoffRequest? request, SiteCaller caller, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (request?.ConversationId is { } conversationId
            && !await context.Conversations.AnyAsync(
                c => c.Id == conversationId && c.SiteKey == caller.SiteKey && (c.UserId == null || c.UserId == caller.UserId),
                cancellationToken))
        {
            throw new ChatRequestException(StatusCodes.Status404NotFound, ChatErrorCodes.ConversationNotFound, $"Conversation {conversationId} does not exist.");
        }

        var handoff = new Handoff
        {
            Id = Guid.CreateVersion7(),
            ConversationId = request?.ConversationId,
            SiteKey = caller.SiteKey,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        context.Handoffs.Add(handoff);
        using (await writes.EnterAsync(cancellationToken))
        {
            await context.SaveChangesAsync(cancellationToken);
        }

        Telemetry.ChatTelemetry.HandoffRequested();

        // Open inbox pages on this instance show it at once.
        handoffSignals.Raise();
        return handoff.Id;
    }
}
