using System.Text;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dongyang.Chat.Client.Tests;

/// <summary>The .NET client against the real server, with the network cut by a loopback relay where a test needs it.</summary>
public sealed class ClientTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ask_streams_the_answer_then_its_citations_then_completion()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);

        var events = await CollectAsync(chat.AskAsync(ClaimQuestion));

        var accepted = Assert.IsType<AcceptedEvent>(events[0]);
        Assert.IsType<DeltaEvent>(events[1]);
        var citations = Assert.Single(events.OfType<CitationsEvent>());
        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.True(completed.Grounded);
        Assert.NotEmpty(citations.Citations);
        Assert.Contains("[1]", Text(events), StringComparison.Ordinal);
        Assert.Equal(accepted.ConversationId, chat.ConversationId);
        Assert.Equal(ChatConnectionState.Connected, chat.State);
    }

    [Fact]
    public async Task Resend_with_the_same_client_message_id_returns_the_same_answer_and_stores_nothing_twice()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);
        var id = DongyangChatClient.NewClientMessageId();

        var first = await CollectAsync(chat.AskAsync(ClaimQuestion, id));
        var second = await CollectAsync(chat.AskAsync(ClaimQuestion, id));

        Assert.Equal(Assert.IsType<CompletedEvent>(first[^1]).MessageId, Assert.IsType<CompletedEvent>(second[^1]).MessageId);
        Assert.Equal(Text(first), Text(second));
        var history = await chat.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Equal(["user", "assistant"], history.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Question_typed_while_offline_is_sent_once_the_connection_is_back_exactly_once()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = NewClient(relay.BaseAddress);
        var states = new List<ChatConnectionState>();
        chat.StateChanged += (_, e) => { lock (states) { states.Add(e.State); } };
        await CollectAsync(chat.AskAsync("보험료를 못 내면 어떻게 되나요?"));

        relay.Cut();
        await WaitForAsync(() => chat.State == ChatConnectionState.Reconnecting);
        var asking = CollectAsync(chat.AskAsync(ClaimQuestion));
        await Task.Delay(500);
        Assert.False(asking.IsCompleted, "The question must wait for the connection.");
        relay.Restore();
        var events = await asking.WaitAsync(Patience);

        Assert.IsType<CompletedEvent>(events[^1]);
        var history = await chat.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Equal(["user", "assistant", "user", "assistant"], history.Messages.Select(m => m.Role));
        lock (states)
        {
            Assert.Contains(ChatConnectionState.Reconnecting, states);
            Assert.Equal(ChatConnectionState.Connected, states[^1]);
        }
    }

    [Fact]
    public async Task Connection_lost_mid_answer_resends_and_the_caller_sees_the_whole_answer_once()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = NewClient(relay.BaseAddress);
        await chat.ConnectAsync();
        relay.CutWhenServerSends("\"type\":\"citations\"");
        var restoring = Task.Run(async () =>
        {
            await WaitForAsync(() => relay.IsCut);
            await Task.Delay(300);
            relay.Restore();
        });

        var events = await CollectAsync(chat.AskAsync(ClaimQuestion)).WaitAsync(Patience);
        await restoring;

        Assert.Single(events.OfType<AcceptedEvent>());
        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        var history = await chat.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Single(history.Messages, m => m.Role == "user");
        var stored = history.Messages.Single(m => m.Id == completed.MessageId);
        var shown = events.OfType<AnswerRestartedEvent>().Any()
            ? Text(events.SkipWhile(e => e is not AnswerRestartedEvent))
            : Text(events);
        Assert.Equal(stored.Content, shown);
    }

    [Fact]
    public async Task Reconnect_resyncs_the_history_of_the_conversation()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = NewClient(relay.BaseAddress);
        var resynced = new TaskCompletionSource<ConversationHistory>(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.HistoryResynced += (_, e) => resynced.TrySetResult(e.History);
        await CollectAsync(chat.AskAsync(ClaimQuestion));

        relay.Cut();
        await WaitForAsync(() => chat.State == ChatConnectionState.Reconnecting);
        relay.Restore();
        var history = await resynced.Task.WaitAsync(Patience);

        Assert.Equal(chat.ConversationId, history.ConversationId);
        Assert.Equal(2, history.Messages.Count);
    }

    [Fact]
    public async Task Cancelling_while_offline_stops_the_question_and_nothing_is_stored()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = NewClient(relay.BaseAddress);
        await CollectAsync(chat.AskAsync(ClaimQuestion));
        relay.Cut();
        await WaitForAsync(() => chat.State == ChatConnectionState.Reconnecting);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CollectAsync(chat.AskAsync("해지환급금은 얼마예요?", cancellationToken: cancel.Token)));

        relay.Restore();
        await WaitForAsync(() => chat.State == ChatConnectionState.Connected);
        var history = await chat.GetHistoryAsync();
        Assert.Equal(2, history!.Messages.Count);
    }

    [Fact]
    public async Task Feedback_and_handoff_are_stored_with_the_answer_and_conversation()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);
        var events = await CollectAsync(chat.AskAsync(ClaimQuestion));
        var answerId = Assert.IsType<CompletedEvent>(events[^1]).MessageId;

        await chat.SendFeedbackAsync(new FeedbackRequest(answerId, -1, "서류 목록이 더 자세했으면 좋겠어요"));
        await chat.SendFeedbackAsync(new FeedbackRequest(answerId, 1, "다시 보니 충분해요"));
        var handoff = await chat.RequestHandoffAsync();

        Assert.Equal("1588-0000", handoff.Phone);
        Assert.False(string.IsNullOrWhiteSpace(handoff.Hours));
        await using var database = fixture.OpenDatabase();
        var feedback = await database.Feedback.Where(f => f.MessageId == answerId).ToListAsync();
        Assert.Equal(1, Assert.Single(feedback).Rating);
        Assert.Equal("다시 보니 충분해요", feedback[0].Comment);
        var stored = await database.Handoffs.SingleAsync(h => h.Id == handoff.RequestId);
        Assert.Equal(chat.ConversationId, stored.ConversationId);
        Assert.Equal(ChatServer.LocalSiteKey, stored.SiteKey);
    }

    [Fact]
    public async Task Feedback_on_an_unknown_answer_or_with_a_bad_rating_is_refused()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);

        var unknown = await Assert.ThrowsAsync<HubException>(() => chat.SendFeedbackAsync(new FeedbackRequest(Guid.NewGuid(), 1)));
        var badRating = await Assert.ThrowsAsync<HubException>(() => chat.SendFeedbackAsync(new FeedbackRequest(Guid.NewGuid(), 5)));

        Assert.Contains("message_not_found", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_rating", badRating.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dependency_injection_gives_a_validated_shared_client()
    {
        var services = new ServiceCollection();
        services.AddDongyangChat(o =>
        {
            o.ServerUrl = fixture.Server.BaseAddress;
            o.SiteKey = ChatServer.LocalSiteKey;
        });
        await using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IDongyangChat>();
        var events = await CollectAsync(chat.AskAsync(ClaimQuestion));

        Assert.Same(chat, provider.GetRequiredService<DongyangChatClient>());
        Assert.IsType<CompletedEvent>(events[^1]);

        var invalid = new ServiceCollection();
        invalid.AddDongyangChat();
        await using var invalidProvider = invalid.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => invalidProvider.GetRequiredService<IOptions<DongyangChatOptions>>().Value);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_ends_with_an_unavailable_exception_after_the_connect_timeout()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var chat = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = new Uri($"http://127.0.0.1:{port}/"),
            SiteKey = ChatServer.LocalSiteKey,
            ReconnectDelays = [TimeSpan.FromMilliseconds(100)],
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<DongyangChatUnavailableException>(() => chat.ConnectAsync().WaitAsync(Patience));

        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(20));
        Assert.Equal(ChatErrorCodes.Unavailable, error.Code);
        Assert.NotNull(error.InnerException);
        Assert.Equal(ChatConnectionState.Disconnected, chat.State);
        await Assert.ThrowsAsync<DongyangChatUnavailableException>(async () => await CollectAsync(chat.AskAsync(ClaimQuestion)).WaitAsync(Patience));
    }

    [Fact]
    public async Task AskForAnswerAsync_returns_the_whole_answer_with_citations_grounding_and_suggestions()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);

        var answer = await chat.AskForAnswerAsync(ClaimQuestion).WaitAsync(Patience);

        Assert.True(answer.Grounded);
        Assert.NotEmpty(answer.Citations);
        Assert.Contains("[1]", answer.Text, StringComparison.Ordinal);
        Assert.NotNull(answer.Suggestions);
        Assert.Equal(chat.ConversationId, answer.ConversationId);
        var history = await chat.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Equal(answer.Text, history.Messages[^1].Content);
    }

    [Fact]
    public async Task AskForAnswerAsync_throws_the_error_event_the_stream_ends_with()
    {
        await using var chat = NewClient(fixture.Server.BaseAddress);

        var error = await Assert.ThrowsAsync<DongyangChatAnswerException>(() => chat.AskForAnswerAsync(new string('가', 20_000)).WaitAsync(Patience));

        Assert.Equal(ChatErrorCodes.MessageTooLong, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Error.Message));
    }

    private static DongyangChatClient NewClient(Uri server) => new(new DongyangChatOptions
    {
        ServerUrl = server,
        SiteKey = ChatServer.LocalSiteKey,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
    });

    private static async Task<List<ChatStreamEvent>> CollectAsync(IAsyncEnumerable<ChatStreamEvent> stream)
    {
        var events = new List<ChatStreamEvent>();
        await foreach (var e in stream)
        {
            events.Add(e);
        }

        return events;
    }

    private static string Text(IEnumerable<ChatStreamEvent> events) =>
        events.OfType<DeltaEvent>().Aggregate(new StringBuilder(), (text, d) => text.Append(d.Text)).ToString();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
