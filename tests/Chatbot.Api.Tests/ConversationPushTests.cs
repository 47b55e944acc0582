using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>
/// Messages stored in a conversation are pushed to every connection watching it: a second tab sees the first tab's
/// question and answer, and a customer sees a counsellor's reply posted through the admin API.
/// </summary>
public abstract class ConversationPushTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ChatServerFixture
{
    [Fact]
    public async Task Second_tab_watching_the_conversation_gets_the_question_and_answer_and_the_asker_gets_no_copy()
    {
        await using var tabA = await ConnectAsync();
        var ownPushes = Watch(tabA);
        var first = await tabA.AskAllAsync(new ChatRequest("보험금 청구는 어떻게 하나요?"));
        var conversationId = Assert.IsType<AcceptedEvent>(first[0]).ConversationId;
        await using var tabB = await ConnectAsync();
        var pushes = Watch(tabB);
        await tabB.InvokeAsync(ChatEndpoints.WatchConversationMethod, conversationId);

        var second = await tabA.AskAllAsync(new ChatRequest("보험계약대출은 얼마까지 되나요?", conversationId, "push-" + Guid.NewGuid().ToString("N")));

        var question = await NextAsync(pushes);
        var answer = await NextAsync(pushes);
        Assert.Equal(conversationId, question.ConversationId);
        Assert.Equal(MessageRoles.User, question.Role);
        Assert.Equal("보험계약대출은 얼마까지 되나요?", question.Text);
        Assert.Equal(Assert.IsType<AcceptedEvent>(second[0]).UserMessageId, question.MessageId);
        var completed = Assert.IsType<CompletedEvent>(second[^1]);
        Assert.Equal(MessageRoles.Assistant, answer.Role);
        Assert.Equal(completed.MessageId, answer.MessageId);
        Assert.Equal(string.Concat(second.OfType<DeltaEvent>().Select(d => d.Text)), answer.Text);
        Assert.Equal(Assert.Single(second.OfType<CitationsEvent>()).Citations, answer.Citations);
        Assert.True(answer.Grounded);

        // The asker's pushes would have been written to its connection before the answer's completed event: none came.
        Assert.False(ownPushes.TryRead(out var echoed), $"the asker got its own message pushed: {echoed}");
    }

    [Fact]
    public async Task Question_asked_over_http_reaches_a_tab_that_fetched_the_history()
    {
        using var http = fixture.Server.CreateHttpClient();
        var first = await AskOverHttpAsync(http, new ChatRequest("해지환급금이 뭐예요?"));
        await using var tab = await ConnectAsync();
        var pushes = Watch(tab);
        var history = await tab.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, first.ConversationId);

        var second = await AskOverHttpAsync(http, new ChatRequest("보험료 납입을 못 하면 어떻게 되나요?", first.ConversationId));

        Assert.Equal(2, history.Messages.Count);
        var question = await NextAsync(pushes);
        var answer = await NextAsync(pushes);
        Assert.Equal((MessageRoles.User, "보험료 납입을 못 하면 어떻게 되나요?"), (question.Role, question.Text));
        Assert.Equal((MessageRoles.Assistant, second.MessageId, second.Answer), (answer.Role, answer.MessageId, answer.Text));
    }

    [Fact]
    public async Task Counsellor_reply_is_masked_stored_once_and_pushed_to_the_customer()
    {
        await using var customer = await ConnectAsync();
        var pushes = Watch(customer);
        var asked = await customer.AskAllAsync(new ChatRequest("상담원과 통화하고 싶어요"));
        var conversationId = Assert.IsType<AcceptedEvent>(asked[0]).ConversationId;
        using var admin = fixture.Server.CreateAdminClient();
        var reply = new { text = "  안녕하세요, 상담원 김하나입니다. 010-1234-5678 번호로 연락드리겠습니다.  ", clientMessageId = "counsel-" + Guid.NewGuid().ToString("N") };

        using var posted = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", reply);
        using var resent = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", reply);

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var stored = (await posted.Content.ReadFromJsonAsync<MessageAdded>(JsonSerializerOptions.Web))!;
        Assert.Equal(stored.MessageId, (await resent.Content.ReadFromJsonAsync<MessageAdded>(JsonSerializerOptions.Web))!.MessageId);
        Assert.Equal(MessageRoles.Counsellor, stored.Role);
        Assert.Equal("안녕하세요, 상담원 김하나입니다. [전화번호] 번호로 연락드리겠습니다.", stored.Text);

        var pushed = await NextAsync(pushes);
        Assert.Equal((conversationId, stored.MessageId, MessageRoles.Counsellor, stored.Text), (pushed.ConversationId, pushed.MessageId, pushed.Role, pushed.Text));
        var history = await customer.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, conversationId);
        Assert.Equal([MessageRoles.User, MessageRoles.Assistant, MessageRoles.Counsellor], history.Messages.Select(m => m.Role));
        Assert.Equal(stored.MessageId, history.Messages[^1].Id);
        Assert.DoesNotContain("1234-5678", history.Messages[^1].Content, StringComparison.Ordinal);
        Assert.False(pushes.TryRead(out var twice), $"the resend was pushed again: {twice}");
    }

    [Fact]
    public async Task Counsellor_endpoint_needs_the_admin_key()
    {
        var conversationId = await StartConversationAsync();
        using var customer = fixture.Server.CreateHttpClient();
        using var wrong = fixture.Server.CreateHttpClient(siteKey: null);
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-admin-key-0123456789");

        using var asCustomer = await customer.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text = "안녕하세요" });
        using var withWrongKey = await wrong.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text = "안녕하세요" });

        Assert.Equal(HttpStatusCode.Unauthorized, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey.StatusCode);
        Assert.Equal(2, (await GetHistoryAsync(conversationId)).Messages.Count);
    }

    [Fact]
    public async Task Counsellor_reply_to_an_unknown_conversation_is_404_and_bad_replies_are_400()
    {
        var conversationId = await StartConversationAsync();
        using var admin = fixture.Server.CreateAdminClient();
        var path = $"/api/admin/conversations/{conversationId}/messages";

        using var unknown = await admin.PostAsJsonAsync($"/api/admin/conversations/{Guid.NewGuid()}/messages", new { text = "안녕하세요" });
        using var empty = await admin.PostAsJsonAsync(path, new { text = "   " });
        using var missing = await admin.PostAsJsonAsync(path, new { message = "안녕하세요" });
        using var tooLong = await admin.PostAsJsonAsync(path, new { text = new string('가', ChatLimits.MaxMessageLength + 1) });
        using var notJson = await admin.PostAsync(path, new StringContent("{\"text\": ", Encoding.UTF8, "application/json"));
        using var badId = await admin.PostAsJsonAsync(path, new { text = "안녕하세요", clientMessageId = "has spaces" });
        // A counsellor's ids are the conversation's counsellors' own; one reused for another text is a conflict.
        var replyId = "reply-" + Guid.NewGuid().ToString("N");
        using var reply = await admin.PostAsJsonAsync(path, new { text = "안녕하세요", clientMessageId = replyId });
        using var takenId = await admin.PostAsJsonAsync(path, new { text = "다른 답변입니다", clientMessageId = replyId });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("conversation_not_found", await CodeOf(unknown));
        Assert.Equal((HttpStatusCode.BadRequest, "empty_message"), (empty.StatusCode, await CodeOf(empty)));
        Assert.Equal((HttpStatusCode.BadRequest, "empty_message"), (missing.StatusCode, await CodeOf(missing)));
        Assert.Equal((HttpStatusCode.BadRequest, "message_too_long"), (tooLong.StatusCode, await CodeOf(tooLong)));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (notJson.StatusCode, await CodeOf(notJson)));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_client_message_id"), (badId.StatusCode, await CodeOf(badId)));
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        Assert.Equal((HttpStatusCode.Conflict, "client_message_id_conflict"), (takenId.StatusCode, await CodeOf(takenId)));
        Assert.Equal(3, (await GetHistoryAsync(conversationId)).Messages.Count);
    }

    [Fact]
    public async Task Another_sites_conversation_cannot_be_watched()
    {
        var conversationId = await StartConversationAsync();
        var site = await TestSites.CreateAsync(fixture.Server, "https://other.example");
        await using var stranger = fixture.Server.CreateHubConnection(site.PublicKey);
        await stranger.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync(ChatEndpoints.WatchConversationMethod, conversationId));

        Assert.Contains("conversation_not_found", refused.Message, StringComparison.Ordinal);
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = fixture.Server.CreateHubConnection();
        await connection.StartAsync();
        return connection;
    }

    private async Task<Guid> StartConversationAsync()
    {
        using var http = fixture.Server.CreateHttpClient();
        return (await AskOverHttpAsync(http, new ChatRequest("보험금 청구는 어떻게 하나요?", ClientMessageId: "start-" + Guid.NewGuid().ToString("N")))).ConversationId;
    }

    private async Task<ConversationHistory> GetHistoryAsync(Guid conversationId)
    {
        using var http = fixture.Server.CreateHttpClient();
        return (await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{conversationId}/messages", JsonSerializerOptions.Web))!;
    }

    private static async Task<ChatResponse> AskOverHttpAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
    }

    private static ChannelReader<MessageAdded> Watch(HubConnection connection)
    {
        var pushes = Channel.CreateUnbounded<MessageAdded>();
        connection.On<MessageAdded>(ChatEndpoints.MessageAddedMethod, added => pushes.Writer.TryWrite(added));
        return pushes.Reader;
    }

    /// <summary>The next pushed message; ten seconds bound a push that never comes.</summary>
    private static async Task<MessageAdded> NextAsync(ChannelReader<MessageAdded> pushes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await pushes.ReadAsync(timeout.Token);
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;
}

public sealed class ConversationPushTestsOnSqlite(SqliteChatServerFixture fixture) : ConversationPushTests<SqliteChatServerFixture>(fixture);

public sealed class ConversationPushTestsOnPostgres(PostgresChatServerFixture fixture) : ConversationPushTests<PostgresChatServerFixture>(fixture);
