using System.Text.Json;
using Chatbot.Api.Chat;
using Chatbot.Api.Limits;
using Chatbot.Api.Persistence;
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
        // Under /api/admin/, so AdminKeyMiddleware has checked the admin credential before this runs.
        endpoints.MapPost("/api/admin/conversations/{conversationId:guid}/messages", PostReplyAsync);
        return endpoints;
    }

    private static async Task<IResult> PostReplyAsync(
        Guid conversationId,
        HttpContext http,
        ConversationStore store,
        Sites.ConversationAccess access,
        ConversationFeed feed,
        PersonalDataMasker masker,
        IOptions<RequestLimitOptions> limits,
        CancellationToken cancellationToken)
    {
        if (!await store.ConversationExistsAsync(conversationId, cancellationToken))
        {
            return Problem(StatusCodes.Status404NotFound, "conversation_not_found", $"Conversation {conversationId} does not exist.");
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"Request bodies may be at most {MaxBodyBytes} bytes.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxBodyBytes;
        }

        CounsellorReplyRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<CounsellorReplyRequest>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? Problem(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"Request bodies may be at most {MaxBodyBytes} bytes.")
                : Problem(StatusCodes.Status400BadRequest, "invalid_request", "Send JSON: {\"text\": \"...\", \"clientMessageId\": \"...\" (optional)}.");
        }

        var text = request?.Text is { } raw ? ChatText.Clean(raw)?.Trim() : "";
        if (text is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_text", "The text is not valid Unicode text.");
        }

        if (text.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "empty_message", "The reply is empty.");
        }

        if (text.Length > ChatLimits.MaxMessageLength)
        {
            return Problem(StatusCodes.Status400BadRequest, "message_too_long", $"The reply is longer than {ChatLimits.MaxMessageLength} characters.");
        }

        var clientMessageId = request!.ClientMessageId?.Trim() is { Length: > 0 } id ? id : null;
        if (clientMessageId is { Length: > ChatLimits.MaxClientMessageIdLength } || (clientMessageId is not null && !ChatText.IsValidClientMessageId(clientMessageId)))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_client_message_id", $"The client message id must be printable ASCII without spaces, at most {ChatLimits.MaxClientMessageIdLength} characters.");
        }

        if (clientMessageId is not null && await store.FindByClientMessageIdAsync(clientMessageId, cancellationToken) is { } earlier)
        {
            return earlier.Role == Data.Entities.MessageRole.Counsellor && earlier.ConversationId == conversationId
                ? Results.Ok(View(earlier))
                : Problem(StatusCodes.Status409Conflict, "client_message_id_conflict", "This client message id was already used for another message.");
        }

        if (await access.CountMessagesAsync(conversationId, cancellationToken) + 1 > limits.Value.MaxMessagesPerConversation)
        {
            return Problem(StatusCodes.Status409Conflict, "conversation_full", $"A conversation holds at most {limits.Value.MaxMessagesPerConversation} messages.");
        }

        var (reply, stored) = await store.AddCounsellorReplyAsync(conversationId, masker.Mask(text), clientMessageId, cancellationToken);
        if (reply is null)
        {
            return Problem(StatusCodes.Status409Conflict, "client_message_id_conflict", "This client message id was already used for another message.");
        }

        if (!stored)
        {
            // A concurrent resend stored it first (and pushed it).
            return Results.Ok(View(reply));
        }

        await feed.PublishAsync(reply, exceptConnectionId: null);
        return Results.Json(View(reply), statusCode: StatusCodes.Status201Created);
    }

    private static MessageAdded View(Data.Entities.Message message) => ConversationFeed.ToMessageAdded(message);

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, title: code.Replace('_', ' '), detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}
