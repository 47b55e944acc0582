using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>Reads POST /api/chat/stream as the widget does.</summary>
public static class ServerSentEvents
{
    /// <summary>
    /// Streams a question. Returns the events seen and whether the stream ended normally; with <paramref name="stopWhen"/>
    /// the client hangs up right after the first matching event, as a closed tab does.
    /// </summary>
    public static async Task<(List<ChatStreamEvent> Events, bool Ended)> AskAsync(
        HttpClient http, ChatRequest request, Func<ChatStreamEvent, bool>? stopWhen = null, Action<ChatStreamEvent>? onEvent = null)
    {
        var events = new List<ChatStreamEvent>();
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/chat/stream") { Content = JsonContent.Create(request) };
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var e = JsonSerializer.Deserialize<ChatStreamEvent>(line["data: ".Length..], JsonSerializerOptions.Web)!;
                events.Add(e);
                onEvent?.Invoke(e);
                if (stopWhen?.Invoke(e) == true)
                {
                    return (events, false);
                }
            }

            return (events, events.LastOrDefault() is CompletedEvent);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (events, false);
        }
    }
}
