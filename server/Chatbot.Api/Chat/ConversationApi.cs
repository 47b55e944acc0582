using Chatbot.Api.Persistence;
using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

internal static class ConversationApi
{
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/conversations/{id:guid}/messages", async (Guid id, HttpContext http, ConversationStore store, ConversationAccess access, CancellationToken cancellationToken) =>
            await access.CanAccessAsync(id, http.GetSiteCaller(), cancellationToken) && await store.GetHistoryAsync(id, cancellationToken) is { } history
                ? Results.Ok(history)
                : Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "conversation not found",
                    detail: $"Conversation {id} does not exist.",
                    extensions: new Dictionary<string, object?> { ["code"] = ChatErrorCodes.ConversationNotFound }));
        return endpoints;
    }
}
