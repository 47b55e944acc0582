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
public sealed partial class DongyangChat : IChatSessionHost
{
    private readonly string id = "dc" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource disposed = new();
    private ChatSession session = null!;
    private bool ownsClient;
    private ChatInputView? composer;
    private ElementReference launcher;
    private ElementReference messagesElement;
    private bool focusInput;
    private DongyangChatUser? connectedUser;

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
    private bool Unreachable => unreachable && Connection != ChatConnectionState.Connected && !BrowserOffline;

    private ChatStrings Strings => ChatStrings.For(Lang);

    private string ConnectionLabel => StatusText is null ? "connected" : Refusal is not null ? "refused" : Unreachable || session.ConnectFailure is not null ? "unavailable" : Connection switch
    {
        ChatConnectionState.Connecting => "connecting",
        ChatConnectionState.Reconnecting when !BrowserOffline => "reconnecting",
        _ => "offline",
    };

    private string? StatusText => Refusal ?? session.ConnectFailure ?? (Unreachable ? Strings.ErrorUnavailable : null) ?? Connection switch
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

    private ChatConnectionState Connection => session.Connection;

    private string? Refusal => session.Refusal;

    /// <inheritdoc />
    ChatStrings IChatSessionHost.Strings => Strings;

    /// <inheritdoc />
    IReadOnlyDictionary<string, string>? IChatSessionHost.PageContext => PageContext;

    /// <summary>Sends a question as if the customer typed it; it waits in order while offline.</summary>
    /// <param name="text">The question.</param>
    public Task SendAsync(string text) => session.SendAsync(text);

    /// <summary>Forgets the conversation on this device and starts a new one.</summary>
    public async Task NewConversationAsync()
    {
        await session.NewConversationAsync();
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
        if (composer is null)
        {
            // Not rendered yet; the next render focuses it.
            focusInput = true;
            return;
        }

        try
        {
            await composer.FocusAsync();
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
        if (session is not null)
        {
            await session.DisposeAsync();
        }

        await DisposeViewAsync();
        disposed.Dispose();
    }

    /// <inheritdoc />
    Task IChatSessionHost.InvokeAsync(Func<Task> work) => InvokeAsync(work);

    /// <inheritdoc />
    void IChatSessionHost.Changed()
    {
        unreachable &= session.Connection != ChatConnectionState.Connected;
        StateHasChanged();
    }

    /// <inheritdoc />
    void IChatSessionHost.Starting() => _ = CheckConfigurationAsync();

    /// <inheritdoc />
    async Task IChatSessionHost.ConversationChangedAsync(Guid? conversationId)
    {
        ConversationId = conversationId;
        await ConversationIdChanged.InvokeAsync(conversationId);
    }

    /// <inheritdoc />
    async Task IChatSessionHost.AnsweredAsync(string text)
    {
        if (!IsOpen)
        {
            Unread++;
        }

        await OnAnswer.InvokeAsync(text);
    }

    /// <inheritdoc />
    void IChatSessionHost.Arrived(ChatEntry entry)
    {
        if (!IsOpen && entry.Kind != EntryKind.User)
        {
            Unread++;
        }
    }

    /// <inheritdoc />
    Task IChatSessionHost.ErrorAsync(string text) => OnError.InvokeAsync(text);

    /// <inheritdoc />
    async Task IChatSessionHost.RefusedAsync(DongyangChatAccessDeniedException refusal, string text)
    {
        await WarnDeveloperAsync($"Dongyang Chat ({refusal.Code}): {refusal.Message} See GET {ChatEndpoints.WidgetConfigurationPath}?siteKey=… for the fix.");
        await OnError.InvokeAsync(text);
    }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        IDongyangChat chat;
        if (Client is not null)
        {
            chat = Client;
        }
        else
        {
            chat = CreateOwnClient();
            ownsClient = true;
        }

        session = new ChatSession(this, chat, ownsClient, signedIn: ownsClient && connectedUser is not null, ConversationId);
        if (IsOpen)
        {
            await session.EnsureStartedAsync();
        }
    }

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (ownsClient && !IsConnectedUser(User))
        {
            var next = CreateOwnClient();
            await session.SwitchClientAsync(next, connectedUser is not null);
        }

        if (IsOpen && !session.Started)
        {
            await session.EnsureStartedAsync();
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

    /// <summary>The conversation's lines, keyed so that each keeps its element while others come and go.</summary>
    private RenderFragment Messages => builder =>
    {
        foreach (var entry in session.Entries)
        {
            builder.OpenComponent<ChatMessageView>(0);
            builder.SetKey(entry.Key);
            builder.AddComponentParameter(1, nameof(ChatMessageView.Entry), entry);
            builder.AddComponentParameter(2, nameof(ChatMessageView.Session), session);
            builder.AddComponentParameter(3, nameof(ChatMessageView.Strings), Strings);
            builder.AddComponentParameter(4, nameof(ChatMessageView.IdPrefix), id);
            builder.AddComponentParameter(5, nameof(ChatMessageView.OpenCitation), (Func<string, int, Task>)OpenCitationAsync);
            builder.CloseComponent();
        }
    };

    private RenderFragment Composer => builder =>
    {
        builder.OpenComponent<ChatInputView>(0);
        builder.AddComponentParameter(1, nameof(ChatInputView.InputId), $"{id}-input");
        builder.AddComponentParameter(2, nameof(ChatInputView.Strings), Strings);
        builder.AddComponentParameter(3, nameof(ChatInputView.OnSend), EventCallback.Factory.Create<string>(this, SendAsync));
        builder.AddComponentReferenceCapture(4, view => composer = (ChatInputView)view);
        builder.CloseComponent();
    };

    private RenderFragment Banner(string status) => builder =>
    {
        builder.OpenComponent<ChatBannerView>(0);
        builder.AddComponentParameter(1, nameof(ChatBannerView.Status), status);
        builder.AddComponentParameter(2, nameof(ChatBannerView.State), ConnectionLabel);
        builder.AddComponentParameter(3, nameof(ChatBannerView.Contact), Refusal is not null || unreachable ? ContactText : null);
        builder.CloseComponent();
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
        options.Language = Strings.Language;
        return new DongyangChatClient(options, Services.GetService<ILoggerFactory>());
    }

    private bool IsConnectedUser(DongyangChatUser? user) =>
        user is { Id.Length: > 0, Hash.Length: > 0 } ? user.IsSameIdentity(connectedUser) : connectedUser is null;

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
            if (!session.Started)
            {
                _ = session.EnsureStartedAsync();
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
}
