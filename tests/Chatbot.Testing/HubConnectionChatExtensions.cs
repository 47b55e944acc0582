using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Testing;

public static class HubConnectionChatExtensions
{
    /// <summary>Asks through the hub and collects the whole event stream; a minute bounds a stream that never ends.</summary>
    public static async Task<List<ChatStreamEvent>> AskAllAsync(this HubConnection connection, ChatRequest request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<ChatStreamEvent>();
        await foreach (var e in connection.StreamAsync<ChatStreamEvent>(ChatEndpoints.AskMethod, request, timeout.Token))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Completes when the connection closes; take it before whatever is expected to close the connection.</summary>
    public static Task WhenClosed(this HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
