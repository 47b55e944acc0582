using System.Net;
using System.Net.Sockets;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// The Api talking to an AI service that accepts the connection and then never answers (a hung process, a full
/// accept queue behind a proxy): the resilience pipeline's timeout ends each attempt, and the answer must be reported
/// as the AI service being unavailable, not as an unexplained engine fault.
/// </summary>
public sealed class AiStallTests : IAsyncLifetime, IDisposable
{
    private readonly string apiData = Directory.CreateTempSubdirectory("chatbot-api-").FullName;
    private readonly TcpListener stalledAi = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> held = [];
    private readonly CancellationTokenSource stop = new();
    private Task accepting = Task.CompletedTask;
    private Uri aiAddress = null!;
    private string connectionString = "";
    private ServerProcess api = null!;

    public async Task InitializeAsync()
    {
        stalledAi.Start();
        accepting = HoldConnectionsAsync();
        aiAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)stalledAi.LocalEndpoint).Port}/");
        connectionString = await TestPostgres.CreateDatabaseAsync("aistall");
        api = await Services.StartApiAsync(connectionString, aiAddress, apiData, settings: new Dictionary<string, string>
        {
            ["Ai__ConnectTimeoutSeconds"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await stop.CancelAsync();
        stalledAi.Stop();
        await accepting;
        foreach (var client in held)
        {
            client.Dispose();
        }

        await TestPostgres.DropDatabaseAsync(connectionString);
        Directory.Delete(apiData, recursive: true);
    }

    public void Dispose()
    {
        stop.Dispose();
        stalledAi.Dispose();
    }

    [Fact]
    public async Task An_ai_that_never_answers_times_out_as_ai_unavailable_and_keeps_the_question()
    {
        await using var connection = await Services.ConnectHubAsync(api.BaseAddress);
        const string question = "보험금 청구할 때 필요한 서류는 뭐예요?";

        var events = await Services.AskAsync(connection, new ChatRequest(question));

        var accepted = Assert.IsType<AcceptedEvent>(events[0]);
        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal("answer_unavailable", error.Code);
        Assert.Contains("답변 서버에 일시적인 문제", error.Message, StringComparison.Ordinal);
        var history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, accepted.ConversationId);
        Assert.Equal(question, history.Messages[0].Content);

        // The Polly timeout (TimeoutRejectedException) is reported as the AI service being unreachable, like a refused
        // connection or an open circuit, so the log and the admin paths say what happened.
        Assert.Contains($"Chatbot.Api.Engine.AiServiceUnavailableException: The AI service at {aiAddress} cannot be reached", api.Output, StringComparison.Ordinal);
    }

    /// <summary>Accepts every connection and holds it open without reading or writing a byte.</summary>
    private async Task HoldConnectionsAsync()
    {
        try
        {
            while (true)
            {
                var client = await stalledAi.AcceptTcpClientAsync(stop.Token);
                lock (held)
                {
                    held.Add(client);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }
}
