using System.Runtime.CompilerServices;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using ChatMessage = Dongyang.Chat.Protocol.ChatMessage;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>
/// <see cref="ChatSession"/> on its own, without a renderer, driven by a scripted <see cref="IDongyangChat"/>: the seam
/// the SDK exposes to applications. The real client and server are what the component tests use.
/// </summary>
public sealed class ChatSessionTests
{
    internal static readonly Guid Conversation = Guid.Parse("0193a4c2-0000-7000-8000-000000000001");

    [Fact]
    public async Task A_question_streams_into_its_answer_entry_and_reports_the_conversation()
    {
        var chat = new ScriptedChat();
        var answerId = Guid.NewGuid();
        chat.Script(
            new AcceptedEvent(Conversation, Guid.NewGuid()),
            new DeltaEvent("보험금 청구에는 "),
            new DeltaEvent("청구서가 필요합니다 [1]."),
            new CitationsEvent([new Citation(1, "doc-1", "약관", "제3조", 4, "청구서")]),
            new CompletedEvent(Conversation, answerId, true, ["서류는 어디로 보내나요?"]));
        var host = new RecordingHost();
        await using var session = new ChatSession(host, chat, ownsClient: false, signedIn: false, conversationId: null);
        host.Session = session;

        await session.SendAsync("  보험금 청구할 때 필요한 서류는 뭐예요?  ");

        Assert.Collection(
            session.Entries,
            question =>
            {
                Assert.Equal(EntryKind.User, question.Kind);
                Assert.Equal("보험금 청구할 때 필요한 서류는 뭐예요?", question.Text);
                Assert.Equal(EntryStatus.Done, question.Status);
            },
            answer =>
            {
                Assert.Equal(EntryKind.Assistant, answer.Kind);
                Assert.Equal("보험금 청구에는 청구서가 필요합니다 [1].", answer.Text);
                Assert.Equal(EntryStatus.Done, answer.Status);
                Assert.Equal(answerId, answer.MessageId);
                Assert.Equal("약관", Assert.Single(answer.Citations).Title);
            });
        // The text grew piece by piece on screen, and the question went with its own id for idempotent resends.
        Assert.Contains("보험금 청구에는 ", host.AnswerTexts);
        Assert.Equal(session.Entries[0].Key, Assert.Single(chat.Asked).ClientMessageId);
        Assert.Equal([Conversation], host.Conversations);
        Assert.Equal(["보험금 청구에는 청구서가 필요합니다 [1]."], host.Answers);
        Assert.Equal(["서류는 어디로 보내나요?"], session.Suggestions);
    }

    [Fact]
    public async Task An_answer_restarted_after_a_reconnect_replaces_the_partial_text_instead_of_appending()
    {
        var chat = new ScriptedChat();
        chat.Script(
            new AcceptedEvent(Conversation, Guid.NewGuid()),
            new DeltaEvent("보험료를 2개월 "),
            new AnswerRestartedEvent(),
            new DeltaEvent("보험료를 내지 못하면 납입최고 후 계약이 해지될 수 있습니다."),
            new CompletedEvent(Conversation, Guid.NewGuid(), true, []));
        await using var session = new ChatSession(new RecordingHost(), chat, ownsClient: false, signedIn: false, conversationId: null);

        await session.SendAsync("보험료를 못 내면 어떻게 되나요?");

        Assert.Equal("보험료를 내지 못하면 납입최고 후 계약이 해지될 수 있습니다.", session.Entries[1].Text);
    }

    [Fact]
    public async Task Pushes_and_a_resynced_history_merge_without_showing_a_message_twice()
    {
        var question = Message(MessageRoles.User, "해지환급금은 어떻게 계산되나요?", clientMessageId: "q-1");
        var answer = Message(MessageRoles.Assistant, "납입한 보험료에서 …", createdAt: question.CreatedAt.AddSeconds(2));
        var chat = new ScriptedChat { History = new ConversationHistory(Conversation, [question, answer]) };
        var host = new RecordingHost();
        await using var session = new ChatSession(host, chat, ownsClient: false, signedIn: false, conversationId: Conversation);
        await session.EnsureStartedAsync();
        Assert.Equal(2, session.Entries.Count);

        // The answer again (another tab raised it), then a counsellor's reply, twice.
        var counsellor = new MessageAdded(Conversation, Guid.NewGuid(), MessageRoles.Counsellor, "상담원 박민수입니다.", [], answer.CreatedAt.AddMinutes(1));
        chat.Push(new MessageAdded(Conversation, answer.Id, MessageRoles.Assistant, answer.Content, [], answer.CreatedAt));
        chat.Push(new MessageAdded(Conversation, question.Id, MessageRoles.User, question.Content, [], question.CreatedAt, "q-1"));
        chat.Push(counsellor);
        chat.Push(counsellor);
        await host.IdleAsync();

        Assert.Equal([EntryKind.User, EntryKind.Assistant, EntryKind.Counsellor], session.Entries.Select(e => e.Kind));
        Assert.Equal([EntryKind.Counsellor], host.Arrivals.Select(e => e.Kind));

        // After a reconnect the server's history, which has the counsellor's reply too, replaces the screen: still three.
        chat.Resync(new ConversationHistory(Conversation, [question, answer, Message(MessageRoles.Counsellor, counsellor.Text, id: counsellor.MessageId)]));
        await host.IdleAsync();
        Assert.Equal([question.Content, answer.Content, counsellor.Text], session.Entries.Select(e => e.Text));
    }

    [Fact]
    public async Task Switching_the_customer_clears_the_screen_disposes_the_old_client_and_listens_to_the_new_one()
    {
        var anonymous = new ScriptedChat();
        anonymous.Script(new AcceptedEvent(Conversation, Guid.NewGuid()), new DeltaEvent("안내"), new CompletedEvent(Conversation, Guid.NewGuid(), true, []));
        var host = new RecordingHost();
        await using var session = new ChatSession(host, anonymous, ownsClient: true, signedIn: false, conversationId: null);
        await session.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?");
        var latest = Guid.NewGuid();
        var customer = new ScriptedChat { Conversations = [new ConversationOverview(latest, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "보험료", 2)] };

        await session.SwitchClientAsync(customer, nextSignedIn: true);

        Assert.True(anonymous.Disposed);
        Assert.Equal(0, anonymous.Subscribers);
        Assert.Equal(3, customer.Subscribers);
        Assert.Same(customer, session.Client);
        // The previous customer's conversation is gone from the screen, and the signed-in customer's latest one is shown.
        Assert.Equal([Conversation, null, latest], host.Conversations);
        Assert.Equal(latest, customer.ConversationId);
        Assert.Empty(session.Entries);

        // The new client's pushes reach the screen: a counsellor's reply after the change of identity.
        customer.Push(new MessageAdded(latest, Guid.NewGuid(), MessageRoles.Counsellor, "상담원 박민수입니다.", [], DateTimeOffset.UtcNow));
        anonymous.Push(new MessageAdded(Conversation, Guid.NewGuid(), MessageRoles.Counsellor, "이전 고객에게 보낸 답장", [], DateTimeOffset.UtcNow));
        await host.IdleAsync();
        Assert.Equal("상담원 박민수입니다.", Assert.Single(session.Entries).Text);
    }

    private static ChatMessage Message(string role, string content, string? clientMessageId = null, DateTimeOffset? createdAt = null, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), role, content, createdAt ?? new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero), clientMessageId, null, []);

    /// <summary>Runs the session's work at once, and records what it reports.</summary>
    [Fact]
    public async Task A_connect_that_gives_up_says_why_and_the_next_question_connects_again()
    {
        var chat = new ScriptedChat();
        chat.ConnectFailures.Enqueue(new DongyangChatUnavailableException(new Uri("http://127.0.0.1:9/"), TimeSpan.FromSeconds(30), null));
        chat.Script(
            new AcceptedEvent(Conversation, Guid.NewGuid()),
            new DeltaEvent("청구서가 필요합니다."),
            new CompletedEvent(Conversation, Guid.NewGuid(), true, []));
        var host = new RecordingHost();
        await using var session = new ChatSession(host, chat, ownsClient: false, signedIn: false, conversationId: null);
        host.Session = session;

        // The panel opens while the server is down: the customer is told so, and nothing throws into the page.
        await session.EnsureStartedAsync();

        Assert.Equal(ChatStrings.Korean.ErrorUnavailable, session.ConnectFailure);
        Assert.Equal([ChatStrings.Korean.ErrorUnavailable], host.Errors);
        Assert.False(session.Started);

        // The server is back: the next question connects, is answered, and the failure is no longer shown.
        await session.SendAsync("보험금 청구 서류가 뭐예요?");
        await host.IdleAsync();

        Assert.Equal(2, chat.Connects);
        Assert.Equal("청구서가 필요합니다.", session.Entries[^1].Text);
        Assert.Null(session.ConnectFailure);
    }

    private sealed class RecordingHost : IChatSessionHost
    {
        private readonly List<Task> pending = [];

        public ChatStrings Strings => ChatStrings.Korean;

        public IReadOnlyDictionary<string, string>? PageContext => null;

        public List<Guid?> Conversations { get; } = [];

        public List<string> Answers { get; } = [];

        public List<string> Errors { get; } = [];

        public List<ChatEntry> Arrivals { get; } = [];

        /// <summary>The last answer's text at each change the session reported.</summary>
        public List<string> AnswerTexts { get; } = [];

        public ChatSession? Session { get; set; }

        public Task InvokeAsync(Func<Task> work)
        {
            var task = work();
            pending.Add(task);
            return task;
        }

        public Task IdleAsync() => Task.WhenAll(pending);

        public void Changed()
        {
            if (Session?.Entries is [.., { Kind: EntryKind.Assistant } last])
            {
                AnswerTexts.Add(last.Text);
            }
        }

        public void Starting()
        {
        }

        public Task ConversationChangedAsync(Guid? conversationId)
        {
            Conversations.Add(conversationId);
            return Task.CompletedTask;
        }

        public Task AnsweredAsync(string text)
        {
            Answers.Add(text);
            return Task.CompletedTask;
        }

        public void Arrived(ChatEntry entry) => Arrivals.Add(entry);

        public Task ErrorAsync(string text)
        {
            Errors.Add(text);
            return Task.CompletedTask;
        }

        public Task RefusedAsync(DongyangChatAccessDeniedException refusal, string text) => ErrorAsync(text);
    }

    /// <summary>
    /// An <see cref="IDongyangChat"/> whose answers are scripted and whose pushes and resyncs the test raises; it
    /// behaves as the real client does towards its caller (it keeps the conversation of an accepted question).
    /// </summary>
    internal sealed class ScriptedChat : IDongyangChat
    {
        private readonly Queue<ChatStreamEvent[]> scripts = new();
        private EventHandler<MessageAddedEventArgs>? messageAdded;
        private EventHandler<ConversationResyncedEventArgs>? historyResynced;
        private EventHandler<ChatConnectionStateChangedEventArgs>? stateChanged;

        public ChatConnectionState State { get; private set; }

        public Guid? ConversationId { get; private set; }

        public ConversationHistory? History { get; init; }

        public IReadOnlyDictionary<string, string>? PageContext { get; set; }

        public IReadOnlyList<ConversationOverview> Conversations { get; init; } = [];

        public List<(string Message, string? ClientMessageId)> Asked { get; } = [];

        public bool Disposed { get; private set; }

        /// <summary>How many handlers listen to the three events, together.</summary>
        public int Subscribers =>
            (messageAdded?.GetInvocationList().Length ?? 0) + (historyResynced?.GetInvocationList().Length ?? 0) + (stateChanged?.GetInvocationList().Length ?? 0);

        public event EventHandler<ChatConnectionStateChangedEventArgs>? StateChanged
        {
            add => stateChanged += value;
            remove => stateChanged -= value;
        }

        public event EventHandler<ConversationResyncedEventArgs>? HistoryResynced
        {
            add => historyResynced += value;
            remove => historyResynced -= value;
        }

        public event EventHandler<MessageAddedEventArgs>? MessageAdded
        {
            add => messageAdded += value;
            remove => messageAdded -= value;
        }

        public void Script(params ChatStreamEvent[] events) => scripts.Enqueue(events);

        public void Push(MessageAdded message) => messageAdded?.Invoke(this, new MessageAddedEventArgs(message));

        public void Resync(ConversationHistory history) => historyResynced?.Invoke(this, new ConversationResyncedEventArgs(history));

        /// <summary>Failures the next connects throw, in order, before one succeeds.</summary>
        public Queue<Exception> ConnectFailures { get; } = new();

        public int Connects { get; private set; }

        public Task ConnectAsync(CancellationToken cancellationToken = default)
        {
            Connects++;
            if (ConnectFailures.TryDequeue(out var failure))
            {
                State = ChatConnectionState.Disconnected;
                return Task.FromException(failure);
            }

            State = ChatConnectionState.Connected;
            return Task.CompletedTask;
        }

        public async IAsyncEnumerable<ChatStreamEvent> AskAsync(string message, string? clientMessageId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Asked.Add((message, clientMessageId));
            foreach (var e in scripts.Dequeue())
            {
                await Task.Yield();
                if (e is AcceptedEvent accepted)
                {
                    ConversationId = accepted.ConversationId;
                }

                yield return e;
            }
        }

        public Task<ConversationHistory?> GetHistoryAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(ConversationId is null ? null : History);

        public Task<IReadOnlyList<ConversationOverview>> GetConversationsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Conversations);

        public void UseConversation(Guid? conversationId) => ConversationId = conversationId;

        public IAsyncEnumerable<ChatEvent> ReadEventsAsync(CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The session listens to the client's events.");

        public Task WatchConversationAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken = default)
        {
            State = ChatConnectionState.Disconnected;
            return Task.CompletedTask;
        }

        public Task DeleteConversationAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFeedbackAsync(FeedbackRequest feedback, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<HandoffResponse> RequestHandoffAsync(string? language = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HandoffResponse(Guid.NewGuid(), "1588-0000", "평일 9시–18시"));

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
