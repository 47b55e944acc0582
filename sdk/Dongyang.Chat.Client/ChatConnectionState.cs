namespace Dongyang.Chat.Client;

/// <summary>The state of the client's connection to the chat server.</summary>
public enum ChatConnectionState
{
    /// <summary>Not connected and not trying: before the first connect, or after disposal.</summary>
    Disconnected = 0,

    /// <summary>Connecting for the first time.</summary>
    Connecting = 1,

    /// <summary>Connected; questions are sent at once.</summary>
    Connected = 2,

    /// <summary>The connection was lost and the client is trying to get it back. Questions wait until it is back.</summary>
    Reconnecting = 3,
}

/// <summary>Data of <see cref="IDongyangChat.StateChanged"/>.</summary>
/// <param name="state">The new state.</param>
/// <param name="refusal">Why the client stopped trying, when the server refused it; otherwise <see langword="null"/>.</param>
public sealed class ChatConnectionStateChangedEventArgs(ChatConnectionState state, DongyangChatAccessDeniedException? refusal = null) : EventArgs
{
    /// <summary>The new state.</summary>
    public ChatConnectionState State { get; } = state;

    /// <summary>
    /// Set with <see cref="ChatConnectionState.Disconnected"/> when the server refused the client — for example its site
    /// key was disabled while it was connected, or the identity secret was rotated — and it will not retry. Show
    /// <see cref="DongyangChatAccessDeniedException.CustomerMessage"/> rather than "offline".
    /// </summary>
    public DongyangChatAccessDeniedException? Refusal { get; } = refusal;
}

/// <summary>Data of <see cref="IDongyangChat.HistoryResynced"/>.</summary>
/// <param name="history">The conversation as the server stores it.</param>
public sealed class ConversationResyncedEventArgs(Dongyang.Chat.Protocol.ConversationHistory history) : EventArgs
{
    /// <summary>The conversation as the server stores it, oldest message first.</summary>
    public Dongyang.Chat.Protocol.ConversationHistory History { get; } = history;
}
