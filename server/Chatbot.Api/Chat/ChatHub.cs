using System.Runtime.CompilerServices;
using Chatbot.Api.Sites;
using Chatbot.Data.Conversations;
using Dongyang.Chat.Protocol;
using Chatbot.Counselling;
using Microsoft.AspNetCore.SignalR;

namespace Chatbot.Api.Chat;

/// <summary>The real-time face of the chat. Errors a customer should see arrive as an <see cref="ErrorEvent"/>, never as a fault.</summary>
internal sealed class ChatHub(
    ChatService chat,
    ConversationStore store,
    ConversationAccess access,
    CustomerFeedback feedback,
    ConversationFeed feed,
    CounsellorLine counsellors,
    Engine.ISourceLibrary sources) : Hub
{
    [HubMethodName(ChatEndpoints.AskMethod)]
    public async IAsyncEnumerable<ChatStreamEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ChatTurn? turn = null;
        ErrorEvent? error = null;
        try
        {
            turn = await chat.BeginAsync(request, SiteHubFilter.CallerOf(Context), Context.ConnectionId, cancellationToken);
        }
        catch (ChatRequestException e)
        {
            error = new ErrorEvent(e.Code, ChatErrorMessages.ForCode(e.Code, counsellors));
        }
        catch (Exception e) when (Resilience.DatabaseUnavailableHandler.IsUnavailable(e))
        {
            error = new ErrorEvent(Resilience.DatabaseUnavailableHandler.Code, Resilience.DatabaseUnavailableHandler.CustomerMessage) { RetryAfterSeconds = 5 };
        }

        if (turn is null)
        {
            yield return error!;
            yield break;
        }

        // The asker watches its conversation from now on: a counsellor's reply or another tab's question reaches it.
        await feed.WatchAsync(Context.ConnectionId, turn.Question.ConversationId, cancellationToken);

        await foreach (var update in chat.AnswerAsync(turn, cancellationToken))
        {
            yield return update;
        }
    }

    /// <summary>The stored conversation; the connection watches it from then on.</summary>
    [HubMethodName(ChatEndpoints.HistoryMethod)]
    public async Task<ConversationHistory> GetHistoryAsync(Guid conversationId)
    {
        // Checked before watching, and the history read checks again: watching first means no message falls in between.
        var caller = SiteHubFilter.CallerOf(Context).AsConversationCaller();
        if (!await access.CanAccessAsync(conversationId, caller, Context.ConnectionAborted))
        {
            throw new HubException(ChatErrorCodes.ConversationNotFound);
        }

        await feed.WatchAsync(Context.ConnectionId, conversationId, Context.ConnectionAborted);
        // The language the client connected with (DongyangChatOptions.Language): restored notices read as they were shown.
        var language = Context.GetHttpContext()?.Request.Query[ChatEndpoints.LanguageQueryParameter].ToString();
        return await store.GetHistoryAsync(conversationId, caller, counsellors.Notices(language), Context.ConnectionAborted) ?? throw new HubException(ChatErrorCodes.ConversationNotFound);
    }

    /// <summary>
    /// Subscribes the connection to a conversation it may see (same site key, same verified customer), so it gets a
    /// <see cref="MessageAdded"/> for every message stored there; anyone else's conversation is "not found".
    /// </summary>
    [HubMethodName(ChatEndpoints.WatchConversationMethod)]
    public async Task WatchConversationAsync(Guid conversationId)
    {
        if (!await access.CanAccessAsync(conversationId, SiteHubFilter.CallerOf(Context).AsConversationCaller(), Context.ConnectionAborted))
        {
            throw new HubException(ChatErrorCodes.ConversationNotFound);
        }

        if (!await feed.WatchAsync(Context.ConnectionId, conversationId, Context.ConnectionAborted))
        {
            throw new HubException("watch_unavailable");
        }
    }

    /// <summary>Deletes the caller's own conversation; anyone else's is "not found".</summary>
    [HubMethodName(ChatEndpoints.DeleteConversationMethod)]
    public async Task DeleteConversationAsync(Guid conversationId)
    {
        if (!await access.DeleteAsync(conversationId, SiteHubFilter.CallerOf(Context).AsConversationCaller(), Context.ConnectionAborted))
        {
            throw new HubException(ChatErrorCodes.ConversationNotFound);
        }
    }

    /// <summary>The whole section a citation quotes.</summary>
    [HubMethodName(ChatEndpoints.SourceMethod)]
    public async Task<SourceSection> GetSourceAsync(SourceRequest request)
    {
        try
        {
            return await SourceApi.ReadAsync(sources, request, Context.ConnectionAborted);
        }
        catch (ChatRequestException e)
        {
            throw new HubException(e.Code);
        }
    }

    [HubMethodName(ChatEndpoints.FeedbackMethod)]
    public async Task SendFeedbackAsync(FeedbackRequest request)
    {
        try
        {
            await feedback.SaveFeedbackAsync(request, SiteHubFilter.CallerOf(Context), Context.ConnectionAborted);
        }
        catch (ChatRequestException e)
        {
            throw new HubException(e.Code);
        }
    }

    [HubMethodName(ChatEndpoints.HandoffMethod)]
    public async Task<HandoffResponse> RequestHandoffAsync(HandoffRequest request)
    {
        try
        {
            var id = await feedback.RecordHandoffAsync(request, SiteHubFilter.CallerOf(Context), Context.ConnectionAborted);
            return counsellors.Handoff(id, request?.Language);
        }
        catch (ChatRequestException e)
        {
            throw new HubException(e.Code);
        }
    }
}
