using Chatbot.Data.Conversations;

namespace Chatbot.Api.Sites;

/// <summary>
/// What customers do with their own conversations: see a verified customer's history, delete a conversation. Mapped
/// into the customer API group (<see cref="CustomerApi"/>), beside the session exchange (<see cref="SessionApi"/>).
/// </summary>
internal static class CustomerConversationApi
{
    public const int MaxListed = 100;

    public static IEndpointRouteBuilder MapCustomerConversationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/me/conversations", async (HttpContext http, ConversationAccess access, CancellationToken cancellationToken) =>
                TypedResults.Ok(await access.ListForUserAsync(http.GetSiteCaller().AsConversationCaller(), MaxListed, cancellationToken)))
            .RequireVerifiedCustomer();

        endpoints.MapDelete("/conversations/{id:guid}", async (Guid id, HttpContext http, ConversationAccess access, CancellationToken cancellationToken) =>
            await access.DeleteAsync(id, http.GetSiteCaller().AsConversationCaller(), cancellationToken)
                ? Results.NoContent()
                : NotFound(id));
        return endpoints;
    }

    public static IResult NotFound(Guid id) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "conversation not found",
        detail: $"Conversation {id} does not exist.",
        extensions: new Dictionary<string, object?> { ["code"] = "conversation_not_found" });
}
