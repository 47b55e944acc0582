using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Api.Tests;

/// <summary>The real server configured for an OpenAI-compatible endpoint (a local fake speaking the wire format).</summary>
public sealed class OpenAiChatServerFixture : IAsyncLifetime
{
    public const string ApiKey = "sk-e2e-never-logged-7d2b";

    public FakeOpenAiServer Model { get; private set; } = null!;

    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        Server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Ai__OpenAI__BaseUrl"] = Model.BaseUrl.ToString(),
            ["Ai__OpenAI__ApiKey"] = ApiKey,
            ["Ai__OpenAI__MaxRetries"] = "0",
            ["Ai__OpenAI__FirstTokenTimeoutSeconds"] = "5",
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
        await Model.DisposeAsync();
    }
}

public sealed class OpenAiChatTests(OpenAiChatServerFixture fixture) : IClassFixture<OpenAiChatServerFixture>
{
    [Fact]
    public async Task The_models_streamed_answer_and_mapped_citations_arrive_over_SignalR_with_only_masked_text_sent()
    {
        var sentence = "";
        var title = "";
        fixture.Model.Reply = messages =>
        {
            var sources = Prompt.Sources(Prompt.User(messages));
            sentence = Prompt.FirstSentence(sources[1]);
            title = sources[1].Document;
            return new FakeChatReply($"{sentence} [2]\n<follow_up>\n청구 기한이 있나요?\n대리 청구도 되나요?\n</follow_up>");
        };
        await using var connection = await ConnectAsync();

        var events = await connection.AskAllAsync(new ChatRequest("제 번호 010-2468-1357 인데요, 보험금 청구할 때 필요한 서류는 뭐예요?"));

        Assert.IsType<AcceptedEvent>(events[0]);
        var deltas = events.OfType<DeltaEvent>().ToList();
        Assert.True(deltas.Count > 5, "the model's stream should arrive in pieces");
        var text = string.Concat(deltas.Select(d => d.Text));
        Assert.StartsWith($"{sentence} [1]", text, StringComparison.Ordinal);
        Assert.Contains("약관이 우선합니다", text, StringComparison.Ordinal);
        var citation = Assert.Single(Assert.Single(events.OfType<CitationsEvent>()).Citations);
        Assert.Equal(1, citation.Index);
        Assert.Equal(title, citation.Title);
        Assert.Contains(sentence, citation.Snippet, StringComparison.Ordinal);
        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.True(completed.Grounded);
        Assert.Equal(["청구 기한이 있나요?", "대리 청구도 되나요?"], completed.Suggestions);

        var received = fixture.Model.AllReceived;
        Assert.Contains("[전화번호]", received, StringComparison.Ordinal);
        Assert.DoesNotContain("2468", received, StringComparison.Ordinal);
        Assert.DoesNotContain("2468", fixture.Server.Output, StringComparison.Ordinal);
        Assert.Contains($"Bearer {OpenAiChatServerFixture.ApiKey}", fixture.Model.Authorizations);
    }

    [Fact]
    public async Task A_failing_model_still_answers_from_the_documents_and_the_failure_is_logged_without_the_key()
    {
        fixture.Model.Reply = _ => new FakeChatReply("", Status: 500);
        await using var connection = await ConnectAsync();

        var events = await connection.AskAllAsync(new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));

        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.True(completed.Grounded);
        var citations = Assert.Single(events.OfType<CitationsEvent>()).Citations;
        Assert.NotEmpty(citations);
        var text = string.Concat(events.OfType<DeltaEvent>().Select(d => d.Text));
        Assert.Contains("[1]", text, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", fixture.Server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(OpenAiChatServerFixture.ApiKey, fixture.Server.Output, StringComparison.Ordinal);
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = fixture.Server.CreateHubConnection();
        await connection.StartAsync();
        return connection;
    }

}
