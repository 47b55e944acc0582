using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Api.Tests;

/// <summary>Customers asking through the real SignalR client, as the SDK and widget do.</summary>
public abstract class HubChatTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ChatServerFixture
{
    [Theory]
    [MemberData(nameof(ChatQuestions.AboutTheKnowledge), MemberType = typeof(ChatQuestions))]
    public async Task Answer_streams_and_cites_the_document_that_holds_the_fact(string question, string[] expectedDocuments)
    {
        await using var connection = await ConnectAsync();

        var events = await connection.AskAllAsync(new ChatRequest(question));

        Assert.IsType<AcceptedEvent>(events[0]);
        var deltas = events.Skip(1).TakeWhile(e => e is DeltaEvent).Cast<DeltaEvent>().ToList();
        Assert.NotEmpty(deltas);
        var citations = Assert.IsType<CitationsEvent>(events[1 + deltas.Count]);
        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.Equal(deltas.Count + 3, events.Count);

        Assert.True(completed.Grounded, $"Expected a grounded answer to '{question}', got: {Text(deltas)}");
        Assert.Contains(citations.Citations, c => expectedDocuments.Contains(c.DocumentId));
        Assert.Contains(citations.Citations[0].DocumentId, expectedDocuments);
        foreach (var citation in citations.Citations)
        {
            Assert.Contains($"[{citation.Index}]", Text(deltas), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(citation.Snippet));
        }
    }

    [Theory]
    [InlineData("오늘 서울 날씨 어때요?")]
    [InlineData("비트코인 시세 알려줘")]
    [InlineData("자동차보험 과태료는 얼마예요?")]
    public async Task Question_the_documents_do_not_cover_is_declined_with_the_counsellor_line(string question)
    {
        await using var connection = await ConnectAsync();

        var events = await connection.AskAllAsync(new ChatRequest(question));

        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.False(completed.Grounded);
        Assert.Empty(Assert.Single(events.OfType<CitationsEvent>()).Citations);
        var answer = Text(events.OfType<DeltaEvent>());
        Assert.Contains("1588-0000", answer, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\[\d+\]", answer);
    }

    [Fact]
    public async Task Follow_up_in_the_same_conversation_is_stored_in_order()
    {
        await using var connection = await ConnectAsync();
        var first = await connection.AskAllAsync(new ChatRequest("보험금 청구는 어떻게 하나요?"));
        var conversationId = Assert.IsType<AcceptedEvent>(first[0]).ConversationId;

        var second = await connection.AskAllAsync(new ChatRequest("보험계약대출은 얼마까지 되나요?", conversationId));

        Assert.Equal(conversationId, Assert.IsType<AcceptedEvent>(second[0]).ConversationId);
        var history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, conversationId);
        Assert.Equal(["user", "assistant", "user", "assistant"], history.Messages.Select(m => m.Role));
        Assert.Equal("보험계약대출은 얼마까지 되나요?", history.Messages[2].Content);
        Assert.Equal(Assert.IsType<CompletedEvent>(second[^1]).MessageId, history.Messages[3].Id);
        Assert.NotEmpty(history.Messages[3].Citations);
    }

    [Fact]
    public async Task Resend_with_the_same_client_message_id_replays_the_original_answer()
    {
        await using var connection = await ConnectAsync();
        var request = new ChatRequest("해지환급금이 뭐예요?", ClientMessageId: Guid.NewGuid().ToString());

        var first = await connection.AskAllAsync(request);

        // As the SDK resends: naming the conversation it was told (a caller without a session is known by nothing else).
        var again = await connection.AskAllAsync(request with { ConversationId = Assert.IsType<AcceptedEvent>(first[0]).ConversationId });

        var original = Assert.IsType<CompletedEvent>(first[^1]);
        var replay = Assert.IsType<CompletedEvent>(again[^1]);
        Assert.Equal(original.MessageId, replay.MessageId);
        Assert.Equal(Text(first.OfType<DeltaEvent>()), Text(again.OfType<DeltaEvent>()));
        var history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, original.ConversationId);
        Assert.Equal(2, history.Messages.Count);
    }

    [Fact]
    public async Task Invalid_request_gets_a_customer_facing_error_event()
    {
        await using var connection = await ConnectAsync();

        var empty = await connection.AskAllAsync(new ChatRequest("   "));
        var unknown = await connection.AskAllAsync(new ChatRequest("보험금 청구", Guid.NewGuid()));

        Assert.Equal("empty_message", Assert.IsType<ErrorEvent>(Assert.Single(empty)).Code);
        var notFound = Assert.IsType<ErrorEvent>(Assert.Single(unknown));
        Assert.Equal("conversation_not_found", notFound.Code);
        Assert.Contains("대화", notFound.Message, StringComparison.Ordinal);
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = fixture.Server.CreateHubConnection();
        await connection.StartAsync();
        return connection;
    }


    private static string Text(IEnumerable<DeltaEvent> deltas) => string.Concat(deltas.Select(d => d.Text));
}

public sealed class HubChatTestsOnSqlite(SqliteChatServerFixture fixture) : HubChatTests<SqliteChatServerFixture>(fixture);

public sealed class HubChatTestsOnPostgres(PostgresChatServerFixture fixture) : HubChatTests<PostgresChatServerFixture>(fixture);
