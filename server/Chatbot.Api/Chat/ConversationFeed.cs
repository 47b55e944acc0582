using Chatbot.Data.Conversations;
using Chatbot.Data.Entities;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace Chatbot.Api.Chat;

/// <summary>
/// Pushes every message stored in a conversation to the hub connections watching it (one SignalR group per
/// conversation), so a second tab sees the first tab's question and answer and a customer sees a counsellor's reply.
/// With the Redis backplane the group spans every Api instance. Pushing is best effort: the message is already stored,
/// so a failed push is logged and the customer's request goes on; a client that missed one catches up from history.
/// </summary>
internal sealed partial class ConversationFeed(IHubContext<ChatHub> hub, ILogger<ConversationFeed> logger)
{
    /// <summary>How long a push may hold up the answer when the backplane does not answer.</summary>
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(2);

    public static string GroupOf(Guid conversationId) => "conversation:" + conversationId.ToString("N");

    /// <summary>
    /// Adds a connection to a conversation's group; the caller has checked that the connection may see it. False when
    /// the backplane could not be reached (logged): the conversation itself goes on.
    /// </summary>
    public async Task<bool> WatchAsync(string connectionId, Guid conversationId, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Groups.AddToGroupAsync(connectionId, GroupOf(conversationId), cancellationToken).WaitAsync(PushTimeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWatchFailed(logger, conversationId, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Sends a stored message to the conversation's watchers, except <paramref name="exceptConnectionId"/> (the
    /// connection that asked, which streams its own question and answer already).
    /// </summary>
    public async Task PublishAsync(Message message, string? exceptConnectionId)
    {
        var added = ToMessageAdded(message);
        var group = GroupOf(message.ConversationId);
        var watchers = exceptConnectionId is null ? hub.Clients.Group(group) : hub.Clients.GroupExcept(group, exceptConnectionId);
        try
        {
            await watchers.SendAsync(ChatEndpoints.MessageAddedMethod, added).WaitAsync(PushTimeout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPushFailed(logger, message.ConversationId, message.Id, e.Message);
        }
    }

    public static MessageAdded ToMessageAdded(Message message) => new(
        message.ConversationId,
        message.Id,
        ConversationStore.RoleName(message.Role),
        message.Content,
        ConversationStore.ReadCitations(message),
        new DateTimeOffset(DateTime.SpecifyKind(message.CreatedAtUtc, DateTimeKind.Utc)),
        message.ClientMessageId,
        message.Grounded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A connection could not watch conversation {ConversationId}: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, Guid conversationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of conversation {ConversationId} was stored but not pushed to its watchers: {Reason}")]
    private static partial void LogPushFailed(ILogger logger, Guid conversationId, Guid messageId, string reason);
}
