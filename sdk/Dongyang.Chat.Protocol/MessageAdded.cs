namespace Dongyang.Chat.Protocol;

/// <summary>
/// A message was stored in a conversation the connection watches (<see cref="ChatEndpoints.MessageAddedMethod"/>).
/// </summary>
/// <param name="ConversationId">The conversation the message belongs to.</param>
/// <param name="MessageId">The stored message's id; the same id appears in the history, so clients de-duplicate by it.</param>
/// <param name="Role">Who wrote it: <see cref="MessageRoles.User"/>, <see cref="MessageRoles.Assistant"/> or <see cref="MessageRoles.Counsellor"/>.</param>
/// <param name="Text">The text, with personal data masked.</param>
/// <param name="Citations">For answers: the cited sources; otherwise empty.</param>
/// <param name="CreatedAt">When the message was stored.</param>
/// <param name="ClientMessageId">The id the client gave a question, if any.</param>
/// <param name="Grounded">For answers: whether the answer comes from the knowledge base.</param>
public sealed record MessageAdded(
    Guid ConversationId,
    Guid MessageId,
    string Role,
    string Text,
    IReadOnlyList<Citation> Citations,
    DateTimeOffset CreatedAt,
    string? ClientMessageId = null,
    bool? Grounded = null)
{
    /// <summary>For answers: whether the answer offers a human counsellor, as <see cref="CompletedEvent.OffersHandoff"/>.</summary>
    public bool OffersHandoff { get; init; }
}

/// <summary>The roles a stored message has, in <see cref="ChatMessage.Role"/> and <see cref="MessageAdded.Role"/>.</summary>
public static class MessageRoles
{
    /// <summary>The customer's question.</summary>
    public const string User = "user";

    /// <summary>The chatbot's answer.</summary>
    public const string Assistant = "assistant";

    /// <summary>A human counsellor's reply, after the customer asked for one.</summary>
    public const string Counsellor = "counsellor";
}
