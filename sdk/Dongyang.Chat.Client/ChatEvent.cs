using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// One thing that happened to a client, as <see cref="IDongyangChat.ReadEventsAsync"/> delivers it: a piece of one of
/// its own answers, a message stored by someone else, the history after a reconnect, or a change of connection.
/// </summary>
public abstract record ChatEvent;

/// <summary>An event of an answer this client is streaming (see <see cref="IDongyangChat.AskAsync"/>), as the asker got it.</summary>
/// <param name="ClientMessageId">The question's client message id.</param>
/// <param name="Update">The event: <see cref="AcceptedEvent"/>, <see cref="DeltaEvent"/>, <see cref="AnswerRestartedEvent"/>,
/// <see cref="CitationsEvent"/>, <see cref="CompletedEvent"/> or <see cref="ErrorEvent"/>.</param>
public sealed record AnswerChatEvent(string ClientMessageId, ChatStreamEvent Update) : ChatEvent;

/// <summary>What <see cref="IDongyangChat.MessageAdded"/> raises: a message someone else stored in the conversation.</summary>
/// <param name="Message">The stored message.</param>
public sealed record MessageAddedChatEvent(MessageAdded Message) : ChatEvent;

/// <summary>What <see cref="IDongyangChat.HistoryResynced"/> raises: the conversation as the server stores it, after a reconnect.</summary>
/// <param name="History">The conversation, oldest message first.</param>
public sealed record HistoryResyncedChatEvent(ConversationHistory History) : ChatEvent;

/// <summary>What <see cref="IDongyangChat.StateChanged"/> raises: the connection's new state.</summary>
/// <param name="State">The new state.</param>
/// <param name="Refusal">Why the client stopped trying, when the server refused it; otherwise <see langword="null"/>.</param>
public sealed record ConnectionChatEvent(ChatConnectionState State, DongyangChatAccessDeniedException? Refusal) : ChatEvent;
