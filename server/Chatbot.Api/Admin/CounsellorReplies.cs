using Chatbot.Api.Chat;
using Chatbot.Api.Limits;
using Chatbot.Data.Conversations;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Admin;

/// <summary>What became of a counsellor's reply: stored (or found stored by an earlier resend), or refused with a reason.</summary>
internal sealed record CounsellorReplyResult(MessageAdded? Reply, bool Created, int Status, string? Code = null, string? Detail = null)
{
    public static CounsellorReplyResult Refused(int status, string code, string detail) => new(null, false, status, code, detail);
}

/// <summary>
/// The one owner of a counsellor's reply, for the admin API and the console alike: the text is checked and masked like
/// a customer's message, stored once per client message id, and pushed to every connection watching the conversation
/// (MessageAdded, on whichever instance it is).
/// </summary>
internal sealed class CounsellorReplies(
    ConversationStore store,
    ConversationAccess access,
    ConversationFeed feed,
    PersonalDataMasker masker,
    IOptions<RequestLimitOptions> limits)
{
    public async Task<CounsellorReplyResult> AddAsync(Guid conversationId, string? rawText, string? rawClientMessageId, CancellationToken cancellationToken)
    {
        if (!await access.CanAccessAsync(conversationId, ConversationCaller.Staff, cancellationToken))
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status404NotFound, ChatErrorCodes.ConversationNotFound, $"Conversation {conversationId} does not exist.");
        }

        var text = rawText is { } raw ? ChatText.Clean(raw)?.Trim() : "";
        if (text is null)
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status400BadRequest, ChatErrorCodes.InvalidText, "The text is not valid Unicode text.");
        }

        if (text.Length == 0)
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status400BadRequest, ChatErrorCodes.EmptyMessage, "The reply is empty.");
        }

        if (text.Length > ChatLimits.MaxMessageLength)
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status400BadRequest, ChatErrorCodes.MessageTooLong, $"The reply is longer than {ChatLimits.MaxMessageLength} characters.");
        }

        var clientMessageId = rawClientMessageId?.Trim() is { Length: > 0 } id ? id : null;
        if (clientMessageId is { Length: > ChatLimits.MaxClientMessageIdLength } || (clientMessageId is not null && !ChatText.IsValidClientMessageId(clientMessageId)))
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status400BadRequest, ChatErrorCodes.InvalidClientMessageId, $"The client message id must be printable ASCII without spaces, at most {ChatLimits.MaxClientMessageIdLength} characters.");
        }

        var masked = masker.Mask(text);
        if (clientMessageId is not null
            && await store.FindByClientMessageIdAsync(ClientMessageScope.ForCounsellorReply(conversationId).Value, clientMessageId, cancellationToken) is { } earlier)
        {
            return ConversationStore.IsResendOf(earlier, Data.Entities.MessageRole.Counsellor, masked)
                ? new CounsellorReplyResult(ConversationFeed.ToMessageAdded(earlier), false, StatusCodes.Status200OK)
                : CounsellorReplyResult.Refused(StatusCodes.Status409Conflict, ChatErrorCodes.ClientMessageIdConflict, "This client message id was already used for another message.");
        }

        if (await access.CountMessagesAsync(conversationId, ConversationCaller.Staff, cancellationToken) + 1 > limits.Value.MaxMessagesPerConversation)
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status409Conflict, ChatErrorCodes.ConversationFull, $"A conversation holds at most {limits.Value.MaxMessagesPerConversation} messages.");
        }

        var (reply, stored) = await store.AddCounsellorReplyAsync(conversationId, masked, clientMessageId, cancellationToken);
        if (reply is null)
        {
            return CounsellorReplyResult.Refused(StatusCodes.Status409Conflict, ChatErrorCodes.ClientMessageIdConflict, "This client message id was already used for another message.");
        }

        if (!stored)
        {
            // A concurrent resend stored it first (and pushed it).
            return new CounsellorReplyResult(ConversationFeed.ToMessageAdded(reply), false, StatusCodes.Status200OK);
        }

        await feed.PublishAsync(reply, exceptConnectionId: null);
        return new CounsellorReplyResult(ConversationFeed.ToMessageAdded(reply), true, StatusCodes.Status201Created);
    }
}
