using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// The deployed split (api → ai over HTTP, both on PostgreSQL) exporting to one local OTLP/HTTP receiver, configured
/// by the standard OTEL_* variables only, as compose sets them: both services' spans arrive, the api's outgoing call
/// to the ai is an HttpClient span, and the ai's own retrieval and answering spans are there.
/// </summary>
public sealed class RemoteTelemetryTests : IAsyncLifetime
{
    private const string Phone = "010-9876-5432";
    private readonly string aiData = Directory.CreateTempSubdirectory("chatbot-ai-").FullName;
    private readonly string apiData = Directory.CreateTempSubdirectory("chatbot-api-").FullName;
    private string connectionString = "";
    private OtlpReceiver receiver = null!;
    private ServerProcess ai = null!;
    private ServerProcess api = null!;

    public async Task InitializeAsync()
    {
        receiver = await OtlpReceiver.StartAsync();
        connectionString = await TestPostgres.CreateDatabaseAsync("remotetelemetry");
        ai = await Services.StartAiAsync(aiData, settings: Otel("chatbot-ai-under-test", new Dictionary<string, string>
        {
            ["Rag__VectorStore"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
        }));
        api = await Services.StartApiAsync(connectionString, ai.BaseAddress, apiData, settings: Otel("chatbot-api-under-test", []));
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await ai.DisposeAsync();
        await receiver.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
        Directory.Delete(aiData, recursive: true);
        Directory.Delete(apiData, recursive: true);
    }

    [Fact]
    public async Task A_chat_through_the_ai_service_exports_both_services_spans_and_no_personal_data()
    {
        await using var connection = await Services.ConnectHubAsync(api.BaseAddress);

        var events = await Services.AskAsync(connection, new ChatRequest($"제 번호는 {Phone}인데 보험금 청구할 때 필요한 서류는 뭐예요?"));

        Assert.True(Assert.IsType<CompletedEvent>(events[^1]).Grounded, Services.Text(events));
        // url.full is an HttpClient (client span) attribute only: the api's call to the ai.
        var traces = await receiver.WaitForAsync("traces", TimeSpan.FromSeconds(30),
            "chatbot-api-under-test", "chatbot-ai-under-test", ChatEndpoints.AskMethod, "url.full", "rag.retrieve", "rag.answer", "rag.ingest", "postgresql");
        var metrics = await receiver.WaitForAsync("metrics", TimeSpan.FromSeconds(30),
            "chatbot.chat.questions", "chatbot.chat.time_to_first_token", "chatbot.rag.retrieval.duration", "chatbot.rag.answer.duration");
        foreach (var exported in new[] { traces, metrics, receiver.Received("logs") })
        {
            Assert.DoesNotContain(Phone, exported, StringComparison.Ordinal);
            Assert.DoesNotContain("9876", exported, StringComparison.Ordinal);
        }
    }

    private Dictionary<string, string> Otel(string serviceName, Dictionary<string, string> settings)
    {
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/');
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_SERVICE_NAME"] = serviceName;
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        settings["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
        return settings;
    }
}
