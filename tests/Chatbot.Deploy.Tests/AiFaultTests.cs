using System.Net;
using System.Text.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// The Api talking to a separate AI process that dies: SIGKILL mid-answer (the AI streams slowly, as a fault drill
/// allows, so there is a "mid"), then questions while it is down, then its restart on the same address.
/// </summary>
public sealed class AiFaultTests : IAsyncLifetime
{
    private readonly string aiData = Directory.CreateTempSubdirectory("chatbot-ai-").FullName;
    private readonly string apiData = Directory.CreateTempSubdirectory("chatbot-api-").FullName;
    private string connectionString = "";
    private ServerProcess ai = null!;
    private ServerProcess api = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("aifault");
        ai = await Services.StartAiAsync(aiData, streamDelayMilliseconds: 300);
        api = await Services.StartApiAsync(connectionString, ai.BaseAddress, apiData);
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await ai.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
        Directory.Delete(aiData, recursive: true);
        Directory.Delete(apiData, recursive: true);
    }

    [Fact]
    public async Task Ai_killed_mid_answer_gives_the_friendly_message_keeps_the_question_and_recovers_after_restart()
    {
        await using var connection = await Services.ConnectHubAsync(api.BaseAddress);
        const string question = "보험금 청구할 때 필요한 서류는 뭐예요?";

        // 1. Killed mid-answer: what was streamed stays, then the friendly message; the question is stored.
        var deltasBeforeKill = 0;
        var events = await Services.AskAsync(connection, new ChatRequest(question), async update =>
        {
            if (update is DeltaEvent && ++deltasBeforeKill == 1)
            {
                await ai.KillAsync();
            }
        });

        var accepted = Assert.IsType<AcceptedEvent>(events[0]);
        Assert.IsType<DeltaEvent>(events[1]);
        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.DoesNotContain(events, e => e is CompletedEvent);
        Assert.Equal("answer_unavailable", error.Code);
        Assert.Contains("답변 서버에 일시적인 문제", error.Message, StringComparison.Ordinal);
        Assert.Contains("1588-0000", error.Message, StringComparison.Ordinal);
        var history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, accepted.ConversationId);
        Assert.Equal(question, history.Messages[0].Content);
        Assert.Equal("user", history.Messages[0].Role);

        // 2. While the AI is down: the same message at once, the question stored; liveness UP, readiness says why not.
        var whileDown = await Services.AskAsync(connection, new ChatRequest("해지환급금이 뭐예요?", accepted.ConversationId));
        Assert.Equal("answer_unavailable", Assert.IsType<ErrorEvent>(whileDown[^1]).Code);
        history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, accepted.ConversationId);
        Assert.Contains(history.Messages, m => m is { Role: "user", Content: "해지환급금이 뭐예요?" });

        using var http = api.CreateSiteClient();
        Assert.Equal("""{"status":"UP"}""", await http.GetStringAsync(new Uri("/api/health", UriKind.Relative)));
        using (var ready = await http.GetAsync(new Uri("/api/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("DOWN", body.RootElement.GetProperty("checks").GetProperty("ai").GetProperty("status").GetString());
            Assert.Equal("UP", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }

        // 3. The AI restarts on the same address: the next question is answered (after the circuit's short break).
        await using var restarted = await Services.StartAiAsync(aiData, ai.BaseAddress.ToString());
        var answered = await AskUntilAnsweredAsync(connection, new ChatRequest("보험계약대출은 얼마까지 되나요?", accepted.ConversationId));
        Assert.True(Assert.IsType<CompletedEvent>(answered[^1]).Grounded);
        using (var ready = await http.GetAsync(new Uri("/api/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    private static async Task<List<ChatStreamEvent>> AskUntilAnsweredAsync(HubConnection connection, ChatRequest request)
    {
        // Bounded: the circuit breaker's break in this test is 2 s.
        for (var attempt = 0; ; attempt++)
        {
            var events = await Services.AskAsync(connection, request);
            if (events[^1] is CompletedEvent || attempt == 10)
            {
                return events;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
