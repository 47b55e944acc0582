using System.Collections.Concurrent;
using Chatbot.Testing;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>A server whose session tokens live five seconds (<c>Sites:SessionTokenSeconds</c>, validated at start).</summary>
public sealed class ShortSessionFixture : ChatServerFixture
{
    public const int SessionSeconds = 5;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["Sites__SessionTokenSeconds"] = SessionSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}

/// <summary>
/// Issue 12, item 4 (leftover): a hub connection lasts as long as its session token. Once the token expires the
/// server closes the connection (SignalR's CloseOnAuthenticationExpiration, from the ticket's expiry) and refuses
/// calls on it with <c>session_expired</c>; the SDK renews the token and reconnects without the caller noticing.
/// </summary>
public sealed class SessionExpiryTests(ShortSessionFixture fixture) : IClassFixture<ShortSessionFixture>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_connection_whose_session_token_expires_is_closed_and_answers_nothing_after_expiry()
    {
        var session = await Server.CreateAnonymousSessionAsync();
        await using var connection = Server.CreateHubConnection(headers: ChatServer.SessionHeaders(session));
        var closed = connection.WhenClosed();
        await connection.StartAsync();
        var before = await connection.AskAllAsync(new ChatRequest("보험금 청구는 어떻게 하나요?"));
        Assert.IsType<CompletedEvent>(before[^1]);

        // Past the expiry, a call is refused with the code the SDK knows, or finds the connection already closed.
        await Task.Delay(session.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        List<ChatStreamEvent>? after = null;
        try
        {
            after = await connection.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?"));
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or Microsoft.AspNetCore.SignalR.HubException or IOException)
        {
            // Closed under the call: nothing was answered on the expired connection.
        }

        if (after is not null)
        {
            Assert.Equal(ChatErrorCodes.SessionExpired, Assert.IsType<ErrorEvent>(Assert.Single(after)).Code);
        }

        // And the server closes the connection itself (this client does not reconnect).
        await closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task The_sdk_renews_an_expired_session_and_keeps_answering_in_the_same_conversation()
    {
        var states = new ConcurrentQueue<ChatConnectionState>();
        await using var chat = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = Server.BaseAddress,
            SiteKey = ChatServer.LocalSiteKey,
            ReconnectDelays = [TimeSpan.FromMilliseconds(200)],
        });
        chat.StateChanged += (_, e) => states.Enqueue(e.State);

        var first = await AnswerAsync(chat, "보험금 청구는 어떻게 하나요?");

        // Well past the token's lifetime: the server has closed that connection, so the next question needs a new token.
        await Task.Delay(TimeSpan.FromSeconds(ShortSessionFixture.SessionSeconds + 3));
        var second = await AnswerAsync(chat, "해지환급금이 뭐예요?");

        Assert.Equal(first.ConversationId, second.ConversationId);
        Assert.Contains(ChatConnectionState.Reconnecting, states);
        Assert.Equal(ChatConnectionState.Connected, chat.State);

        // Each question stored once, the last answer complete. (An answer that was streaming when a token expired is
        // cut with its connection, kept as interrupted, and answered again on the resend: then one more message.)
        var history = await chat.GetHistoryAsync();
        Assert.Equal(2, history!.Messages.Count(m => m.Role == "user"));
        Assert.Equal(second.MessageId, history.Messages[^1].Id);
    }

    private static async Task<CompletedEvent> AnswerAsync(DongyangChatClient chat, string question)
    {
        var events = new List<ChatStreamEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in chat.AskAsync(question, cancellationToken: timeout.Token))
        {
            events.Add(e);
        }

        return Assert.IsType<CompletedEvent>(events[^1]);
    }
}
