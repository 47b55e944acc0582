using System.Globalization;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Widget;

/// <summary>
/// What a <see cref="ChatSession"/> needs from whoever shows it (the <see cref="DongyangChat"/> component, or a test):
/// a place to run the client's events, a re-render, the texts, and the host's own callbacks.
/// </summary>
internal interface IChatSessionHost
{
    /// <summary>The texts the customer sees, in the host's language.</summary>
    ChatStrings Strings { get; }

    /// <summary>The page's context to send with the next question, or <see langword="null"/> to leave the client's own.</summary>
    IReadOnlyDictionary<string, string>? PageContext { get; }

    /// <summary>Runs <paramref name="work"/> where the session may be changed: the client raises events on background threads.</summary>
    Task InvokeAsync(Func<Task> work);

    /// <summary>Something the session shows changed.</summary>
    void Changed();

    /// <summary>The client is about to connect (the component checks the server's verdict on its key meanwhile).</summary>
    void Starting();

    /// <summary>The conversation on screen changed: one was started or restored, or none is (<see langword="null"/>).</summary>
    Task ConversationChangedAsync(Guid? conversationId);

    /// <summary>An answer to this customer's question completed.</summary>
    Task AnsweredAsync(string text);

    /// <summary>A message stored by someone else was added (a counsellor's reply, another tab's question or answer).</summary>
    void Arrived(ChatEntry entry);

    /// <summary>Something failed; <paramref name="text"/> is what the customer sees.</summary>
    Task ErrorAsync(string text);

    /// <summary>The server refused this client (the key, the origin, the identity); <paramref name="text"/> is what the customer sees.</summary>
    Task RefusedAsync(DongyangChatAccessDeniedException refusal, string text);
}

/// <summary>
/// One customer's conversation as the widget shows it, without any UI: the entries on screen, the questions waiting to
/// be sent, the ask loop that streams answers into them, and pushes and resynced history merged in without duplicates.
/// It listens to exactly one client at a time (<see cref="Attach"/> and <see cref="Detach"/>); a change of customer
/// replaces that client (<see cref="SwitchClientAsync"/>).
/// </summary>
internal sealed class ChatSession : IAsyncDisposable
{
    private readonly IChatSessionHost host;
    private readonly List<ChatEntry> entries = [];
    private readonly Queue<ChatEntry> outbox = new();
    private readonly CancellationTokenSource disposed = new();
    private IDongyangChat client;
    private bool ownsClient;
    private bool signedIn;
    private bool sending;

    /// <summary>Creates a session over <paramref name="client"/>, continuing <paramref name="conversationId"/> when given.</summary>
    /// <param name="host">Where the session is shown.</param>
    /// <param name="client">The client to listen to.</param>
    /// <param name="ownsClient">Whether the session disposes the client (when it is replaced, and at the end).</param>
    /// <param name="signedIn">A verified customer: with no conversation given, their latest one is shown.</param>
    /// <param name="conversationId">The conversation to restore, if any.</param>
    public ChatSession(IChatSessionHost host, IDongyangChat client, bool ownsClient, bool signedIn, Guid? conversationId)
    {
        this.host = host;
        this.client = client;
        this.ownsClient = ownsClient;
        this.signedIn = signedIn;
        Connection = client.State == ChatConnectionState.Disconnected ? ChatConnectionState.Connecting : client.State;
        Attach(client);
        if (conversationId is { } id)
        {
            client.UseConversation(id);
            ConversationId = id;
        }
    }

    /// <summary>The client the session listens to now.</summary>
    public IDongyangChat Client => client;

    /// <summary>What is on screen, oldest first.</summary>
    public IReadOnlyList<ChatEntry> Entries => entries;

    /// <summary>The connection as last reported; <see cref="ChatConnectionState.Connecting"/> before the first report.</summary>
    public ChatConnectionState Connection { get; private set; }

    /// <summary>The conversation on screen, as last reported to the host.</summary>
    public Guid? ConversationId { get; private set; }

    /// <summary>Why the server refuses this client, as the customer reads it; <see langword="null"/> when it does not.</summary>
    public string? Refusal { get; set; }

    /// <summary>
    /// Why the last connect gave up, as the customer reads it (the server stayed unreachable, or too busy, past the connect
    /// timeout); <see langword="null"/> once connected. The next question tries again.
    /// </summary>
    public string? ConnectFailure { get; private set; }

    /// <summary>Whether the session has connected (or tried to): it does so when first shown, or at the first question.</summary>
    public bool Started { get; private set; }

    /// <summary>The questions to offer: starters on an empty screen, then the last answer's follow-ups, none while asking.</summary>
    public IReadOnlyList<string> Suggestions
    {
        get
        {
            if (sending || outbox.Count > 0)
            {
                return [];
            }

            if (entries.Count == 0)
            {
                return host.Strings.StarterQuestions;
            }

            return entries[^1] is { Kind: EntryKind.Assistant, Status: EntryStatus.Done } last ? [.. last.Suggestions.Take(3)] : [];
        }
    }

    /// <summary>Sends a question as if the customer typed it; it waits in order while offline.</summary>
    public Task SendAsync(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return Task.CompletedTask;
        }

        if (text.Length > ChatLimits.MaxMessageLength)
        {
            text = text[..ChatLimits.MaxMessageLength];
        }

        var question = new ChatEntry
        {
            Key = DongyangChatClient.NewClientMessageId(),
            Kind = EntryKind.User,
            Text = text,
            Status = EntryStatus.Queued,
            Reveal = "bottom",
        };
        entries.Add(question);
        outbox.Enqueue(question);
        host.Changed();
        return DrainOutboxAsync();
    }

    /// <summary>Connects, once: then continues the customer's conversation and sends what waits.</summary>
    public Task EnsureStartedAsync()
    {
        if (Started)
        {
            return Task.CompletedTask;
        }

        Started = true;
        return StartAsync();
    }

    /// <summary>Forgets the conversation on this device; the next question starts a new one.</summary>
    public async Task NewConversationAsync()
    {
        entries.Clear();
        outbox.Clear();
        client.UseConversation(null);
        await ReportConversationAsync(null, always: true);
    }

    /// <summary>
    /// A client speaks for one customer for life: a new identity gets a new client (which the session then owns) and a
    /// clean screen, so the previous customer's conversation does not stay on it (a shared computer, a sign-out).
    /// </summary>
    public async Task SwitchClientAsync(IDongyangChat next, bool nextSignedIn)
    {
        var previous = client;
        var ownedPrevious = ownsClient;
        Detach(previous);
        client = next;
        ownsClient = true;
        signedIn = nextSignedIn;
        Attach(next);
        Refusal = null;
        Connection = ChatConnectionState.Connecting;
        entries.Clear();
        outbox.Clear();
        await ReportConversationAsync(null);
        host.Changed();
        if (ownedPrevious)
        {
            await previous.DisposeAsync();
        }

        if (Started)
        {
            await StartAsync();
        }
    }

    /// <summary>The answer (or other entry) with this key, if it is on screen.</summary>
    public ChatEntry? Find(string key) => entries.FirstOrDefault(e => e.Key == key);

    /// <summary>Rates an answer and opens the box for a comment.</summary>
    public async Task RateAsync(ChatEntry entry, int rating)
    {
        entry.Rating = rating;
        entry.CommentOpen = true;
        await SendFeedbackAsync(entry);
    }

    /// <summary>Sends the comment typed for a rated answer.</summary>
    public Task SendCommentAsync(ChatEntry entry)
    {
        entry.CommentOpen = false;
        return SendFeedbackAsync(entry);
    }

    /// <summary>Records the request for a counsellor and shows the line and its hours (or why not).</summary>
    public async Task RequestHandoffAsync()
    {
        string text;
        try
        {
            var handoff = await client.RequestHandoffAsync(host.Strings.Language, disposed.Token);
            text = HandoffText(handoff.Phone, handoff.Hours);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            text = host.Strings.HandoffFailed;
        }

        entries.Add(new ChatEntry { Key = Guid.NewGuid().ToString("N"), Kind = EntryKind.Notice, Text = text, Reveal = "nearest" });
        host.Changed();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (disposed.IsCancellationRequested)
        {
            return;
        }

        await disposed.CancelAsync();
        Detach(client);
        if (ownsClient)
        {
            await client.DisposeAsync();
        }

        disposed.Dispose();
    }

    private static EntryKind KindOf(string role) => role switch
    {
        MessageRoles.User => EntryKind.User,
        MessageRoles.Counsellor => EntryKind.Counsellor,
        _ => EntryKind.Assistant,
    };

    /// <summary>The one place the session starts listening to a client; <see cref="Detach"/> is its pair.</summary>
    private void Attach(IDongyangChat chat)
    {
        chat.StateChanged += OnStateChanged;
        chat.HistoryResynced += OnHistoryResynced;
        chat.MessageAdded += OnMessageAdded;
    }

    private void Detach(IDongyangChat chat)
    {
        chat.StateChanged -= OnStateChanged;
        chat.HistoryResynced -= OnHistoryResynced;
        chat.MessageAdded -= OnMessageAdded;
    }

    private async Task ReportConversationAsync(Guid? conversationId, bool always = false)
    {
        if (!always && ConversationId == conversationId)
        {
            return;
        }

        ConversationId = conversationId;
        await host.ConversationChangedAsync(conversationId);
    }

    private async Task StartAsync()
    {
        var chat = client;
        host.Starting();
        try
        {
            await chat.ConnectAsync(disposed.Token);
            if (chat != client)
            {
                return;
            }

            Connection = chat.State;
            ConnectFailure = null;
            if (chat.ConversationId is null && signedIn && entries.Count == 0)
            {
                // A verified customer continues their latest conversation, whichever device it was on.
                var conversations = await chat.GetConversationsAsync(disposed.Token);
                if (conversations is [var latest, ..] && chat == client && chat.ConversationId is null)
                {
                    chat.UseConversation(latest.ConversationId);
                    await ReportConversationAsync(latest.ConversationId, always: true);
                }
            }

            if (chat.ConversationId is not null && entries.Count == 0)
            {
                var history = await chat.GetHistoryAsync(disposed.Token);
                if (history is not null && chat == client)
                {
                    ShowHistory(history);
                }
            }
        }
        catch (Exception) when (chat != client)
        {
            // This client was replaced (a new customer) and disposed while it connected, whatever that interrupted
            // (a cancelled negotiate, a transport that gave up); the new client has started.
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (DongyangChatAccessDeniedException e)
        {
            await ShowRefusalAsync(e);
            return;
        }
        catch (DongyangChatUnavailableException e)
        {
            // Not a refusal: the server may come back (or free a place), so the next question starts again.
            Started = false;
            Connection = chat.State;
            ConnectFailure = host.Strings.ForError(e.Code);
            host.Changed();
            await host.ErrorAsync(ConnectFailure);
            return;
        }
        catch (Microsoft.AspNetCore.SignalR.HubException)
        {
            // The stored conversation is gone (for example the server's data was reset): start afresh.
            client.UseConversation(null);
            await ReportConversationAsync(null, always: true);
        }

        await DrainOutboxAsync();
    }

    private async Task ShowRefusalAsync(DongyangChatAccessDeniedException e)
    {
        // The same refusal arrives both as the failed call and as the client's state change: say it once.
        var text = host.Strings.ForError(e.Code ?? ChatErrorCodes.SiteKeyInvalid);
        if (Refusal == text)
        {
            return;
        }

        // The host hears of it before the status shows, so whoever reacts to what the customer sees also has the event.
        Refusal = text;
        await host.RefusedAsync(e, text);
        host.Changed();
    }

    /// <summary>The history replaces what is on screen; what is still on its way stays, unless the server already has it.</summary>
    private void ShowHistory(ConversationHistory history)
    {
        var pending = entries.Where(e => e.Status is EntryStatus.Queued or EntryStatus.Streaming).ToList();
        entries.Clear();
        entries.AddRange(EntriesOf(history));
        foreach (var entry in pending)
        {
            var known = entry.Kind == EntryKind.User && history.Messages.Any(m => m.ClientMessageId == entry.Key);
            if (!known || entry.Status == EntryStatus.Streaming)
            {
                entries.Add(entry);
            }
        }
    }

    private async Task DrainOutboxAsync()
    {
        if (sending)
        {
            return;
        }

        if (!Started)
        {
            // A question sent before the panel ever opened (the JS API's send): connect first; starting drains.
            await EnsureStartedAsync();
            return;
        }

        sending = true;
        try
        {
            while (outbox.TryPeek(out var question))
            {
                await AskAsync(question);
                if (outbox.TryPeek(out var head) && head == question)
                {
                    // (A customer switch may have emptied the outbox meanwhile.)
                    outbox.Dequeue();
                }
            }
        }
        finally
        {
            sending = false;
        }

        host.Changed();
    }

    private async Task AskAsync(ChatEntry question)
    {
        var answer = new ChatEntry { Key = question.Key + "-a", Kind = EntryKind.Assistant, Status = EntryStatus.Queued };
        entries.Insert(entries.IndexOf(question) + 1, answer);
        host.Changed();
        string? error = null;
        var chat = client;
        if (host.PageContext is { } pageContext)
        {
            chat.PageContext = pageContext;
        }

        try
        {
            await foreach (var update in chat.AskAsync(question.Text, question.Key, disposed.Token))
            {
                switch (update)
                {
                    case AcceptedEvent accepted:
                        question.Status = EntryStatus.Done;
                        answer.Status = EntryStatus.Streaming;
                        await ReportConversationAsync(accepted.ConversationId);
                        break;
                    case AnswerRestartedEvent:
                        // The answer is asked again after a reconnect and streams from its start: drop what was shown.
                        answer.Text = "";
                        break;
                    case DeltaEvent delta:
                        answer.Text += delta.Text;
                        break;
                    case CitationsEvent citations:
                        answer.Citations = citations.Citations;
                        break;
                    case CompletedEvent completed:
                        answer.MessageId = completed.MessageId;
                        answer.Suggestions = completed.Suggestions;
                        answer.OffersHandoff = completed.OffersHandoff;
                        answer.Status = EntryStatus.Done;
                        break;
                    case ErrorEvent failure:
                        error = host.Strings.ForError(failure.Code);
                        if (failure.Code == ChatErrorCodes.ConversationNotFound)
                        {
                            chat.UseConversation(null);
                            await ReportConversationAsync(null, always: true);
                        }

                        break;
                }

                host.Changed();
            }
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested)
        {
            return;
        }
        catch (Exception) when (chat != client)
        {
            // The customer changed mid-answer; the question went with the previous customer's screen.
            return;
        }
        catch (DongyangChatAccessDeniedException e)
        {
            error = host.Strings.ForError(e.Code ?? ChatErrorCodes.SiteKeyInvalid);
            Refusal = error;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = host.Strings.ErrorGeneric;
        }

        if (error is not null || answer.Status != EntryStatus.Done)
        {
            error ??= host.Strings.ErrorGeneric;
            question.Status = EntryStatus.Done;
            answer.Status = EntryStatus.Failed;
            answer.Text = error;
            await host.ErrorAsync(error);
        }
        else
        {
            await host.AnsweredAsync(answer.Text);
        }

        host.Changed();
    }

    private async Task SendFeedbackAsync(ChatEntry entry)
    {
        if (entry is not { MessageId: { } messageId, Rating: { } rating })
        {
            return;
        }

        try
        {
            await client.SendFeedbackAsync(new FeedbackRequest(messageId, rating, entry.Comment), disposed.Token);
            entry.FeedbackSent = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await host.ErrorAsync(host.Strings.ErrorGeneric);
        }

        host.Changed();
    }

    private void OnStateChanged(object? sender, ChatConnectionStateChangedEventArgs e) =>
        _ = host.InvokeAsync(async () =>
        {
            Connection = e.State;
            if (e.State == ChatConnectionState.Connected)
            {
                ConnectFailure = null;
            }

            host.Changed();
            if (e.Refusal is { } refused)
            {
                // Refused while open (the key was disabled, the identity secret rotated): say why, not "offline".
                await ShowRefusalAsync(refused);
            }
            else if (e.State == ChatConnectionState.Connected)
            {
                await DrainOutboxAsync();
            }
        });

    /// <summary>A message stored by someone else: a counsellor, or this conversation open in another tab.</summary>
    private void OnMessageAdded(object? sender, MessageAddedEventArgs e) =>
        _ = host.InvokeAsync(() =>
        {
            var message = e.Message;
            var key = message.MessageId.ToString("N");
            // The client raises only the current conversation's messages; one already shown (streamed here, or
            // restored from history) is not shown twice.
            if (entries.Any(x => x.MessageId == message.MessageId || x.Key == key || (message.ClientMessageId is not null && x.Key == message.ClientMessageId)))
            {
                return Task.CompletedTask;
            }

            var entry = new ChatEntry
            {
                Key = key,
                Kind = KindOf(message.Role),
                Text = message.Text,
                ClientMessageId = message.ClientMessageId,
                MessageId = message.Role == MessageRoles.User ? null : message.MessageId,
                Citations = message.Citations,
                OffersHandoff = message.OffersHandoff,
                Status = EntryStatus.Done,
            };
            entries.Add(entry);
            host.Arrived(entry);
            host.Changed();
            return Task.CompletedTask;
        });

    private void OnHistoryResynced(object? sender, ConversationResyncedEventArgs e) =>
        _ = host.InvokeAsync(() =>
        {
            if (!sending)
            {
                ShowHistory(e.History);
            }

            host.Changed();
            return Task.CompletedTask;
        });

    private string HandoffText(string phone, string hours) =>
        string.Format(CultureInfo.InvariantCulture, host.Strings.HandoffAnswer, phone, hours);

    /// <summary>The history's messages, with their ratings, and the handoff notices placed where they were asked for.</summary>
    private IEnumerable<ChatEntry> EntriesOf(ConversationHistory history)
    {
        var notices = new Queue<HandoffNotice>(history.Handoffs.OrderBy(h => h.CreatedAt));
        foreach (var message in history.Messages)
        {
            while (notices.TryPeek(out var notice) && notice.CreatedAt < message.CreatedAt)
            {
                yield return NoticeEntry(notices.Dequeue());
            }

            yield return new ChatEntry
            {
                Key = message.Id.ToString("N"),
                Kind = KindOf(message.Role),
                Text = message.Content,
                ClientMessageId = message.ClientMessageId,
                MessageId = message.Role == MessageRoles.User ? null : message.Id,
                Citations = message.Citations,
                OffersHandoff = message.OffersHandoff,
                Rating = message.Rating,
                FeedbackSent = message.Rating is not null,
                Status = EntryStatus.Done,
            };
        }

        while (notices.TryDequeue(out var notice))
        {
            yield return NoticeEntry(notice);
        }
    }

    private ChatEntry NoticeEntry(HandoffNotice notice) => new()
    {
        Key = notice.RequestId.ToString("N"),
        Kind = EntryKind.Notice,
        Text = HandoffText(notice.Phone, notice.Hours),
    };
}
