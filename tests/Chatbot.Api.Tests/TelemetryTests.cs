using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>
/// What an operator's collector receives: spans and metrics of a real chat, exported over OTLP/HTTP by the real
/// server to an endpoint the test starts, configured by the standard OTEL_* variables alone, and no personal data.
/// </summary>
public sealed partial class TelemetryTests : IAsyncLifetime
{
    private const string Phone = "010-9876-5432";
    private const string ResidentNumber = "900101-1234568";
    private OtlpReceiver receiver = null!;
    private ChatServer server = null!;
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        receiver = await OtlpReceiver.StartAsync();
        // On PostgreSQL, as deployed, so the Npgsql spans are part of what is exported (and checked for personal data).
        connectionString = await TestPostgres.CreateDatabaseAsync("telemetry");
        server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "chatbot-api-under-test",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            // Small enough that the first test's fourth hub call is refused, so the rate-limited counter is exported.
            ["RateLimits__HubPerConnection"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await receiver.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task A_chat_sends_its_spans_and_metrics_over_otlp_without_personal_data()
    {
        await using var connection = server.CreateHubConnection();
        await connection.StartAsync();

        var answered = await connection.AskAllAsync(new ChatRequest($"제 번호는 {Phone}이고 주민번호는 {ResidentNumber}인데 보험금 청구할 때 필요한 서류는 뭐예요?"));
        var declined = await connection.AskAllAsync(new ChatRequest("비트코인 시세 알려줘"));
        var conversation = Assert.IsType<CompletedEvent>(answered[^1]).ConversationId;
        await connection.InvokeAsync<HandoffResponse>(ChatEndpoints.HandoffMethod, new HandoffRequest(conversation));
        var refused = await connection.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?", conversation));

        Assert.True(Assert.IsType<CompletedEvent>(answered[^1]).Grounded);
        Assert.False(Assert.IsType<CompletedEvent>(declined[^1]).Grounded);
        Assert.Equal("rate_limited", Assert.IsType<ErrorEvent>(Assert.Single(refused)).Code);
        var traces = await receiver.WaitForAsync("traces", TimeSpan.FromSeconds(30),
            "chatbot-api-under-test", "rag.ingest", "rag.chunks", "rag.retrieve", "rag.answer", "rag.mode", "offline", "rag.top_document",
            ChatEndpoints.AskMethod, "postgresql");
        var metrics = await receiver.WaitForAsync("metrics", TimeSpan.FromSeconds(30),
            "chatbot.chat.questions", "chatbot.chat.answers", "declined", "chatbot.chat.handoffs", "chatbot.chat.time_to_first_token",
            "chatbot.chat.answer.duration", "chatbot.rag.retrieval.duration", "chatbot.rag.answer.duration", "chatbot.chat.rate_limited",
            "chatbot.rag.ingestion.documents", "chatbot.rag.ingestion.chunks", "signalr.server.active_connections", "http.server.request.duration");

        // The service name comes from OTEL_SERVICE_NAME, and nothing a customer typed leaves the process.
        var logs = receiver.Received("logs");
        foreach (var exported in new[] { traces, metrics, logs })
        {
            Assert.DoesNotContain(Phone, exported, StringComparison.Ordinal);
            Assert.DoesNotContain(ResidentNumber, exported, StringComparison.Ordinal);
            Assert.DoesNotContain("9876", exported, StringComparison.Ordinal);
            Assert.DoesNotContain("비트코인", exported, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_http_request_and_hub_call_is_one_log_line_without_query_or_arguments()
    {
        using var http = server.CreateHttpClient();
        using var history = await http.GetAsync(new Uri($"api/me/conversations?secret=sekrit-value", UriKind.Relative));
        await using var connection = server.CreateHubConnection();
        await connection.StartAsync();
        await connection.AskAllAsync(new ChatRequest($"연락처 {Phone} 해지환급금이 뭐예요?"));
        await Task.Delay(500);

        var output = server.Output;
        // Exactly one line each: one request, one hub call.
        Assert.True(RequestLine().Count(output) == 1, output);
        Assert.True(output.Split('\n').Count(line => line.Contains($"Hub {ChatEndpoints.AskMethod} ok in", StringComparison.Ordinal)) == 1, output);
        Assert.DoesNotContain("sekrit-value", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, output, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/health", output, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Method: GET\s+[^\n]*?Path: /api/me/conversations[^\n]*?StatusCode: \d{3}|RequestMethod: GET")]
    private static partial System.Text.RegularExpressions.Regex RequestLine();
}
