using System.Net;
using System.Net.Http.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client.Tests;

/// <summary>Messages the server pushes for the client's conversation: another tab's, and a counsellor's reply.</summary>
public sealed class PushedMessageTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Second_tab_on_the_same_conversation_gets_the_first_tabs_question_and_answer_once()
    {
        await using var tabA = NewClient(fixture.Server.BaseAddress);
        var ownPushes = Record(tabA);
        await CollectAsync(tabA.AskAsync("보험금 청구는 어떻게 하나요?"));
        await using var tabB = NewClient(fixture.Server.BaseAddress);
        var pushes = Record(tabB);
        tabB.UseConversation(tabA.ConversationId);
        await tabB.ConnectAsync();

        var events = await CollectAsync(tabA.AskAsync("해지환급금은 어떻게 계산되나요?"));
        await WaitForAsync(() => Count(pushes) == 2);

        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        lock (pushes)
        {
            Assert.Equal([MessageRoles.User, MessageRoles.Assistant], pushes.Select(p => p.Role));
            Assert.Equal("해지환급금은 어떻게 계산되나요?", pushes[0].Text);
            Assert.Equal(completed.MessageId, pushes[1].MessageId);
            Assert.NotEmpty(pushes[1].Citations);
        }

        Assert.Equal(0, Count(ownPushes));
    }

    [Fact]
    public async Task After_a_reconnect_the_client_watches_its_conversation_again_and_gets_the_counsellors_reply()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = NewClient(relay.BaseAddress);
        var pushes = Record(chat);
        var resynced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.HistoryResynced += (_, _) => resynced.TrySetResult();
        await CollectAsync(chat.AskAsync("상담원 연결해 주세요"));
        await chat.RequestHandoffAsync();

        relay.Cut();
        await WaitForAsync(() => chat.State == ChatConnectionState.Reconnecting);
        relay.Restore();
        // The client watches again before it resyncs the history.
        await resynced.Task.WaitAsync(Patience);
        using var admin = fixture.Server.CreateAdminClient();
        using var reply = await admin.PostAsJsonAsync($"/api/admin/conversations/{chat.ConversationId}/messages", new { text = "상담원 이지은입니다. 무엇을 도와드릴까요?" });
        await WaitForAsync(() => Count(pushes) == 1);

        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        lock (pushes)
        {
            var pushed = Assert.Single(pushes);
            Assert.Equal((MessageRoles.Counsellor, "상담원 이지은입니다. 무엇을 도와드릴까요?", chat.ConversationId), (pushed.Role, pushed.Text, (Guid?)pushed.ConversationId));
        }
    }

    [Fact]
    public async Task Messages_of_another_conversation_are_not_raised()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);
        var pushes = Record(chat);
        await CollectAsync(chat.AskAsync("보험금 청구는 어떻게 하나요?"));
        var earlier = chat.ConversationId!.Value;
        chat.UseConversation(null);
        await CollectAsync(chat.AskAsync("보험료 납입 방법이 궁금해요"));
        using var admin = fixture.Server.CreateAdminClient();

        // The connection is still in the earlier conversation's group; the client shows only the current one.
        using var toEarlier = await admin.PostAsJsonAsync($"/api/admin/conversations/{earlier}/messages", new { text = "이전 대화에 대한 답변입니다." });
        using var toCurrent = await admin.PostAsJsonAsync($"/api/admin/conversations/{chat.ConversationId}/messages", new { text = "현재 대화에 대한 답변입니다." });
        await WaitForAsync(() => Count(pushes) == 1);

        lock (pushes)
        {
            Assert.Equal("현재 대화에 대한 답변입니다.", Assert.Single(pushes).Text);
        }
    }

    [Fact]
    public async Task WebSockets_only_client_connects_without_negotiating_and_gets_pushes()
    {
        var requests = new List<string>();
        await using var chat = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = fixture.Server.BaseAddress,
            SiteKey = ChatServer.LocalSiteKey,
            Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets,
            HttpMessageHandlerFactory = inner => new RecordingHandler(inner, requests),
        });
        var pushes = Record(chat);

        await CollectAsync(chat.AskAsync("보험금 청구는 어떻게 하나요?"));
        using var admin = fixture.Server.CreateAdminClient();
        using var reply = await admin.PostAsJsonAsync($"/api/admin/conversations/{chat.ConversationId}/messages", new { text = "상담원입니다." });
        await WaitForAsync(() => Count(pushes) == 1);

        lock (requests)
        {
            Assert.DoesNotContain(requests, r => r.Contains("/negotiate", StringComparison.Ordinal));
        }
    }

    private static DongyangChatClient NewClient(Uri server) => new(new DongyangChatOptions
    {
        ServerUrl = server,
        SiteKey = ChatServer.LocalSiteKey,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
    });

    private static List<MessageAdded> Record(IDongyangChat chat)
    {
        var pushes = new List<MessageAdded>();
        chat.MessageAdded += (_, e) => { lock (pushes) { pushes.Add(e.Message); } };
        return pushes;
    }

    private static int Count(List<MessageAdded> pushes)
    {
        lock (pushes)
        {
            return pushes.Count;
        }
    }

    private static async Task<List<ChatStreamEvent>> CollectAsync(IAsyncEnumerable<ChatStreamEvent> stream)
    {
        var events = new List<ChatStreamEvent>();
        await foreach (var e in stream)
        {
            events.Add(e);
        }

        return events;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Notes every HTTP request the client makes (negotiate would be one; a WebSocket opened directly is not).</summary>
    private sealed class RecordingHandler(HttpMessageHandler inner, List<string> requests) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (requests)
            {
                requests.Add(request.RequestUri!.AbsolutePath);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
