namespace Dongyang.Chat.Protocol;

/// <summary>A customer's question, as sent over HTTP or the chat hub.</summary>
/// <param name="Message">The question text. Required; at most <see cref="ChatLimits.MaxMessageLength"/> characters.</param>
/// <param name="ConversationId">The conversation to continue, or <see langword="null"/> to start a new one.</param>
/// <param name="ClientMessageId">
/// An id the client chooses for this message. A resend with the same id returns the original answer
/// instead of producing a second one.
/// </param>
public sealed record ChatRequest(string? Message, Guid? ConversationId = null, string? ClientMessageId = null);

/// <summary>Limits every client must respect.</summary>
public static class ChatLimits
{
    /// <summary>The longest accepted question, in characters.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>The longest accepted client message id, in characters.</summary>
    public const int MaxClientMessageIdLength = 100;
}
