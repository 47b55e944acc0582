using System.Text.Json;
using Chatbot.Api.Chat;
using Chatbot.Api.Limits;
using Chatbot.Data.Conversations;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Admin;

/// <summary>A counsellor's reply as the admin API takes it; a client message id makes a resend safe.</summary>
internal sealed record CounsellorReplyRequest(string? Text, string? ClientMessageId = null);

/// <summary>
/// After a handoff a human counsellor answers in the customer's conversation: the reply is stored (masked, like a
/// customer's message) and pushed to every connection watching the conversation, on whichever instance it is.
/// </summary>
internal static class CounsellorReplyApi
{
    /// <summary>A reply is text, so its body is small; anything larger is refused before it is read.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapCounsellorReplyApi(this IEndpointRouteBuilder endpoints)
    {
        // Mapped into the admin group, whose policy has checked the admin credential before this runs, and whose audit filter records the reply.
        endpoints.MapPost("/conversations/{conversationId:guid}/messages", PostReplyAsync).WithRequestBodyLimit(MaxBodyBytes);
        return endpoints;
    }

    private static async Task<IResult> PostReplyAsync(Guid conversationId, HttpContext http, ConversationAccess access, CounsellorReplies replies, CancellationToken cancellationToken)
    {
        if (!await access.CanAccessAsync(conversationId, ConversationCaller.Staff, cancellationToken))
        {
            return Problem(StatusCodes.Status404NotFound, ChatErrorCodes.ConversationNotFound, $"Conversation {conversationId} does not exist.");
        }

        CounsellorReplyRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<CounsellorReplyRequest>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? Problem(StatusCodes.Status413PayloadTooLarge, ChatErrorCodes.RequestTooLarge, $"Request bodies may be at most {MaxBodyBytes} bytes.")
                : Problem(StatusCodes.Status400BadRequest, "invalid_request", "Send JSON: {\"text\": \"...\", \"clientMessageId\": \"...\" (optional)}.");
        }

        var result = await replies.AddAsync(conversationId, request?.Text, request?.ClientMessageId, cancellationToken);
        return result.Reply is { } reply
            ? Results.Json(reply, statusCode: result.Status)
            : Problem(result.Status, result.Code!, result.Detail!);
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, title: code.Replace('_', ' '), detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}
