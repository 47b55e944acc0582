using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>
/// Many customers at once against the real server on PostgreSQL: every message is stored exactly once and each
/// conversation's history keeps its order.
/// </summary>
public sealed class ConcurrentConversationTests(ManyCustomersPostgresChatServerFixture fixture) : IClassFixture<ManyCustomersPostgresChatServerFixture>
{
    private static readonly string[] Questions = ["보험금 청구 서류는 뭐예요?", "암보험 면책기간이 뭔가요?", "보험계약대출 이자는 어떻게 되나요?"];

    [Fact]
    public async Task Fifty_conversations_written_at_once_lose_nothing_and_keep_their_order()
    {
        using var http = fixture.Server.CreateHttpClient();

        var conversations = await Task.WhenAll(Enumerable.Range(0, 50).Select(async c =>
        {
            Guid? conversationId = null;
            var answers = new List<ChatResponse>();
            for (var q = 0; q < Questions.Length; q++)
            {
                var answer = await AskAsync(http, new ChatRequest($"{Questions[q]} (고객 {c}, 질문 {q})", conversationId, $"c{c}-q{q}"));
                conversationId = answer.ConversationId;
                answers.Add(answer);
            }

            return (Index: c, Answers: answers);
        }));

        Assert.Equal(50, conversations.Select(c => c.Answers[0].ConversationId).Distinct().Count());
        foreach (var (index, answers) in conversations)
        {
            var history = await HistoryAsync(http, answers[0].ConversationId);
            Assert.Equal(["user", "assistant", "user", "assistant", "user", "assistant"], history.Messages.Select(m => m.Role));
            Assert.Equal(Enumerable.Range(0, Questions.Length).Select(q => $"c{index}-q{q}"), history.Messages.Where(m => m.Role == "user").Select(m => m.ClientMessageId));
            Assert.Equal(answers.Select(a => a.MessageId), history.Messages.Where(m => m.Role == "assistant").Select(m => m.Id));
            Assert.All(history.Messages.Where(m => m.Role == "user"), m => Assert.Contains($"(고객 {index}, 질문", m.Content, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Questions_sent_at_once_into_the_same_conversations_are_each_stored_once_before_their_answers()
    {
        using var http = fixture.Server.CreateHttpClient();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(async c =>
        {
            var opening = await AskAsync(http, new ChatRequest($"안녕하세요 (대화 {c})", null, $"burst{c}-open"));

            // Five questions at once, and each sent twice, as a client retrying on a flaky network would.
            var sends = Enumerable.Range(0, 5)
                .SelectMany(q => Enumerable.Repeat(new ChatRequest($"{Questions[q % Questions.Length]} (대화 {c}, 질문 {q})", opening.ConversationId, $"burst{c}-q{q}"), 2))
                .Select(request => AskAsync(http, request));
            var answers = await Task.WhenAll(sends);
            return (Index: c, Opening: opening, Answers: answers);
        }));

        foreach (var (index, opening, answers) in results)
        {
            var history = await HistoryAsync(http, opening.ConversationId);
            var questions = history.Messages.Where(m => m.Role == "user").ToList();
            Assert.Equal(6, questions.Count);
            Assert.Equal(6, questions.Select(m => m.ClientMessageId).Distinct().Count());
            Assert.Equal(history.Messages.Count, history.Messages.Select(m => m.Id).Distinct().Count());

            for (var q = 0; q < 5; q++)
            {
                // Both sends of a question got the same stored answer, which follows its question in the history.
                var pair = answers.Skip(q * 2).Take(2).ToList();
                Assert.True(pair[0].MessageId == pair[1].MessageId, $"question {q} of conversation {index} was answered twice: {pair[0].MessageId} and {pair[1].MessageId}\n"
                    + string.Join("\n", history.Messages.Select(m => $"{m.Role} {m.Id} {m.ClientMessageId} {m.Content[..Math.Min(20, m.Content.Length)]}")));
                var questionAt = history.Messages.ToList().FindIndex(m => m.ClientMessageId == $"burst{index}-q{q}");
                var answerAt = history.Messages.ToList().FindIndex(m => m.Id == pair[0].MessageId);
                Assert.True(questionAt >= 0 && answerAt > questionAt, $"conversation {index}: the answer to question {q} must follow it");
            }
        }
    }

    private static async Task<ChatResponse> AskAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for {request.ClientMessageId}: {body}");
        return JsonSerializer.Deserialize<ChatResponse>(body, JsonSerializerOptions.Web)!;
    }

    private static async Task<ConversationHistory> HistoryAsync(HttpClient http, Guid conversationId) =>
        (await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{conversationId}/messages", JsonSerializerOptions.Web))!;
}
