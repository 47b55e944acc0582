using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>
/// What an operator's collector receives when answers come from a model: the real server answering through an
/// OpenAI-wire model (a local fake driven by the official client), exporting over OTLP/HTTP to a receiver the test
/// starts. A model answer is a <c>rag.answer</c> span in model mode; a model that fails is counted as a fallback with
/// a fixed reason, and the customer still gets the offline answer.
/// </summary>
public sealed class ModelTelemetryTests : IAsyncLifetime
{
    private const string Phone = "010-2468-1357";
    private OtlpReceiver receiver = null!;
    private FakeOpenAiServer model = null!;
    private ChatServer server = null!;

    public async Task InitializeAsync()
    {
        receiver = await OtlpReceiver.StartAsync();
        model = await FakeOpenAiServer.StartAsync();
        server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Ai__OpenAI__BaseUrl"] = model.BaseUrl.ToString(),
            ["Ai__OpenAI__ApiKey"] = "sk-telemetry-test-local",
            ["Ai__OpenAI__MaxRetries"] = "0",
            ["Ai__OpenAI__EmbeddingModel"] = "",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "chatbot-model-under-test",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await model.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_model_answer_and_a_failed_model_are_exported_as_spans_and_a_fallback_by_reason()
    {
        await using var connection = server.CreateHubConnection();
        await connection.StartAsync();

        var byModel = await connection.AskAllAsync(new ChatRequest($"제 번호 {Phone}인데 보험금 청구할 때 필요한 서류는 뭐예요?"));
        Assert.True(Assert.IsType<CompletedEvent>(byModel[^1]).Grounded);
        Assert.Contains("문서에 따르면", string.Concat(byModel.OfType<DeltaEvent>().Select(d => d.Text)), StringComparison.Ordinal);

        model.Reply = _ => new FakeChatReply("", Status: 500);
        var byFallback = await connection.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?"));
        Assert.True(Assert.IsType<CompletedEvent>(byFallback[^1]).Grounded);
        Assert.DoesNotContain("문서에 따르면", string.Concat(byFallback.OfType<DeltaEvent>().Select(d => d.Text)), StringComparison.Ordinal);

        var traces = await receiver.WaitForAsync("traces", TimeSpan.FromSeconds(30),
            "chatbot-model-under-test", "rag.answer", "rag.mode", "model", "rag.model.fallback", "model_error");
        var metrics = await receiver.WaitForAsync("metrics", TimeSpan.FromSeconds(30),
            "chatbot.rag.model.fallbacks", "model_error", "chatbot.rag.answer.duration");

        foreach (var exported in new[] { traces, metrics, receiver.Received("logs") })
        {
            Assert.DoesNotContain(Phone, exported, StringComparison.Ordinal);
            Assert.DoesNotContain("2468", exported, StringComparison.Ordinal);
        }
    }
}
