using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>Data of <see cref="IDongyangChat.MessageAdded"/>.</summary>
/// <param name="message">The message the server stored and pushed.</param>
public sealed class MessageAddedEventArgs(MessageAdded message) : EventArgs
{
    /// <summary>
    /// The message the server stored: another tab's question or answer (<see cref="MessageRoles.User"/>,
    /// <see cref="MessageRoles.Assistant"/>) or a counsellor's reply (<see cref="MessageRoles.Counsellor"/>).
    /// </summary>
    public MessageAdded Message { get; } = message;
}
