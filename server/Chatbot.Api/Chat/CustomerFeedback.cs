using Chatbot.Api.Sites;
using Chatbot.Data.Conversations;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

/// <summary>
/// A customer's rating or handoff request as the API and the hub take it: checked and masked here, stored by
/// <see cref="FeedbackStore"/>, which decides whether the caller may see the answer or conversation it names.
/// </summary>
internal sealed class CustomerFeedback(FeedbackStore store, PersonalDataMasker masker, Chatbot.CounsellorConsole.Inbox.HandoffSignals handoffSignals)
{
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

        if (!await store.SaveFeedbackAsync(request.MessageId, request.Rating, comment, caller.AsConversationCaller(), cancellationToken))
        {
            throw new ChatRequestException(StatusCodes.Status404NotFound, ChatErrorCodes.MessageNotFound, $"Answer {request.MessageId} does not exist.");
        }
    }

    /// <summary>Records a handoff request. No conversation at all is fine; a conversation the caller may not see is "not found".</summary>
    public async Task<Guid> RecordHandoffAsync(HandoffRequest? request, SiteCaller caller, CancellationToken cancellationToken)
    {
        var id = await store.RecordHandoffAsync(request?.ConversationId, caller.AsConversationCaller(), cancellationToken)
            ?? throw new ChatRequestException(StatusCodes.Status404NotFound, ChatErrorCodes.ConversationNotFound, $"Conversation {request?.ConversationId} does not exist.");
        Telemetry.ChatTelemetry.HandoffRequested();

        // Open inbox pages on this instance show it at once.
        handoffSignals.Raise();
        return id;
    }
}
