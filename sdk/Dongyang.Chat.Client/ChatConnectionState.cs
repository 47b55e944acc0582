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
public sealed class ChatConnectionStateChangedEventArgs(ChatConnectionState state) : EventArgs
{
    /// <summary>The new state.</summary>
    public ChatConnectionState State { get; } = state;
}

/// <summary>Data of <see cref="IDongyangChat.HistoryResynced"/>.</summary>
/// <param name="history">The conversation as the server stores it.</param>
public sealed class ConversationResyncedEventArgs(Dongyang.Chat.Protocol.ConversationHistory history) : EventArgs
{
    /// <summary>The conversation as the server stores it, oldest message first.</summary>
    public Dongyang.Chat.Protocol.ConversationHistory History { get; } = history;
}
