using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>A conversation with the Dongyang Chat server.</summary>
public interface IDongyangChat : IAsyncDisposable
{
    /// <summary>The connection's current state.</summary>
    ChatConnectionState State { get; }

    /// <summary>The current conversation, known after the first answer was accepted; <see langword="null"/> before.</summary>
    Guid? ConversationId { get; }

    /// <summary>
    /// What the page says about where the customer is (page, product …), sent with every question from now on
    /// (<see cref="ChatRequest.Context"/>): the server masks it and keeps the latest with the conversation for the
    /// counsellor; it is not used to answer. <see langword="null"/> (the default) sends none, so the stored context stays
    /// as it is; an empty map clears it. At most <see cref="ChatLimits.MaxContextEntries"/> entries; a larger one makes
    /// the question fail with <see cref="ChatErrorCodes.InvalidContext"/>.
    /// </summary>
    IReadOnlyDictionary<string, string>? PageContext { get; set; }

    /// <summary>Raised when <see cref="State"/> changes.</summary>
    event EventHandler<ChatConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised after a reconnect, with the conversation as the server stores it, so a view can catch up.</summary>
    event EventHandler<ConversationResyncedEventArgs>? HistoryResynced;

    /// <summary>
    /// Raised when the server stores a message in the current conversation that this client did not get through its own
    /// <see cref="AskAsync"/>: a counsellor's reply after a handoff, or a question and answer from another tab or device
    /// in the same conversation. Each message is raised once (by <see cref="MessageAdded.MessageId"/>). The client
    /// watches the conversation after a question, <see cref="GetHistoryAsync"/> or <see cref="WatchConversationAsync"/>,
    /// and again by itself after every reconnect. Raised on a background thread.
    /// </summary>
    event EventHandler<MessageAddedEventArgs>? MessageAdded;

    /// <summary>
    /// Everything the client delivers, in one stream and in the order it happened, from when the enumeration starts
    /// until it is cancelled or the client is disposed: the events of its own answers while they stream (as
    /// <see cref="AnswerChatEvent"/>, whoever enumerates <see cref="AskAsync"/>), messages stored by others
    /// (<see cref="MessageAddedChatEvent"/>), the history after a reconnect (<see cref="HistoryResyncedChatEvent"/>) and
    /// connection changes (<see cref="ConnectionChatEvent"/>). The events and <see cref="MessageAdded"/>,
    /// <see cref="HistoryResynced"/> and <see cref="StateChanged"/> carry the same news; this stream keeps their order.
    /// Each enumeration gets every event; it waits for none (events queue until read).
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    IAsyncEnumerable<ChatEvent> ReadEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts watching the current conversation (see <see cref="MessageAdded"/>), for example after
    /// <see cref="UseConversation"/> on a client that is already connected. Does nothing without a conversation.
    /// </summary>
    Task WatchConversationAsync(CancellationToken cancellationToken = default);

    /// <summary>Connects, retrying until it succeeds or <paramref name="cancellationToken"/> is cancelled.</summary>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes the connection cleanly and keeps it closed: no reconnect, no pushes. Questions in flight or waiting for the
    /// connection end with <see cref="OperationCanceledException"/>. The conversation is kept; <see cref="ConnectAsync"/>
    /// or the next call connects again.
    /// </summary>
    Task StopAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the current conversation on the server, with its messages, ratings and handoffs, and starts a new one on
    /// the next question. Only the customer who owns it can delete it; for anyone else it is
    /// <see cref="ChatErrorCodes.ConversationNotFound"/> (a <see cref="Microsoft.AspNetCore.SignalR.HubException"/>).
    /// Does nothing without a conversation.
    /// </summary>
    Task DeleteConversationAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks a question and streams the answer: <see cref="AcceptedEvent"/>, <see cref="DeltaEvent"/>s,
    /// <see cref="CitationsEvent"/>, then <see cref="CompletedEvent"/>; or an <see cref="ErrorEvent"/>.
    /// While the connection is down the question waits; if the connection drops mid-answer the question is asked
    /// again with the same client message id once it is back, so the server never stores it twice.
    /// </summary>
    /// <param name="message">The question.</param>
    /// <param name="clientMessageId">The id that makes resends idempotent; one is generated when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting and streaming.</param>
    IAsyncEnumerable<ChatStreamEvent> AskAsync(string message, string? clientMessageId = null, CancellationToken cancellationToken = default);

    /// <summary>The current conversation's stored messages, or <see langword="null"/> when there is no conversation yet.</summary>
    Task<ConversationHistory?> GetHistoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a rating of an answer, with an optional comment. Rating again replaces the earlier rating.</summary>
    Task SendFeedbackAsync(FeedbackRequest feedback, CancellationToken cancellationToken = default);

    /// <summary>Records that the customer asked for a human counsellor and returns the line and its hours.</summary>
    /// <param name="language"><c>ko</c> (or <see langword="null"/>: Korean) or <c>en</c>: the language <see cref="HandoffResponse.Hours"/> is described in.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task<HandoffResponse> RequestHandoffAsync(string? language = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The signed-in customer's conversations on this site, newest first, from any device; empty when
    /// <see cref="DongyangChatOptions.User"/> is not set. A refused identity throws <see cref="DongyangChatAccessDeniedException"/>.
    /// </summary>
    Task<IReadOnlyList<ConversationOverview>> GetConversationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Continues the given conversation, or starts a new one on the next question when <see langword="null"/>.</summary>
    void UseConversation(Guid? conversationId);
}
