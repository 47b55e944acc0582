using Chatbot.Api.Persistence;

namespace Chatbot.Api.Chat;

internal static class ConversationApi
{
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/conversations/{id:guid}/messages", async (Guid id, ConversationStore store, CancellationToken cancellationToken) =>
            await store.GetHistoryAsync(id, cancellationToken) is { } history
                ? Results.Ok(history)
                : Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "conversation not found",
                    detail: $"Conversation {id} does not exist.",
                    extensions: new Dictionary<string, object?> { ["code"] = "conversation_not_found" }));
        return endpoints;
    }
}
