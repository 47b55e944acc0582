using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// Raised by <see cref="IDongyangChat.AskAsync"/> (never sent by the server) when an interrupted answer was asked
/// again after a reconnect and the new answer differs from the text already streamed: discard the answer text
/// shown so far; the <see cref="DeltaEvent"/>s that follow carry the answer from its start.
/// </summary>
public sealed record AnswerRestartedEvent : ChatStreamEvent;
