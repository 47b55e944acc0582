using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

public sealed class SqliteWriteConcurrencyFixture : SqliteStoredRowsFixture;

/// <summary>
/// Many customers at once on the embedded default (SQLite, one writer at a time): every write waits its turn in the
/// server's write gate instead of failing or sleeping, so every message is stored exactly once, in order.
/// </summary>
public sealed class SqliteWriteConcurrencyTests(SqliteWriteConcurrencyFixture fixture) : IClassFixture<SqliteWriteConcurrencyFixture>
{
    private static readonly string[] Questions = ["보험금 청구 서류는 뭐예요?", "암보험 면책기간이 뭔가요?", "보험계약대출 이자는 어떻게 되나요?"];

    [Fact]
    public async Task A_hundred_customers_asking_at_once_over_SignalR_each_get_every_answer_and_every_message_is_stored_once_in_order()
    {
        var customers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async c =>
        {
            await using var connection = fixture.Server.CreateHubConnection();
            await connection.StartAsync();
            Guid? conversationId = null;
            var seen = new List<List<ChatStreamEvent>>();
            for (var q = 0; q < Questions.Length; q++)
            {
                var events = await connection.AskAllAsync(new ChatRequest($"{Questions[q]} (고객 {c}, 질문 {q})", conversationId, $"sqlite-c{c}-q{q}"));
                conversationId = events.OfType<AcceptedEvent>().First().ConversationId;
                seen.Add(events);
            }

            var history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, conversationId!.Value);
            return (Index: c, Seen: seen, History: history);
        }));

        Assert.Equal(100, customers.Select(c => c.History.ConversationId).Distinct().Count());
        foreach (var (index, seen, history) in customers)
        {
            Assert.All(seen, events => Assert.IsType<CompletedEvent>(events[^1]));
            Assert.Equal(["user", "assistant", "user", "assistant", "user", "assistant"], history.Messages.Select(m => m.Role));
            Assert.Equal(Enumerable.Range(0, Questions.Length).Select(q => $"sqlite-c{index}-q{q}"), history.Messages.Where(m => m.Role == "user").Select(m => m.ClientMessageId));
            Assert.Equal(seen.Select(events => ((CompletedEvent)events[^1]).MessageId), history.Messages.Where(m => m.Role == "assistant").Select(m => m.Id));
        }

        for (var c = 0; c < 100; c += 17)
        {
            var stored = await StoredExchange.ReadAsync(fixture.OpenDatabase, $"sqlite-c{c}-q1");
            Assert.Equal((1, 1, 0), (stored.Questions, stored.CompleteAnswers, stored.InterruptedAnswers));
        }

        Assert.DoesNotContain("database is locked", fixture.Server.Output, StringComparison.OrdinalIgnoreCase);
    }
}
