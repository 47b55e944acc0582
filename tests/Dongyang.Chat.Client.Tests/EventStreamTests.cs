using System.Net.Http.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client.Tests;

/// <summary><see cref="IDongyangChat.ReadEventsAsync"/>: the answer, a counsellor's push and a resync, in one stream and in order, from the real server.</summary>
public sealed class EventStreamTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private const string CounsellorReply = "상담원 이지은입니다. 청구 서류를 확인해 드릴게요.";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Answer_then_counsellor_push_then_reconnect_and_resync_arrive_in_one_stream_in_order()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = relay.BaseAddress,
            SiteKey = ChatServer.LocalSiteKey,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
        });
        using var stop = new CancellationTokenSource(Patience * 2);
        var received = new List<ChatEvent>();
        var events = chat.ReadEventsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        // The first MoveNextAsync starts the enumeration, so it has everything from here on.
        var reading = ReadAsync(events, events.MoveNextAsync(), received);

        var answer = await chat.AskForAnswerAsync("보험금 청구할 때 필요한 서류는 뭐예요?").WaitAsync(Patience);
        using var admin = fixture.Server.CreateAdminClient();
        using var reply = await admin.PostAsJsonAsync($"/api/admin/conversations/{chat.ConversationId}/messages", new { text = CounsellorReply });
        reply.EnsureSuccessStatusCode();
        await WaitForAsync(received, e => e is MessageAddedChatEvent);
        relay.Cut();
        await WaitForAsync(received, e => e is ConnectionChatEvent { State: ChatConnectionState.Reconnecting });
        relay.Restore();
        await WaitForAsync(received, e => e is HistoryResyncedChatEvent);

        List<ChatEvent> all;
        lock (received)
        {
            all = [.. received];
        }

        // The answer, whole and in its own order: accepted, the text, completed.
        var answerEvents = all.OfType<AnswerChatEvent>().ToList();
        Assert.Single(answerEvents.Select(e => e.ClientMessageId).Distinct());
        Assert.IsType<AcceptedEvent>(answerEvents[0].Update);
        Assert.IsType<CompletedEvent>(answerEvents[^1].Update);
        Assert.Equal(answer.Text, string.Concat(answerEvents.Select(e => e.Update).OfType<DeltaEvent>().Select(d => d.Text)));

        // Then, in the order they happened: the counsellor's push, the drop, the connection back, the resynced history.
        var lastAnswer = all.IndexOf(answerEvents[^1]);
        var push = all.FindIndex(e => e is MessageAddedChatEvent);
        var dropped = all.FindIndex(e => e is ConnectionChatEvent { State: ChatConnectionState.Reconnecting });
        var back = all.FindIndex(dropped, e => e is ConnectionChatEvent { State: ChatConnectionState.Connected });
        var resync = all.FindIndex(e => e is HistoryResyncedChatEvent);
        Assert.True(all.FindIndex(e => e is ConnectionChatEvent { State: ChatConnectionState.Connected }) < all.IndexOf(answerEvents[0]), "connected before the answer");
        Assert.True(lastAnswer < push, "the push after the answer");
        Assert.True(push < dropped, "the drop after the push");
        Assert.True(dropped < back && back < resync, "the resync after the connection is back");
        Assert.Equal(CounsellorReply, ((MessageAddedChatEvent)all[push]).Message.Text);
        Assert.Equal(
            [MessageRoles.User, MessageRoles.Assistant, MessageRoles.Counsellor],
            ((HistoryResyncedChatEvent)all[resync]).History.Messages.Select(m => m.Role));

        // Disposing the client ends the enumeration.
        await chat.DisposeAsync();
        await reading.WaitAsync(Patience);
    }

    private static async Task ReadAsync(IAsyncEnumerator<ChatEvent> events, ValueTask<bool> first, List<ChatEvent> received)
    {
        await using (events)
        {
            for (var next = first; await next; next = events.MoveNextAsync())
            {
                lock (received)
                {
                    received.Add(events.Current);
                }
            }
        }
    }

    private static async Task WaitForAsync(List<ChatEvent> received, Func<ChatEvent, bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            lock (received)
            {
                if (received.Any(condition))
                {
                    return;
                }
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
