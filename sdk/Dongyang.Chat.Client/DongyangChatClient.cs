using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dongyang.Chat.Client;

/// <summary>
/// The Dongyang Chat client over SignalR: streamed answers with citations, automatic reconnect with history resync,
/// and idempotent resends.
/// </summary>
/// <example>
/// <code>
/// await using var chat = new DongyangChatClient(new DongyangChatOptions { ServerUrl = new Uri("https://chat.example.com/") });
/// await foreach (var e in chat.AskAsync("보험금 청구는 어떻게 하나요?"))
/// {
///     if (e is DeltaEvent delta) Console.Write(delta.Text);
/// }
/// </code>
/// </example>
public sealed partial class DongyangChatClient : IDongyangChat
{
    private readonly DongyangChatOptions options;
    private readonly HubConnection connection;
    private readonly ILogger logger;
    private readonly CancellationTokenSource disposed = new();
    private readonly SemaphoreSlim connectLock = new(1, 1);
    private readonly Lock stateLock = new();
    private TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChatConnectionState state;
    private Guid? conversationId;
    private HttpClient? http;
    private readonly SessionTokenSource? sessions;

    /// <summary>How often one question renews an expired session before it gives up (the server keeps refusing).</summary>
    private const int MaxSessionRenewals = 2;

    /// <summary>Cancelled by <see cref="StopAsync"/>: ends the questions and connection attempts of the run it stops.</summary>
    private CancellationTokenSource running = new();

    /// <summary>Set by <see cref="StopAsync"/> until the caller connects again: a closed connection is then not resumed.</summary>
    private volatile bool stopped;

    /// <summary>The enumerations of <see cref="ReadEventsAsync"/> in progress; every event goes to each, under this lock.</summary>
    private readonly List<ChannelWriter<ChatEvent>> readers = [];

    /// <summary>Ids of messages this client already has (its own questions and answers, and pushes it raised).</summary>
    private readonly RecentIds seenMessages = new(capacity: 512);

    /// <summary>Creates a client; it connects on <see cref="ConnectAsync"/> or the first question.</summary>
    /// <param name="options">Where to connect. <see cref="DongyangChatOptions.ServerUrl"/> is required.</param>
    /// <param name="loggerFactory">Logs connection changes; none when <see langword="null"/>.</param>
    public DongyangChatClient(DongyangChatOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ServerUrl is null)
        {
            throw new ArgumentException("DongyangChatOptions.ServerUrl is required.", nameof(options));
        }

        if (options.User is { } user && (string.IsNullOrWhiteSpace(user.Id) || string.IsNullOrWhiteSpace(user.Hash)))
        {
            throw new ArgumentException("DongyangChatOptions.User needs both an id and its hash.", nameof(options));
        }

        this.options = options;
        conversationId = options.ConversationId;
        logger = loggerFactory?.CreateLogger<DongyangChatClient>() ?? NullLogger<DongyangChatClient>.Instance;
        if (options.User is not { } verified)
        {
            // An anonymous caller gets a session of its own before its first question, so its client message ids
            // are its own: without one, a first question's id is shared by every anonymous caller of the site.
            sessions = new SessionTokenSource(options, user: null, Http);
        }
        else if (!CanSendAsHeaders(verified))
        {
            sessions = new SessionTokenSource(options, verified, Http);
        }

        connection = BuildConnection(options, loggerFactory, sessions, disposed.Token);
        connection.Closed += OnClosedAsync;
        connection.On<MessageAdded>(ChatEndpoints.MessageAddedMethod, OnMessageAdded);
    }

    /// <inheritdoc />
    public ChatConnectionState State
    {
        get
        {
            lock (stateLock)
            {
                return state;
            }
        }
    }

    /// <inheritdoc />
    public Guid? ConversationId => conversationId;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string>? PageContext { get; set; }

    /// <inheritdoc />
    public event EventHandler<ChatConnectionStateChangedEventArgs>? StateChanged;

    /// <inheritdoc />
    public event EventHandler<ConversationResyncedEventArgs>? HistoryResynced;

    /// <inheritdoc />
    public event EventHandler<MessageAddedEventArgs>? MessageAdded;

    /// <summary>A fresh client message id: unique, and short enough for the server's limit.</summary>
    public static string NewClientMessageId() => Guid.CreateVersion7().ToString("N");

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(resume: false, cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        stopped = true;
        CancellationTokenSource run;
        lock (stateLock)
        {
            run = running;
            running = new CancellationTokenSource();
        }

        // First end what this run is doing (a reconnect loop holds the connect lock), then close the connection.
        await run.CancelAsync();
        await connectLock.WaitAsync(cancellationToken);
        try
        {
            await connection.StopAsync(cancellationToken);
            SetState(ChatConnectionState.Disconnected);
        }
        finally
        {
            connectLock.Release();
        }
    }

    private async Task ConnectCoreAsync(bool resume, CancellationToken cancellationToken)
    {
        if (!resume)
        {
            stopped = false;
        }

        if (State == ChatConnectionState.Connected)
        {
            return;
        }

        var run = RunToken;
        await connectLock.WaitAsync(cancellationToken);
        try
        {
            if (connection.State != HubConnectionState.Disconnected || (resume && stopped))
            {
                return;
            }

            var reconnecting = State == ChatConnectionState.Reconnecting;
            SetState(reconnecting ? ChatConnectionState.Reconnecting : ChatConnectionState.Connecting);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposed.Token, run);
            using var deadline = new CancellationTokenSource();
            using var attempts = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, deadline.Token);
            if (!reconnecting && options.ConnectTimeout > TimeSpan.Zero && options.ConnectTimeout != Timeout.InfiniteTimeSpan)
            {
                deadline.CancelAfter(options.ConnectTimeout);
            }

            Exception? lastError = null;
            var renewed = false;
            var started = Stopwatch.GetTimestamp();
            TimeSpan? serverWait = null;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    if (reconnecting || attempt > 0)
                    {
                        // A first connect tries at once; a lost connection waits the first delay too (zero by default).
                        // A server that said how long to wait (429 Retry-After) is not asked again sooner.
                        var delay = DelayFor(reconnecting ? attempt : attempt - 1);
                        await Task.Delay(serverWait > delay ? serverWait.Value : delay, attempts.Token);
                        serverWait = null;
                    }

                    await connection.StartAsync(attempts.Token);
                    break;
                }
                catch (Exception e) when (deadline.IsCancellationRequested && !linked.IsCancellationRequested)
                {
                    // The server could not be reached in time: stop, and say so with a type the caller can catch.
                    lastError = e is OperationCanceledException ? lastError : e;
                    LogConnectTimedOut(logger, options.ConnectTimeout);
                    SetState(ChatConnectionState.Disconnected);
                    throw new DongyangChatUnavailableException(options.ServerUrl!, options.ConnectTimeout, lastError);
                }
                catch (DongyangChatAccessDeniedException e) when (sessions is not null && !renewed && e.Code is ChatErrorCodes.SessionExpired or ChatErrorCodes.SessionInvalid)
                {
                    // The server no longer takes the token it gave (its key changed, or the clocks disagree): exchange again, once.
                    renewed = true;
                    sessions.Invalidate();
                }
                catch (HttpRequestException e) when (e.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
                {
                    // A wrong, disabled or foreign-origin site key will not get better by retrying: say so at once.
                    SetState(ChatConnectionState.Disconnected, e as DongyangChatAccessDeniedException);
                    throw;
                }
                catch (RateLimitedResponseException e) when (!linked.IsCancellationRequested)
                {
                    lastError = e;
                    serverWait = e.RetryAfter;
                    LogConnectRateLimited(logger, attempt + 1, e.RetryAfter?.TotalSeconds);
                    if (!reconnecting && e.RetryAfter is { } wait && options.ConnectTimeout != Timeout.InfiniteTimeSpan
                        && Stopwatch.GetElapsedTime(started) + wait > options.ConnectTimeout)
                    {
                        // Waiting as asked would outlast the connect timeout: say so now, with the wait, rather than at the deadline.
                        SetState(ChatConnectionState.Disconnected);
                        throw new DongyangChatUnavailableException(options.ServerUrl!, options.ConnectTimeout, e);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException && !linked.IsCancellationRequested)
                {
                    lastError = e;
                    LogConnectFailed(logger, attempt + 1, e.Message);
                }
            }

            SetState(ChatConnectionState.Connected);
            await RewatchAsync();
            if (reconnecting)
            {
                await ResyncAsync();
            }
        }
        finally
        {
            connectLock.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        var channel = Channel.CreateUnbounded<ChatEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (readers)
        {
            readers.Add(channel.Writer);
        }

        try
        {
            // Disposal completes the channel: the enumeration then ends after the events already queued.
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return e;
            }
        }
        finally
        {
            lock (readers)
            {
                readers.Remove(channel.Writer);
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatStreamEvent> AskAsync(string message, string? clientMessageId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        clientMessageId ??= NewClientMessageId();
        await foreach (var update in AskCoreAsync(message, clientMessageId, cancellationToken))
        {
            Publish(new AnswerChatEvent(clientMessageId, update));
            yield return update;
        }
    }

    private async IAsyncEnumerable<ChatStreamEvent> AskCoreAsync(string message, string clientMessageId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {

        // StopAsync ends this question; otherwise waiting for the connection would start it again.
        using var asking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, RunToken);
        cancellationToken = asking.Token;

        var shown = new StringBuilder();
        var accepted = false;
        var renewals = 0;
        for (var attempt = 0; ; attempt++)
        {
            await WaitUntilConnectedAsync(cancellationToken);
            var sessionExpired = false;
            var resend = attempt > 0;
            var replay = new StringBuilder();
            var catchingUp = resend && shown.Length > 0;
            var request = new ChatRequest(message, conversationId, clientMessageId) { Context = PageContext };
            var stream = connection.StreamAsync<ChatStreamEvent>(ChatEndpoints.AskMethod, request, cancellationToken);
            await using var events = stream.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                var next = await TryMoveNextAsync(events, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                if (next == StreamStep.Lost)
                {
                    break;
                }

                if (next == StreamStep.Ended)
                {
                    // The server ended the stream without completing: the answer was cut short server-side.
                    yield return new ErrorEvent(ChatErrorCodes.AnswerInterrupted, "The answer was interrupted. Please ask again.");
                    yield break;
                }

                switch (events.Current)
                {
                    case AcceptedEvent acceptedEvent:
                        conversationId = acceptedEvent.ConversationId;
                        seenMessages.Add(acceptedEvent.UserMessageId);
                        if (!accepted)
                        {
                            accepted = true;
                            yield return acceptedEvent;
                        }

                        break;

                    case DeltaEvent delta when catchingUp:
                        // After a resend the answer streams again from its start: skip what the caller already has.
                        replay.Append(delta.Text);
                        var replayed = replay.ToString();
                        var already = shown.ToString();
                        if (replayed.Length <= already.Length && already.StartsWith(replayed, StringComparison.Ordinal))
                        {
                            break;
                        }

                        catchingUp = false;
                        if (replayed.StartsWith(already, StringComparison.Ordinal))
                        {
                            var rest = replayed[already.Length..];
                            shown.Append(rest);
                            yield return new DeltaEvent(rest);
                        }
                        else
                        {
                            shown.Clear().Append(replayed);
                            yield return new AnswerRestartedEvent();
                            yield return new DeltaEvent(replayed);
                        }

                        break;

                    case DeltaEvent delta:
                        shown.Append(delta.Text);
                        yield return delta;
                        break;

                    case CitationsEvent or CompletedEvent when catchingUp && replay.ToString() != shown.ToString():
                        catchingUp = false;
                        shown.Clear().Append(replay);
                        yield return new AnswerRestartedEvent();
                        if (replay.Length > 0)
                        {
                            yield return new DeltaEvent(replay.ToString());
                        }

                        yield return events.Current;
                        if (events.Current is CompletedEvent)
                        {
                            yield break;
                        }

                        break;

                    case CompletedEvent completed:
                        conversationId = completed.ConversationId;
                        seenMessages.Add(completed.MessageId);
                        yield return completed;
                        yield break;

                    case ErrorEvent { Code: ChatErrorCodes.SessionExpired } when sessions is not null && renewals < MaxSessionRenewals:
                        // The connection outlived its token (refused before anything was stored): renew, reconnect, ask again.
                        sessionExpired = true;
                        break;

                    case ErrorEvent error:
                        yield return error;
                        yield break;

                    default:
                        catchingUp = false;
                        yield return events.Current;
                        break;
                }

                if (sessionExpired)
                {
                    break;
                }
            }

            if (sessionExpired)
            {
                renewals++;
                attempt--;
                await RenewSessionAsync(cancellationToken);
                continue;
            }

            if (attempt >= options.MaxResendAttempts)
            {
                yield return new ErrorEvent(ChatErrorCodes.ConnectionLost, "The connection was lost before the answer completed.");
                yield break;
            }

            LogResending(logger, clientMessageId, attempt + 1);
        }
    }

    /// <inheritdoc />
    public async Task<ConversationHistory?> GetHistoryAsync(CancellationToken cancellationToken = default)
    {
        if (conversationId is not { } id)
        {
            return null;
        }

        await WaitUntilConnectedAsync(cancellationToken);
        return await InvokeRenewingAsync(() => connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, id, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task WatchConversationAsync(CancellationToken cancellationToken = default)
    {
        if (conversationId is not { } id)
        {
            return;
        }

        await WaitUntilConnectedAsync(cancellationToken);
        await InvokeRenewingAsync(async () => { await connection.InvokeAsync(ChatEndpoints.WatchConversationMethod, id, cancellationToken); return true; }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task SendFeedbackAsync(FeedbackRequest feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        await WaitUntilConnectedAsync(cancellationToken);
        await InvokeRenewingAsync(async () => { await connection.InvokeAsync(ChatEndpoints.FeedbackMethod, feedback, cancellationToken); return true; }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<HandoffResponse> RequestHandoffAsync(string? language = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilConnectedAsync(cancellationToken);
        return await InvokeRenewingAsync(() => connection.InvokeAsync<HandoffResponse>(ChatEndpoints.HandoffMethod, new HandoffRequest(conversationId) { Language = language ?? options.Language }, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteConversationAsync(CancellationToken cancellationToken = default)
    {
        if (conversationId is not { } id)
        {
            return;
        }

        await WaitUntilConnectedAsync(cancellationToken);
        await InvokeRenewingAsync(async () => { await connection.InvokeAsync(ChatEndpoints.DeleteConversationMethod, id, cancellationToken); return true; }, cancellationToken);
        if (conversationId == id)
        {
            conversationId = null;
        }
    }

    /// <inheritdoc />
    public void UseConversation(Guid? conversationId) => this.conversationId = conversationId;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConversationOverview>> GetConversationsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        if (options.User is not { } user)
        {
            return [];
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposed.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.ServerUrl!, ChatEndpoints.MyConversationsPath.TrimStart('/')));
        if (!string.IsNullOrEmpty(options.SiteKey))
        {
            request.Headers.Add(ChatEndpoints.SiteKeyHeader, options.SiteKey);
        }

        if (sessions is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await sessions.GetAsync(linked.Token));
        }
        else
        {
            AddIdentityHeaders(request.Headers, user);
        }

        using var response = await Http().SendAsync(request, linked.Token);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<ConversationOverview>>(System.Text.Json.JsonSerializerOptions.Web, linked.Token) ?? [];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (disposed.IsCancellationRequested)
        {
            return;
        }

        await disposed.CancelAsync();
        await running.CancelAsync();
        await connection.DisposeAsync();
        http?.Dispose();
        sessions?.Dispose();
        SetState(ChatConnectionState.Disconnected);
        lock (readers)
        {
            foreach (var reader in readers)
            {
                reader.TryComplete();
            }
        }

        disposed.Dispose();
        connectLock.Dispose();
    }

    private static HubConnection BuildConnection(DongyangChatOptions options, ILoggerFactory? loggerFactory, SessionTokenSource? sessions, CancellationToken disposed)
    {
        var hubUrl = new Uri(options.ServerUrl!, ChatEndpoints.HubPath.TrimStart('/'));
        var query = new List<string>();
        if (!string.IsNullOrEmpty(options.SiteKey))
        {
            // Browsers cannot set headers on WebSockets, so the key also travels in the query string.
            query.Add(ChatEndpoints.SiteKeyQueryParameter + "=" + Uri.EscapeDataString(options.SiteKey));
        }

        if (!string.IsNullOrEmpty(options.Language))
        {
            query.Add(ChatEndpoints.LanguageQueryParameter + "=" + Uri.EscapeDataString(options.Language));
        }

        if (query.Count > 0)
        {
            hubUrl = new UriBuilder(hubUrl) { Query = string.Join('&', query) }.Uri;
        }

        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl, http =>
            {
                if (!string.IsNullOrEmpty(options.SiteKey) && !OperatingSystem.IsBrowser())
                {
                    http.Headers[ChatEndpoints.SiteKeyHeader] = options.SiteKey;
                }

                if (sessions is not null)
                {
                    // Where headers cannot carry the identity, a session token does: SignalR asks for it on every
                    // connect (so an expired one is exchanged again) and, in a browser's WebSocket, puts it in the
                    // query string; it expires, unlike the hash, so an access log that keeps it keeps nothing lasting.
                    http.AccessTokenProvider = async () => await sessions.GetAsync(disposed);
                }
                else if (options.User is { } user)
                {
                    http.Headers[ChatEndpoints.UserIdHeader] = user.Id;
                    http.Headers[ChatEndpoints.UserHashHeader] = user.Hash;
                    if (user.HashExpiresAt is { } expires)
                    {
                        http.Headers[ChatEndpoints.UserHashExpiresHeader] = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                if (options.Transports is { } transports)
                {
                    http.Transports = transports;

                    // WebSockets only needs no negotiate request: the connection is one request, which any instance
                    // behind a round-robin proxy can take (a negotiated connection must come back to the same one).
                    http.SkipNegotiation = transports == HttpTransportType.WebSockets;
                }

                // A refusal (401/403) arrives as a DongyangChatAccessDeniedException with the server's code.
                http.HttpMessageHandlerFactory = inner => new RefusalHandler(options.HttpMessageHandlerFactory?.Invoke(inner) ?? inner);
            });
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        return builder.Build();
    }

    /// <summary>Headers need a non-browser transport and an ASCII id (a Korean id, say, goes percent-encoded in the query).</summary>
    private static bool CanSendAsHeaders(DongyangChatUser user) =>
        !OperatingSystem.IsBrowser() && System.Text.Ascii.IsValid(user.Id) && System.Text.Ascii.IsValid(user.Hash);

    private static void AddIdentityHeaders(System.Net.Http.Headers.HttpRequestHeaders headers, DongyangChatUser user)
    {
        headers.Add(ChatEndpoints.UserIdHeader, user.Id);
        headers.Add(ChatEndpoints.UserHashHeader, user.Hash);
        if (user.HashExpiresAt is { } expires)
        {
            headers.Add(ChatEndpoints.UserHashExpiresHeader, expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private HttpClient Http() => http ??= CreateHttpClient(options);

    private static HttpClient CreateHttpClient(DongyangChatOptions options)
    {
        HttpMessageHandler handler = new HttpClientHandler();
        return new HttpClient(new RefusalHandler(options.HttpMessageHandlerFactory?.Invoke(handler) ?? handler));
    }

    private static async Task<StreamStep> TryMoveNextAsync(IAsyncEnumerator<ChatStreamEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            return await events.MoveNextAsync() ? StreamStep.Event : StreamStep.Ended;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not HubException)
        {
            // The connection closed under the stream; the question is asked again once it is back.
            return StreamStep.Lost;
        }
    }

    private CancellationToken RunToken
    {
        get
        {
            lock (stateLock)
            {
                return running.Token;
            }
        }
    }

    private TimeSpan DelayFor(int attempt)
    {
        var delays = options.ReconnectDelays;
        return delays.Count == 0 ? TimeSpan.FromSeconds(2) : delays[Math.Min(attempt, delays.Count - 1)];
    }

    /// <summary>
    /// The server refused a call because the connection's session token expired (SignalR closes such a connection
    /// itself a moment later): forget the token and reconnect now, so the next connect carries a renewed one.
    /// </summary>
    private async Task RenewSessionAsync(CancellationToken cancellationToken)
    {
        sessions?.Invalidate();
        LogSessionExpired(logger);
        SetState(ChatConnectionState.Reconnecting);

        // Closed then runs OnClosedAsync, which connects again (and rewatches and resyncs) as after any close. The
        // connect lock is not held here: that reconnect takes it.
        await connection.StopAsync(cancellationToken);
    }

    /// <summary>An invocation that renews the session and tries again once when the server says the token expired.</summary>
    private async Task<T> InvokeRenewingAsync<T>(Func<Task<T>> invoke, CancellationToken cancellationToken)
    {
        try
        {
            return await invoke();
        }
        catch (HubException e) when (sessions is not null && e.Message.Contains(ChatErrorCodes.SessionExpired + ":", StringComparison.Ordinal))
        {
            await RenewSessionAsync(cancellationToken);
            await WaitUntilConnectedAsync(cancellationToken);
            return await invoke();
        }
    }

    private async Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        while (connection.State != HubConnectionState.Connected)
        {
            if (State is ChatConnectionState.Disconnected)
            {
                await ConnectCoreAsync(resume: false, cancellationToken);
                continue;
            }

            Task waitFor;
            lock (stateLock)
            {
                waitFor = connected.Task;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposed.Token);
            if (waitFor.IsCompleted)
            {
                // The connection has just closed and the reconnect loop has not said so yet: give it a moment.
                waitFor = Task.Delay(TimeSpan.FromMilliseconds(50), linked.Token);
            }

            await waitFor.WaitAsync(TimeSpan.FromSeconds(1), linked.Token).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            linked.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// A connection that was up closed (the network, the server, a proxy): get it back with the one connect loop,
    /// as <see cref="ChatConnectionState.Reconnecting"/>, without the first connect's timeout.
    /// </summary>
    private async Task OnClosedAsync(Exception? error)
    {
        if (disposed.IsCancellationRequested || stopped)
        {
            return;
        }

        LogClosed(logger, error?.Message);
        SetState(ChatConnectionState.Reconnecting);
        try
        {
            await ConnectCoreAsync(resume: true, disposed.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (DongyangChatAccessDeniedException e)
        {
            // Refused for good (the key was disabled or the secret rotated): stay disconnected; the next call says why.
            LogRefused(logger, e.Code);
        }
    }

    private async Task ResyncAsync()
    {
        bool reading;
        lock (readers)
        {
            reading = readers.Count > 0;
        }

        if (conversationId is not { } id || (HistoryResynced is null && !reading))
        {
            return;
        }

        try
        {
            var history = await connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, id, disposed.Token);
            Publish(new HistoryResyncedChatEvent(history));
            HistoryResynced?.Invoke(this, new ConversationResyncedEventArgs(history));
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or OperationCanceledException)
        {
            LogResyncFailed(logger, id, e.Message);
        }
    }

    /// <summary>A new connection is in no conversation's group: join the current one again, so pushes keep coming.</summary>
    private async Task RewatchAsync()
    {
        if (conversationId is not { } id)
        {
            return;
        }

        try
        {
            await connection.InvokeAsync(ChatEndpoints.WatchConversationMethod, id, disposed.Token);
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or OperationCanceledException or IOException)
        {
            LogWatchFailed(logger, id, e.Message);
        }
    }

    private void OnMessageAdded(MessageAdded message)
    {
        // Only the conversation on screen, and each message once: the client may still be in an earlier
        // conversation's group, and a message it streamed itself is no news.
        if (message.ConversationId != conversationId || !seenMessages.Add(message.MessageId))
        {
            return;
        }

        Publish(new MessageAddedChatEvent(message));
        MessageAdded?.Invoke(this, new MessageAddedEventArgs(message));
    }

    /// <summary>Queues an event for every enumeration of <see cref="ReadEventsAsync"/>, in the order events happen.</summary>
    private void Publish(ChatEvent e)
    {
        lock (readers)
        {
            foreach (var reader in readers)
            {
                reader.TryWrite(e);
            }
        }
    }

    private void SetState(ChatConnectionState next, DongyangChatAccessDeniedException? refusal = null)
    {
        lock (stateLock)
        {
            if (state == next && refusal is null)
            {
                return;
            }

            state = next;
            if (next == ChatConnectionState.Connected)
            {
                connected.TrySetResult();
            }
            else if (connected.Task.IsCompleted)
            {
                connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            // Under the state lock, so the stream has the states in the order they were set.
            Publish(new ConnectionChatEvent(next, refusal));
        }

        StateChanged?.Invoke(this, new ChatConnectionStateChangedEventArgs(next, refusal));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The session token expired on an open connection; renewing it and reconnecting")]
    private static partial void LogSessionExpired(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting failed (attempt {Attempt}): {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat server refused the connection as too busy (429, attempt {Attempt}); it asks to wait {RetryAfterSeconds} s")]
    private static partial void LogConnectRateLimited(ILogger logger, int attempt, double? retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat server could not be reached within {Timeout}; giving up")]
    private static partial void LogConnectTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resending question {ClientMessageId} after a lost connection (resend {Attempt})")]
    private static partial void LogResending(ILogger logger, string clientMessageId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server refused the connection ({Code}); not retrying")]
    private static partial void LogRefused(ILogger logger, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History of conversation {ConversationId} could not be resynced: {Reason}")]
    private static partial void LogResyncFailed(ILogger logger, Guid conversationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} could not be watched: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, Guid conversationId, string reason);

    private enum StreamStep
    {
        Event,
        Ended,
        Lost,
    }

    /// <summary>The last <c>capacity</c> message ids, for de-duplication without growing forever.</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly HashSet<Guid> ids = [];
        private readonly Queue<Guid> order = new();

        /// <summary>False when the id was already there.</summary>
        public bool Add(Guid id)
        {
            lock (ids)
            {
                if (!ids.Add(id))
                {
                    return false;
                }

                order.Enqueue(id);
                if (order.Count > capacity)
                {
                    ids.Remove(order.Dequeue());
                }

                return true;
            }
        }
    }
}
