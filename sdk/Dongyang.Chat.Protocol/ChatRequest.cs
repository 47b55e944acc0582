namespace Dongyang.Chat.Protocol;

/// <summary>A customer's question, as sent over HTTP or the chat hub.</summary>
/// <param name="Message">The question text. Required; at most <see cref="ChatLimits.MaxMessageLength"/> characters.</param>
/// <param name="ConversationId">The conversation to continue, or <see langword="null"/> to start a new one.</param>
/// <param name="ClientMessageId">
/// An id the client chooses for this message. A resend with the same id returns the original answer
/// instead of producing a second one.
/// </param>
public sealed record ChatRequest(string? Message, Guid? ConversationId = null, string? ClientMessageId = null)
{
    /// <summary>
    /// What the partner page says about where the customer is (page, product, plan …), stored with the conversation
    /// (personal data masked) for the counsellor who takes it over; the latest sent wins. At most
    /// <see cref="ChatLimits.MaxContextEntries"/> entries of <see cref="ChatLimits.MaxContextKeyLength"/> /
    /// <see cref="ChatLimits.MaxContextValueLength"/> characters; <see langword="null"/> leaves the stored context as it is.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Context { get; init; }
}

/// <summary>Limits every client must respect.</summary>
public static class ChatLimits
{
    /// <summary>The longest accepted question, in characters.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>The longest accepted client message id, in characters.</summary>
    public const int MaxClientMessageIdLength = 100;

    /// <summary>The most entries a page context (<see cref="ChatRequest.Context"/>) may have.</summary>
    public const int MaxContextEntries = 20;

    /// <summary>The longest key of a page context entry, in characters.</summary>
    public const int MaxContextKeyLength = 40;

    /// <summary>The longest value of a page context entry, in characters.</summary>
    public const int MaxContextValueLength = 200;
}
