using System.Runtime.CompilerServices;
using Chatbot.Api.Persistence;
using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;
using Chatbot.Rag;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Chat;

/// <summary>The real-time face of the chat. Errors a customer should see arrive as an <see cref="ErrorEvent"/>, never as a fault.</summary>
internal sealed class ChatHub(
    ChatService chat,
    ConversationStore store,
    ConversationAccess access,
    FeedbackStore feedback,
    IOptions<RagOptions> rag) : Hub
{
    [HubMethodName(ChatEndpoints.AskMethod)]
    public async IAsyncEnumerable<ChatStreamEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ChatTurn? turn = null;
        ErrorEvent? error = null;
        try
        {
            turn = await chat.BeginAsync(request, SiteHubFilter.CallerOf(Context), cancellationToken);
        }
        catch (ChatRequestException e)
        {
            error = new ErrorEvent(e.Code, ChatErrorMessages.ForCode(e.Code));
        }
        catch (Exception e) when (Resilience.DatabaseUnavailableHandler.IsUnavailable(e))
        {
            error = new ErrorEvent(Resilience.DatabaseUnavailableHandler.Code, Resilience.DatabaseUnavailableHandler.CustomerMessage);
        }

        if (turn is null)
        {
            yield return error!;
            yield break;
        }

        await foreach (var update in chat.AnswerAsync(turn, cancellationToken))
        {
            yield return update;
        }
    }

    [HubMethodName(ChatEndpoints.HistoryMethod)]
    public async Task<ConversationHistory> GetHistoryAsync(Guid conversationId) =>
        (await access.CanAccessAsync(conversationId, SiteHubFilter.CallerOf(Context), Context.ConnectionAborted)
            ? await store.GetHistoryAsync(conversationId, Context.ConnectionAborted)
            : null)
        ?? throw new HubException("conversation_not_found");

    /// <summary>Deletes the caller's own conversation; anyone else's is "not found".</summary>
    [HubMethodName("DeleteConversation")]
    public async Task DeleteConversationAsync(Guid conversationId)
    {
        if (!await access.DeleteAsync(conversationId, SiteHubFilter.CallerOf(Context), Context.ConnectionAborted))
        {
            throw new HubException("conversation_not_found");
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
            return new HandoffResponse(id, rag.Value.CounsellorPhone, rag.Value.CounsellorHours);
        }
        catch (ChatRequestException e)
        {
            throw new HubException(e.Code);
        }
    }
}
