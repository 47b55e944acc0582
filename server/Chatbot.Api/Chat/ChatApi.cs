using System.Text;
using System.Text.Json;
using Chatbot.Api.RateLimiting;
using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

/// <summary>The HTTP face of the chat, for scripts, curl and the browser widget; mapped into the customer API group.</summary>
internal static class ChatApi
{
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        var chat = endpoints.MapGroup("/chat").RequireAnswerSlot();
        chat.MapPost("/", AskAsync);
        chat.MapPost("/stream", StreamAsync);
        return endpoints;
    }

    private static async Task<IResult> AskAsync(HttpContext http, ChatRequest? request, ChatService chat, CancellationToken cancellationToken)
    {
        ChatTurn turn;
        try
        {
            turn = await chat.BeginAsync(request, http.GetSiteCaller(), cancellationToken);
        }
        catch (ChatRequestException e)
        {
            return e.ToProblem();
        }

        var answer = new StringBuilder();
        IReadOnlyList<Citation> citations = [];
        CompletedEvent? completed = null;
        await foreach (var update in chat.AnswerAsync(turn, cancellationToken))
        {
            switch (update)
            {
                case DeltaEvent delta:
                    answer.Append(delta.Text);
                    break;
                case CitationsEvent sources:
                    citations = sources.Citations;
                    break;
                case CompletedEvent done:
                    completed = done;
                    break;
            }
        }

        return completed is null
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "answer unavailable", detail: "The answer could not be completed. The question is stored; please ask again.")
            : Results.Ok(new ChatResponse(completed.ConversationId, completed.MessageId, answer.ToString(), completed.Grounded, citations, completed.Suggestions) { OffersHandoff = completed.OffersHandoff });
    }

    /// <summary>The same exchange as server-sent events, one <see cref="ChatStreamEvent"/> per event, flushed as produced.</summary>
    private static async Task StreamAsync(HttpContext http, ChatRequest? request, ChatService chat, CancellationToken cancellationToken)
    {
        ChatTurn turn;
        try
        {
            turn = await chat.BeginAsync(request, http.GetSiteCaller(), cancellationToken);
        }
        catch (ChatRequestException e)
        {
            await e.ToProblem().ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.StartAsync(cancellationToken);

        await foreach (var update in chat.AnswerAsync(turn, cancellationToken))
        {
            var json = JsonSerializer.Serialize(update, ReadableJson.Options);
            await http.Response.WriteAsync($"event: {EventName(update)}\ndata: {json}\n\n", cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
        }
    }

    /// <summary>The SSE event name, equal to the JSON type discriminator.</summary>
    private static string EventName(ChatStreamEvent update) => update switch
    {
        AcceptedEvent => "accepted",
        DeltaEvent => "delta",
        CitationsEvent => "citations",
        CompletedEvent => "completed",
        _ => "error",
    };
}
