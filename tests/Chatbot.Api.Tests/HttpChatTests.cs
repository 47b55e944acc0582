using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>The REST contract, as scripts and curl use it.</summary>
public abstract class HttpChatTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ChatServerFixture
{
    [Fact]
    public async Task Health_reports_UP()
    {
        using var http = fixture.Server.CreateHttpClient();

        var health = await http.GetFromJsonAsync<JsonElement>("/api/health");

        Assert.Equal("UP", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_with_the_in_process_engine_reports_the_database_and_the_engine_up()
    {
        using var http = fixture.Server.CreateHttpClient();

        using var response = await http.GetAsync("/api/health/ready");

        // It answered 500 in the embedded default: the AI service check needed an HttpClient factory only the remote mode registers.
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var ready = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("UP", ready.GetProperty("status").GetString());
        Assert.Equal("UP", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("UP", ready.GetProperty("checks").GetProperty("ai").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_chat_returns_a_cited_answer_and_stores_the_exchange()
    {
        using var http = fixture.Server.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/api/chat", new { message = "보험금 청구할 때 필요한 서류는 뭐예요?", conversationId = (Guid?)null, clientMessageId = (string?)null });

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var field in new[] { "conversationId", "messageId", "answer", "grounded", "citations", "suggestions" })
        {
            Assert.True(body.TryGetProperty(field, out _), $"missing {field}");
        }

        var answer = body.Deserialize<ChatResponse>(JsonSerializerOptions.Web)!;
        Assert.True(answer.Grounded);
        Assert.Contains(answer.Citations, c => c.DocumentId is "claims-procedure" or "terms-claim-payment");
        Assert.Contains("서류", answer.Answer, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Suggestions);
        foreach (var field in new[] { "index", "documentId", "title", "section", "snippet" })
        {
            Assert.True(body.GetProperty("citations")[0].TryGetProperty(field, out _), $"citation missing {field}");
        }

        var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{answer.ConversationId}/messages", JsonSerializerOptions.Web);
        Assert.Equal(["user", "assistant"], history!.Messages.Select(m => m.Role));
        Assert.Equal(answer.MessageId, history.Messages[1].Id);
        Assert.Equal(answer.Answer, history.Messages[1].Content);
    }

    [Fact]
    public async Task Post_chat_stream_sends_server_sent_events_in_order()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/stream") { Content = JsonContent.Create(new ChatRequest("암보험 면책기간이 뭔가요?")) };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var types = new List<string>();
        var events = new List<ChatStreamEvent>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                types.Add(line["event: ".Length..]);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(JsonSerializer.Deserialize<ChatStreamEvent>(line["data: ".Length..], JsonSerializerOptions.Web)!);
            }
        }

        Assert.Equal("accepted", types[0]);
        Assert.Equal("completed", types[^1]);
        Assert.Equal("citations", types[^2]);
        Assert.All(types[1..^2], t => Assert.Equal("delta", t));
        Assert.Contains(Assert.IsType<CitationsEvent>(events[^2]).Citations, c => c.DocumentId == "cancer-waiting-reduction-period");
    }

    [Fact]
    public async Task Personal_data_is_masked_before_it_is_stored()
    {
        using var http = fixture.Server.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/api/chat", new ChatRequest("제 주민번호는 900101-1234567이고 전화는 010-1234-5678 입니다. 보험금 청구 방법 알려주세요."));

        var answer = (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
        var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{answer.ConversationId}/messages", JsonSerializerOptions.Web);
        var stored = history!.Messages[0].Content;
        Assert.DoesNotContain("900101", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("1234567", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("5678", stored, StringComparison.Ordinal);
        Assert.Contains("보험금 청구", stored, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadChatRequests.All), MemberType = typeof(BadChatRequests))]
    public async Task Bad_input_gets_a_problem_details_error_and_loses_nothing(string json, HttpStatusCode expected)
    {
        using var http = fixture.Server.CreateHttpClient();
        using var first = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험료 납입 방법을 알려주세요."));
        var earlier = (await first.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;

        foreach (var path in new[] { "/api/chat", "/api/chat/stream" })
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(path, content);

            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        }

        var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{earlier.ConversationId}/messages", JsonSerializerOptions.Web);
        Assert.Equal(2, history!.Messages.Count);
    }

    [Fact]
    public async Task History_of_an_unknown_conversation_is_404()
    {
        using var http = fixture.Server.CreateHttpClient();

        using var response = await http.GetAsync($"/api/conversations/{Guid.NewGuid()}/messages");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sample_partner_page_embeds_the_widget()
    {
        using var http = fixture.Server.CreateHttpClient();

        var page = await http.GetStringAsync("/");
        using var loader = await http.GetAsync("/widget/dongyang-chat.js");

        Assert.Contains("<dongyang-chat site-key=", page, StringComparison.Ordinal);
        Assert.Contains("/widget/dongyang-chat.js", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, loader.StatusCode);
        Assert.Contains("customElements.define(\"dongyang-chat\"", await loader.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class HttpChatTestsOnSqlite(SqliteChatServerFixture fixture) : HttpChatTests<SqliteChatServerFixture>(fixture);

public sealed class HttpChatTestsOnPostgres(PostgresChatServerFixture fixture) : HttpChatTests<PostgresChatServerFixture>(fixture);
