using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Dongyang.Chat.Client.Tests;

/// <summary><see cref="IDongyangChat.StopAsync"/> and <see cref="IDongyangChat.DeleteConversationAsync"/> against the real server.</summary>
public sealed class StopAndDeleteTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopped_client_stays_disconnected_gets_no_pushes_and_continues_the_conversation_when_started_again()
    {
        await using var tab = NewClient(ChatServer.LocalSiteKey, null);
        var first = await tab.AskForAnswerAsync(ClaimQuestion).WaitAsync(Patience);
        await using var otherTab = NewClient(ChatServer.LocalSiteKey, null);
        otherTab.UseConversation(first.ConversationId);
        var pushes = new List<MessageAdded>();
        tab.MessageAdded += (_, e) => { lock (pushes) { pushes.Add(e.Message); } };
        var states = new List<ChatConnectionState>();
        tab.StateChanged += (_, e) => { lock (states) { states.Add(e.State); } };

        await tab.StopAsync().WaitAsync(Patience);
        await otherTab.AskForAnswerAsync("보험료를 못 내면 어떻게 되나요?").WaitAsync(Patience);
        await Task.Delay(1000);

        Assert.Equal(ChatConnectionState.Disconnected, tab.State);
        lock (states)
        {
            Assert.Equal([ChatConnectionState.Disconnected], states);
        }

        lock (pushes)
        {
            Assert.Empty(pushes);
        }

        await tab.ConnectAsync().WaitAsync(Patience);
        await otherTab.AskForAnswerAsync("해지환급금은 어떻게 계산되나요?").WaitAsync(Patience);
        await WaitForAsync(() => { lock (pushes) { return pushes.Count == 2; } });
        var again = await tab.AskForAnswerAsync("가입할 때 필요한 서류도 알려 주세요.").WaitAsync(Patience);

        Assert.Equal(first.ConversationId, again.ConversationId);
        var history = await tab.GetHistoryAsync().WaitAsync(Patience);
        Assert.NotNull(history);
        Assert.Equal(8, history.Messages.Count);
    }

    [Fact]
    public async Task Stopping_mid_answer_ends_the_question_with_cancellation_instead_of_reconnecting_for_it()
    {
        await using var chat = NewClient(ChatServer.LocalSiteKey, null);
        await using var events = chat.AskAsync(ClaimQuestion).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.IsType<AcceptedEvent>(events.Current);

        await chat.StopAsync().WaitAsync(Patience);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await events.MoveNextAsync());
        Assert.Equal(ChatConnectionState.Disconnected, chat.State);
    }

    [Fact]
    public async Task Customer_deletes_their_conversation_and_another_customer_or_a_stranger_cannot()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        DongyangChatUser Customer()
        {
            var id = "customer-" + Guid.NewGuid().ToString("N");
            return new DongyangChatUser(id, SharedServer.IdentityHash(secret, id));
        }

        await using var owner = NewClient(siteKey, Customer());
        var answer = await owner.AskForAnswerAsync(ClaimQuestion).WaitAsync(Patience);
        await using var other = NewClient(siteKey, Customer());
        other.UseConversation(answer.ConversationId);
        await using var stranger = NewClient(siteKey, null);
        stranger.UseConversation(answer.ConversationId);

        var refused = await Assert.ThrowsAsync<HubException>(() => other.DeleteConversationAsync().WaitAsync(Patience));
        await Assert.ThrowsAsync<HubException>(() => stranger.DeleteConversationAsync().WaitAsync(Patience));

        Assert.Contains(ChatErrorCodes.ConversationNotFound, refused.Message, StringComparison.Ordinal);
        Assert.Equal(answer.ConversationId, Assert.Single(await owner.GetConversationsAsync()).ConversationId);

        await owner.DeleteConversationAsync().WaitAsync(Patience);

        Assert.Null(owner.ConversationId);
        Assert.Empty(await owner.GetConversationsAsync());
        await using (var database = fixture.OpenDatabase())
        {
            Assert.False(await database.Conversations.AnyAsync(c => c.Id == answer.ConversationId));
            Assert.False(await database.Messages.AnyAsync(m => m.ConversationId == answer.ConversationId));
        }

        var next = await owner.AskForAnswerAsync(ClaimQuestion).WaitAsync(Patience);
        Assert.NotEqual(answer.ConversationId, next.ConversationId);
    }

    private DongyangChatClient NewClient(string siteKey, DongyangChatUser? user) => new(new DongyangChatOptions
    {
        ServerUrl = fixture.Server.BaseAddress,
        SiteKey = siteKey,
        User = user,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
    });

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
