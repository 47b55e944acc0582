using Chatbot.Api.Sites;
using Chatbot.Counselling;
using Chatbot.Data.Conversations;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.Chat;

internal static class ConversationApi
{
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/conversations/{id:guid}/messages", async (Guid id, [FromQuery(Name = ChatEndpoints.LanguageQueryParameter)] string? language, HttpContext http, ConversationStore store, CounsellorLine counsellors, CancellationToken cancellationToken) =>
            await store.GetHistoryAsync(id, http.GetSiteCaller().AsConversationCaller(), counsellors.Notices(language), cancellationToken) is { } history
                ? Results.Ok(history)
                : Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "conversation not found",
                    detail: $"Conversation {id} does not exist.",
                    extensions: new Dictionary<string, object?> { ["code"] = ChatErrorCodes.ConversationNotFound }));
        return endpoints;
    }
}
