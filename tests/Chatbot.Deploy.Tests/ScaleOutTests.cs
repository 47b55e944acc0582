using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// Two Api instances behind nginx with the Redis backplane: a conversation's messages reach its watchers on either
/// instance — a second tab sees the first tab's question and answer, a counsellor's reply posted on one instance reaches
/// the customer on the other.
/// </summary>
public sealed class ScaleOutTests(ScaleOutWithRedisFixture fixture) : IClassFixture<ScaleOutWithRedisFixture>
{
    [Fact]
    public async Task Messages_of_a_conversation_reach_its_tabs_on_both_instances_through_the_redis_backplane()
    {
        await using var tabA = await fixture.ConnectAsync();
        await using var tabB = await fixture.ConnectAsync(notOn: tabA.Instance);
        Assert.NotEqual(tabA.Instance, tabB.Instance);

        var first = await Services.AskAsync(tabA.Connection, new ChatRequest("보험금 청구할 때 필요한 서류는 뭐예요?"));
        var conversationId = Assert.IsType<AcceptedEvent>(first[0]).ConversationId;
        await tabB.Connection.InvokeAsync(ChatEndpoints.WatchConversationMethod, conversationId);

        // Tab A asks on its instance; tab B, on the other, gets the question and the answer.
        var second = await Services.AskAsync(tabA.Connection, new ChatRequest("해지환급금은 어떻게 계산되나요?", conversationId));
        var question = await tabB.NextPushAsync();
        var answer = await tabB.NextPushAsync();

        Assert.Equal((conversationId, Assert.IsType<AcceptedEvent>(second[0]).UserMessageId, MessageRoles.User, "해지환급금은 어떻게 계산되나요?"), (question.ConversationId, question.MessageId, question.Role, question.Text));
        var completed = Assert.IsType<CompletedEvent>(second[^1]);
        Assert.Equal((completed.MessageId, MessageRoles.Assistant, Services.Text(second)), (answer.MessageId, answer.Role, answer.Text));
        Assert.Equal(Assert.Single(second.OfType<CitationsEvent>()).Citations, answer.Citations);

        // A counsellor answers through the admin API of tab B's instance; tab A, on the other instance, gets it.
        var other = fixture.Instances[tabB.Instance];
        using var admin = other.CreateAdminClient();
        using var posted = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text = "상담원 최유리입니다. 해지환급금 예시표를 보내 드릴게요." });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var reply = (await posted.Content.ReadFromJsonAsync<MessageAdded>(JsonSerializerOptions.Web))!;

        var atA = await tabA.NextPushAsync();
        var atB = await tabB.NextPushAsync();
        Assert.Equal((reply.MessageId, MessageRoles.Counsellor, "상담원 최유리입니다. 해지환급금 예시표를 보내 드릴게요."), (atA.MessageId, atA.Role, atA.Text));
        Assert.Equal(reply.MessageId, atB.MessageId);

        // Stored once, whichever instance is asked.
        using var customer = fixture.Instances[tabA.Instance].CreateHttpClient();
        var history = (await customer.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{conversationId}/messages", JsonSerializerOptions.Web))!;
        Assert.Equal([MessageRoles.User, MessageRoles.Assistant, MessageRoles.User, MessageRoles.Assistant, MessageRoles.Counsellor], history.Messages.Select(m => m.Role));
        Assert.False(tabA.TryTakePush(out var extra), $"tab A got a copy of its own message: {extra}");
    }

    [Fact]
    public async Task Nginx_balances_hub_connections_over_both_instances()
    {
        await using var first = await fixture.ConnectAsync();
        await using var second = await fixture.ConnectAsync(notOn: first.Instance);

        Assert.Equal(["api-1", "api-2"], new[] { first.Instance, second.Instance }.Order());
        Assert.Contains("SignalR backplane: Redis at 127.0.0.1:" + fixture.Redis!.Port, fixture.Instances["api-1"].Output, StringComparison.Ordinal);
    }
}

/// <summary>
/// The same two instances without the backplane: each instance only reaches its own connections, so the tab on the
/// other instance hears nothing. This is what the Redis backplane is for.
/// </summary>
public sealed class ScaleOutWithoutBackplaneTests(ScaleOutWithoutRedisFixture fixture) : IClassFixture<ScaleOutWithoutRedisFixture>
{
    [Fact]
    public async Task Without_redis_messages_do_not_cross_instances()
    {
        await using var tabA = await fixture.ConnectAsync();
        await using var tabB = await fixture.ConnectAsync(notOn: tabA.Instance);
        var first = await Services.AskAsync(tabA.Connection, new ChatRequest("보험금 청구할 때 필요한 서류는 뭐예요?"));
        var conversationId = Assert.IsType<AcceptedEvent>(first[0]).ConversationId;
        await tabB.Connection.InvokeAsync(ChatEndpoints.WatchConversationMethod, conversationId);

        // Tab A's question and answer are stored on A's instance, then a counsellor replies on B's: tab B, watching
        // the conversation, gets only the reply its own instance sent.
        await Services.AskAsync(tabA.Connection, new ChatRequest("해지환급금은 어떻게 계산되나요?", conversationId));
        var onB = await PostReplyAsync(fixture.Instances[tabB.Instance], conversationId, "B 쪽 상담원 답변입니다.");
        var atB = await tabB.NextPushAsync();

        // And the other way round: a reply on A's instance reaches tab A, which never got the one posted on B.
        var onA = await PostReplyAsync(fixture.Instances[tabA.Instance], conversationId, "A 쪽 상담원 답변입니다.");
        var atA = await tabA.NextPushAsync();

        Assert.Equal(onB.MessageId, atB.MessageId);
        Assert.Equal(onA.MessageId, atA.MessageId);
        Assert.False(tabA.TryTakePush(out var crossedToA), $"without a backplane tab A got: {crossedToA}");
        Assert.False(tabB.TryTakePush(out var crossedToB), $"without a backplane tab B got: {crossedToB}");
        Assert.DoesNotContain("SignalR backplane", fixture.Instances[tabA.Instance].Output, StringComparison.Ordinal);
    }

    private static async Task<MessageAdded> PostReplyAsync(ChatServer instance, Guid conversationId, string text)
    {
        using var admin = instance.CreateAdminClient();
        using var posted = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        return (await posted.Content.ReadFromJsonAsync<MessageAdded>(JsonSerializerOptions.Web))!;
    }
}

/// <summary>
/// The backplane is an addition: with Redis unreachable, customers still connect, ask and get their answers; once Redis
/// is back, their connection joins it and pushes resume.
/// </summary>
public sealed class ScaleOutRedisDownTests
{
    [Fact]
    public async Task With_redis_unreachable_a_customer_is_still_answered_and_pushes_resume_when_it_is_back()
    {
        Tool.Require("redis-server", "Debian package redis-server");
        var port = Tool.FreePort();
        await using var api = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["ScaleOut__RedisConnectionString"] = $"127.0.0.1:{port},connectTimeout=500",
        });
        try
        {
            await using var tab = await ConnectAsync(api);

            var events = await Services.AskAsync(tab.Connection, new ChatRequest("보험금 청구할 때 필요한 서류는 뭐예요?"));

            var conversationId = Assert.IsType<AcceptedEvent>(events[0]).ConversationId;
            Assert.IsType<CompletedEvent>(events[^1]);
            Assert.Contains("without the Redis backplane", api.Output, StringComparison.Ordinal);

            // Redis comes up: the same connection can watch its conversation (joining the backplane) and gets a
            // counsellor's reply. The Redis client reconnects on its own schedule, so the watch is retried until then.
            await using var redis = await RedisServer.StartAsync(port);
            await WatchOnceRedisIsBackAsync(tab, conversationId);
            using var admin = api.CreateAdminClient();
            using var posted = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text = "상담원입니다. 다시 연결되었습니다." });
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            Assert.Equal(MessageRoles.Counsellor, (await tab.NextPushAsync()).Role);
        }
        finally
        {
            Directory.Delete(api.DataDirectory, recursive: true);
        }
    }

    private static async Task<Tab> ConnectAsync(ChatServer api)
    {
        var connection = api.CreateHubConnection();
        await connection.StartAsync();
        return Tab.Of(connection, "api");
    }

    private static async Task WatchOnceRedisIsBackAsync(Tab tab, Guid conversationId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await tab.Connection.InvokeAsync(ChatEndpoints.WatchConversationMethod, conversationId, timeout.Token);
                return;
            }
            catch (HubException e) when (e.Message.Contains("watch_unavailable", StringComparison.Ordinal) && !timeout.IsCancellationRequested)
            {
                await Task.Delay(250, timeout.Token);
            }
        }
    }
}
