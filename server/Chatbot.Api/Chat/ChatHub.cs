using System.Runtime.CompilerServices;
using Chatbot.Api.Persistence;
using Dongyang.Chat.Protocol;
using Chatbot.Rag;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Chat;

/// <summary>The real-time face of the chat. Errors a customer should see arrive as an <see cref="ErrorEvent"/>, never as a fault.</summary>
internal sealed class ChatHub(ChatService chat, ConversationStore store, FeedbackStore feedback, IOptions<RagOptions> rag) : Hub
{
    [HubMethodName(ChatEndpoints.AskMethod)]
    public async IAsyncEnumerable<ChatStreamEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ChatTurn? turn = null;
        ErrorEvent? error = null;
        try
        {
            turn = await chat.BeginAsync(request, cancellationToken);
        }
        catch (ChatRequestException e)
        {
            error = new ErrorEvent(e.Code, ChatErrorMessages.ForCode(e.Code));
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
        await store.GetHistoryAsync(conversationId, Context.ConnectionAborted)
        ?? throw new HubException("conversation_not_found");

    [HubMethodName(ChatEndpoints.FeedbackMethod)]
    public async Task SendFeedbackAsync(FeedbackRequest request)
    {
        try
        {
            await feedback.SaveFeedbackAsync(request, Context.ConnectionAborted);
        }
        catch (ChatRequestException e)
        {
            throw new HubException(e.Code);
        }
    }

    [HubMethodName(ChatEndpoints.HandoffMethod)]
    public async Task<HandoffResponse> RequestHandoffAsync(HandoffRequest request)
    {
        var siteKey = Context.GetHttpContext()?.Request.Query["site_key"].FirstOrDefault();
        try
        {
            var id = await feedback.RecordHandoffAsync(request, siteKey, Context.ConnectionAborted);
            return new HandoffResponse(id, rag.Value.CounsellorPhone, rag.Value.CounsellorHours);
        }
        catch (ChatRequestException e)
        {
            throw new HubException(e.Code);
        }
    }
}
