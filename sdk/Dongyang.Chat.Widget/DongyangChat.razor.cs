using System.Globalization;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dongyang.Chat.Widget;

/// <summary>
/// The Dongyang Chat conversation: streamed answers with citations, suggested questions, feedback, handoff to a
/// counsellor, connection states and queued offline messages. Works in Blazor Server and WebAssembly.
/// </summary>
/// <remarks>
/// With no <see cref="Client"/> the component creates and owns its own <see cref="DongyangChatClient"/>, for
/// <see cref="ServerUrl"/> (or the registered <see cref="DongyangChatOptions"/>, or the app's own address), so several
/// components on one page are independent.
/// </remarks>
public sealed partial class DongyangChat
{
    private readonly string id = "dc" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<ChatEntry> entries = [];
    private readonly Queue<ChatEntry> outbox = new();
    private readonly CancellationTokenSource disposed = new();
    private IDongyangChat chat = null!;
    private bool ownsClient;
    private ElementReference input;
    private ElementReference launcher;
    private ElementReference messagesElement;
    private string draft = "";
    private bool sending;
    private bool openedOnce;
    private bool focusInput;
    private ChatConnectionState connection = ChatConnectionState.Connecting;
    private DongyangChatUser? connectedUser;
    private string? refusal;

    [Inject]
    private IServiceProvider Services { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    /// <summary>The partner site's public key (<c>pk_...</c>).</summary>
    [Parameter]
    public string? SiteKey { get; set; }

    /// <summary>The chat server; defaults to the registered options or the app's own address.</summary>
    [Parameter]
    public Uri? ServerUrl { get; set; }

    /// <summary>
    /// The signed-in customer (id and the partner server's hash of it), or <see langword="null"/> for an anonymous one.
    /// When the identity changes the component drops the conversation on screen, reconnects as the new customer and
    /// shows their latest conversation (from any device). A hash the server refuses is shown as a friendly message.
    /// Ignored when <see cref="Client"/> is given: that client's own <see cref="DongyangChatOptions.User"/> counts.
    /// </summary>
    [Parameter]
    public DongyangChatUser? User { get; set; }

    /// <summary>A client to use instead of creating one; the caller keeps ownership.</summary>
    [Parameter]
    public IDongyangChat? Client { get; set; }

    /// <summary><c>ko</c> (default) or <c>en</c>.</summary>
    [Parameter]
    public string? Lang { get; set; }

    /// <summary>The panel's title; a localised default when <see langword="null"/>.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>The first message shown; a localised default when <see langword="null"/>.</summary>
    [Parameter]
    public string? Greeting { get; set; }

    /// <summary>The accent colour, any CSS colour; white text must stay readable on it.</summary>
    [Parameter]
    public string? PrimaryColor { get; set; }

    /// <summary><c>bottom-right</c> (default) or <c>bottom-left</c>, for the floating launcher.</summary>
    [Parameter]
    public string Position { get; set; } = "bottom-right";

    /// <summary>Fill the host (an iframe, a page region) with the panel only, without the floating launcher.</summary>
    [Parameter]
    public bool Embedded { get; set; }

    /// <summary>Whether the floating panel is open.</summary>
    [Parameter]
    public bool Open { get; set; }

    /// <summary>Raised when the panel opens or closes, and when <see cref="Embedded"/> asks to be closed (Esc, ✕).</summary>
    [Parameter]
    public EventCallback<bool> OpenChanged { get; set; }

    /// <summary>The conversation to restore; bind it to keep the conversation across reloads.</summary>
    [Parameter]
    public Guid? ConversationId { get; set; }

    /// <summary>Raised when a conversation starts, or with <see langword="null"/> after "new conversation".</summary>
    [Parameter]
    public EventCallback<Guid?> ConversationIdChanged { get; set; }

    /// <summary>Raised with each completed answer's text.</summary>
    [Parameter]
    public EventCallback<string> OnAnswer { get; set; }

    /// <summary>Raised with the customer-facing text of an error the component showed.</summary>
    [Parameter]
    public EventCallback<string> OnError { get; set; }

    /// <summary>Whether the browser says it is offline; shown as 오프라인 while the connection is down.</summary>
    [Parameter]
    public bool BrowserOffline { get; set; }

    /// <summary>
    /// What the page says about where the customer is (page, product …), sent with each question
    /// (<see cref="IDongyangChat.PageContext"/>); the server stores it masked for the counsellor. <see langword="null"/>
    /// leaves the client's own setting alone.
    /// </summary>
    [Parameter]
    public IReadOnlyDictionary<string, string>? PageContext { get; set; }

    /// <summary>Answers completed while the panel was closed.</summary>
    public int Unread { get; private set; }

    private bool IsOpen => Embedded || Open;

    /// <summary>The server did not answer at all while the chat was still connecting: say so instead of "연결 중…".</summary>
    private bool Unreachable => unreachable && connection != ChatConnectionState.Connected && !BrowserOffline;

    private ChatStrings Strings => ChatStrings.For(Lang);

    private string ConnectionLabel => StatusText is null ? "connected" : refusal is not null ? "refused" : Unreachable ? "unavailable" : connection switch
    {
        ChatConnectionState.Connecting => "connecting",
        ChatConnectionState.Reconnecting when !BrowserOffline => "reconnecting",
        _ => "offline",
    };

    private string? StatusText => refusal ?? (Unreachable ? Strings.ErrorUnavailable : null) ?? connection switch
    {
        ChatConnectionState.Connected => null,
        ChatConnectionState.Connecting when !BrowserOffline => Strings.Connecting,
        ChatConnectionState.Reconnecting when !BrowserOffline => Strings.Reconnecting,
        _ => Strings.Offline,
    };

    private string GreetingText => Greeting
        ?? (User?.Name is { Length: > 0 } name ? string.Format(CultureInfo.InvariantCulture, Strings.GreetingNamed, name) : Strings.Greeting);

    private string RootStyle => string.IsNullOrWhiteSpace(PrimaryColor) || PrimaryColor.IndexOfAny([';', '{', '}', '"', '\'', '<', '>']) >= 0
        ? ""
        : $"--dc-primary: {PrimaryColor}";

    private IReadOnlyList<string> CurrentSuggestions
    {
        get
        {
            if (sending || outbox.Count > 0)
            {
                return [];
            }

            if (entries.Count == 0)
            {
                return Strings.StarterQuestions;
            }

            return entries[^1] is { Kind: EntryKind.Assistant, Status: EntryStatus.Done } last ? [.. last.Suggestions.Take(3)] : [];
        }
    }

    /// <summary>Sends a question as if the customer typed it; it waits in order while offline.</summary>
    /// <param name="text">The question.</param>
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
        StateHasChanged();
        return DrainOutboxAsync();
    }

    /// <summary>Forgets the conversation on this device and starts a new one.</summary>
    public async Task NewConversationAsync()
    {
        entries.Clear();
        outbox.Clear();
        chat.UseConversation(null);
        ConversationId = null;
        await ConversationIdChanged.InvokeAsync(null);
        focusInput = true;
        StateHasChanged();
    }

    /// <summary>Opens the floating panel and moves focus into it.</summary>
    public Task OpenAsync() => SetOpenAsync(true);

    /// <summary>Closes the panel (or, when embedded, asks the host to) and returns focus to the launcher.</summary>
    public Task CloseAsync() => SetOpenAsync(false);

    /// <summary>Moves keyboard focus to the message box.</summary>
    public async Task FocusInputAsync()
    {
        try
        {
            await input.FocusAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.JSInterop.JSException)
        {
            // Not rendered yet; the next render focuses it.
            focusInput = true;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await disposed.CancelAsync();
        if (chat is not null)
        {
            chat.StateChanged -= OnStateChanged;
            chat.HistoryResynced -= OnHistoryResynced;
            chat.MessageAdded -= OnMessageAdded;
            if (ownsClient)
            {
                await chat.DisposeAsync();
            }
        }

        await DisposeViewAsync();
        disposed.Dispose();
    }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        if (Client is not null)
        {
            chat = Client;
        }
        else
        {
            chat = CreateOwnClient();
            ownsClient = true;
        }

        connection = chat.State == ChatConnectionState.Disconnected ? ChatConnectionState.Connecting : chat.State;
        chat.StateChanged += OnStateChanged;
        chat.HistoryResynced += OnHistoryResynced;
        chat.MessageAdded += OnMessageAdded;
        if (ConversationId is { } conversationId)
        {
            chat.UseConversation(conversationId);
        }

        if (IsOpen)
        {
            openedOnce = true;
            await StartAsync();
        }
    }

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (ownsClient && !IsConnectedUser(User))
        {
            await SwitchUserAsync();
        }

        if (IsOpen && !openedOnce)
        {
            openedOnce = true;
            await StartAsync();
        }

        if (IsOpen)
        {
            Unread = 0;
        }
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (focusInput && IsOpen)
        {
            focusInput = false;
            await FocusInputAsync();
        }

        await AttachViewAsync();
    }

    private static string KindClass(EntryKind kind) => kind switch
    {
        EntryKind.User => "dc-user",
        EntryKind.Notice => "dc-bot dc-system",
        EntryKind.Counsellor => "dc-bot dc-counsellor",
        _ => "dc-bot",
    };

    private DongyangChatClient CreateOwnClient()
    {
        // Every registered option counts (transports, HTTP handler, timeouts); the parameters override the server, key and user.
        var options = Services.GetService<IOptions<DongyangChatOptions>>()?.Value.Clone() ?? new DongyangChatOptions();
        connectedUser = User is { Id.Length: > 0, Hash.Length: > 0 } ? User : null;
        options.ServerUrl = ServerUrl ?? options.ServerUrl ?? new Uri(Navigation.BaseUri);
        options.SiteKey = SiteKey ?? options.SiteKey;
        options.User = connectedUser;
        options.ConversationId = null;
        return new DongyangChatClient(options, Services.GetService<ILoggerFactory>());
    }

    private bool IsConnectedUser(DongyangChatUser? user) =>
        user is { Id.Length: > 0, Hash.Length: > 0 } ? user.IsSameIdentity(connectedUser) : connectedUser is null;

    /// <summary>A client speaks for one customer for life: a new identity gets a new client and a clean screen.</summary>
    private async Task SwitchUserAsync()
    {
        var previous = chat;
        previous.StateChanged -= OnStateChanged;
        previous.HistoryResynced -= OnHistoryResynced;
        chat = CreateOwnClient();
        chat.StateChanged += OnStateChanged;
        chat.HistoryResynced += OnHistoryResynced;
        refusal = null;
        connection = ChatConnectionState.Connecting;

        // The previous customer's conversation must not stay on screen (a shared computer, a sign-out).
        entries.Clear();
        outbox.Clear();
        if (ConversationId is not null)
        {
            ConversationId = null;
            await ConversationIdChanged.InvokeAsync(null);
        }

        StateHasChanged();
        await previous.DisposeAsync();
        if (openedOnce)
        {
            await StartAsync();
        }
    }

    private async Task StartAsync()
    {
        var client = chat;
        _ = CheckConfigurationAsync();
        try
        {
            await client.ConnectAsync(disposed.Token);
            if (client != chat)
            {
                return;
            }

            connection = client.State;
            if (client.ConversationId is null && connectedUser is not null && entries.Count == 0)
            {
                // A verified customer continues their latest conversation, whichever device it was on.
                var conversations = await client.GetConversationsAsync(disposed.Token);
                if (conversations is [var latest, ..] && client == chat && client.ConversationId is null)
                {
                    client.UseConversation(latest.ConversationId);
                    ConversationId = latest.ConversationId;
                    await ConversationIdChanged.InvokeAsync(latest.ConversationId);
                }
            }

            if (client.ConversationId is not null && entries.Count == 0)
            {
                var history = await client.GetHistoryAsync(disposed.Token);
                if (history is not null && client == chat)
                {
                    ShowHistory(history);
                }
            }
        }
        catch (Exception) when (client != chat)
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
        catch (Microsoft.AspNetCore.SignalR.HubException)
        {
            // The stored conversation is gone (for example the server's data was reset): start afresh.
            chat.UseConversation(null);
            await ConversationIdChanged.InvokeAsync(null);
        }

        await DrainOutboxAsync();
    }

    private async Task ShowRefusalAsync(DongyangChatAccessDeniedException e)
    {
        // The same refusal arrives both as the failed call and as the client's state change: say it once.
        var text = Strings.ForError(e.Code ?? ChatErrorCodes.SiteKeyInvalid);
        if (refusal == text)
        {
            return;
        }

        // The host hears of it before the status shows, so whoever reacts to what the customer sees also has the event.
        refusal = text;
        await WarnDeveloperAsync($"Dongyang Chat ({e.Code}): {e.Message} See GET {ChatEndpoints.WidgetConfigurationPath}?siteKey=… for the fix.");
        await OnError.InvokeAsync(refusal);
        StateHasChanged();
    }

    private void ShowHistory(ConversationHistory history)
    {
        var pending = entries.Where(e => e.Status is EntryStatus.Queued or EntryStatus.Streaming).ToList();
        entries.Clear();
        entries.AddRange(EntriesOf(history));

        // What is still on its way stays, unless the server already has it.
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

        if (!openedOnce)
        {
            // A question sent before the panel ever opened (the JS API's send): connect first; StartAsync drains.
            openedOnce = true;
            await StartAsync();
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

        StateHasChanged();
    }

    private async Task AskAsync(ChatEntry question)
    {
        var answer = new ChatEntry { Key = question.Key + "-a", Kind = EntryKind.Assistant, Status = EntryStatus.Queued };
        entries.Insert(entries.IndexOf(question) + 1, answer);
        StateHasChanged();
        string? error = null;
        var client = chat;
        if (PageContext is not null)
        {
            client.PageContext = PageContext;
        }

        try
        {
            await foreach (var update in client.AskAsync(question.Text, question.Key, disposed.Token))
            {
                switch (update)
                {
                    case AcceptedEvent accepted:
                        question.Status = EntryStatus.Done;
                        answer.Status = EntryStatus.Streaming;
                        if (ConversationId != accepted.ConversationId)
                        {
                            ConversationId = accepted.ConversationId;
                            await ConversationIdChanged.InvokeAsync(accepted.ConversationId);
                        }

                        break;
                    case AnswerRestartedEvent:
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
                        error = Strings.ForError(failure.Code);
                        if (failure.Code == ChatErrorCodes.ConversationNotFound)
                        {
                            chat.UseConversation(null);
                            await ConversationIdChanged.InvokeAsync(null);
                        }

                        break;
                }

                StateHasChanged();
            }
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested)
        {
            return;
        }
        catch (Exception) when (client != chat)
        {
            // The customer changed mid-answer; the question went with the previous customer's screen.
            return;
        }
        catch (DongyangChatAccessDeniedException e)
        {
            error = Strings.ForError(e.Code ?? ChatErrorCodes.SiteKeyInvalid);
            refusal = error;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = Strings.ErrorGeneric;
        }

        if (error is not null || answer.Status != EntryStatus.Done)
        {
            error ??= Strings.ErrorGeneric;
            question.Status = EntryStatus.Done;
            answer.Status = EntryStatus.Failed;
            answer.Text = error;
            await OnError.InvokeAsync(error);
        }
        else
        {
            if (!IsOpen)
            {
                Unread++;
            }

            await OnAnswer.InvokeAsync(answer.Text);
        }

        StateHasChanged();
    }

    private async Task SubmitAsync()
    {
        var text = draft;
        draft = "";
        await SendAsync(text);
    }

    private async Task RateAsync(ChatEntry entry, int rating)
    {
        entry.Rating = rating;
        entry.CommentOpen = true;
        await SendFeedbackAsync(entry);
    }

    private Task SendCommentAsync(ChatEntry entry)
    {
        entry.CommentOpen = false;
        return SendFeedbackAsync(entry);
    }

    private async Task SendFeedbackAsync(ChatEntry entry)
    {
        if (entry is not { MessageId: { } messageId, Rating: { } rating })
        {
            return;
        }

        try
        {
            await chat.SendFeedbackAsync(new FeedbackRequest(messageId, rating, entry.Comment), disposed.Token);
            entry.FeedbackSent = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await OnError.InvokeAsync(Strings.ErrorGeneric);
        }
    }

    private async Task RequestHandoffAsync()
    {
        string text;
        try
        {
            var handoff = await chat.RequestHandoffAsync(disposed.Token);
            text = HandoffText(handoff.Phone, handoff.Hours);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            text = Strings.HandoffFailed;
        }

        entries.Add(new ChatEntry { Key = Guid.NewGuid().ToString("N"), Kind = EntryKind.Notice, Text = text, Reveal = "nearest" });
    }

    private async Task ToggleAsync() => await SetOpenAsync(!Open);

    private async Task SetOpenAsync(bool open)
    {
        if (!Embedded)
        {
            Open = open;
        }

        if (open)
        {
            Unread = 0;
            focusInput = true;
            if (!openedOnce)
            {
                openedOnce = true;
                _ = StartAsync();
            }
        }

        await OpenChanged.InvokeAsync(open);
        StateHasChanged();
        if (!open && !Embedded)
        {
            try
            {
                await launcher.FocusAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or Microsoft.JSInterop.JSException)
            {
            }
        }
    }

    private async Task OnPanelKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape" && openSource is not null)
        {
            await CloseSourceAsync();
        }
        else if (e.Key == "Escape")
        {
            await CloseAsync();
        }
    }

    private void OnStateChanged(object? sender, ChatConnectionStateChangedEventArgs e) =>
        _ = InvokeAsync(async () =>
        {
            connection = e.State;
            unreachable &= e.State != ChatConnectionState.Connected;
            StateHasChanged();
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

    private static EntryKind KindOf(string role) => role switch
    {
        MessageRoles.User => EntryKind.User,
        MessageRoles.Counsellor => EntryKind.Counsellor,
        _ => EntryKind.Assistant,
    };

    private string SpeakerOf(EntryKind kind) => kind switch
    {
        EntryKind.User => Strings.You,
        EntryKind.Counsellor => Strings.Counsellor,
        _ => Strings.Bot,
    };

    /// <summary>A message stored by someone else: a counsellor, or this conversation open in another tab.</summary>
    private void OnMessageAdded(object? sender, MessageAddedEventArgs e) =>
        _ = InvokeAsync(() =>
        {
            var message = e.Message;
            var key = message.MessageId.ToString("N");
            // The client raises only the current conversation's messages; one already shown (streamed here, or
            // restored from history) is not shown twice.
            if (entries.Any(x => x.MessageId == message.MessageId || x.Key == key || (message.ClientMessageId is not null && x.Key == message.ClientMessageId)))
            {
                return;
            }

            entries.Add(new ChatEntry
            {
                Key = key,
                Kind = KindOf(message.Role),
                Text = message.Text,
                ClientMessageId = message.ClientMessageId,
                MessageId = message.Role == MessageRoles.User ? null : message.MessageId,
                Citations = message.Citations,
                OffersHandoff = message.OffersHandoff,
                Status = EntryStatus.Done,
            });
            if (!IsOpen && message.Role != MessageRoles.User)
            {
                Unread++;
            }

            StateHasChanged();
        });

    private void OnHistoryResynced(object? sender, ConversationResyncedEventArgs e) =>
        _ = InvokeAsync(() =>
        {
            if (!sending)
            {
                ShowHistory(e.History);
            }

            StateHasChanged();
        });
}
