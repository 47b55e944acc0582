using Chatbot.Api.Sites;
using Chatbot.Counselling;
using Chatbot.Data.Conversations;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

internal static class ConversationApi
{
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/conversations/{id:guid}/messages", async (Guid id, HttpContext http, ConversationStore store, CounsellorLine counsellors, CancellationToken cancellationToken) =>
            await store.GetHistoryAsync(id, http.GetSiteCaller().AsConversationCaller(), counsellors.Notice, cancellationToken) is { } history
                ? Results.Ok(history)
                : Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "conversation not found",
                    detail: $"Conversation {id} does not exist.",
                    extensions: new Dictionary<string, object?> { ["code"] = ChatErrorCodes.ConversationNotFound }));
        return endpoints;
    }
}
