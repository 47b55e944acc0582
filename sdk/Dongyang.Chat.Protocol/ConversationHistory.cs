namespace Dongyang.Chat.Protocol;

/// <summary>The stored messages of one conversation, oldest first.</summary>
/// <param name="ConversationId">The conversation's id.</param>
/// <param name="Messages">The messages, oldest first.</param>
public sealed record ConversationHistory(Guid ConversationId, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>The customer's requests for a counsellor in this conversation, oldest first; place them by <see cref="HandoffNotice.CreatedAt"/>.</summary>
    public IReadOnlyList<HandoffNotice> Handoffs { get; init; } = [];

    /// <summary>The page context last sent with a question (<see cref="ChatRequest.Context"/>), masked; <see langword="null"/> when none was.</summary>
    public IReadOnlyDictionary<string, string>? Context { get; init; }
}

/// <summary>One stored message.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Role"><c>user</c>, <c>assistant</c> or <c>counsellor</c> (see <see cref="MessageRoles"/>).</param>
/// <param name="Content">The text, with personal data masked.</param>
/// <param name="CreatedAt">When the message was stored.</param>
/// <param name="ClientMessageId">The id the client gave a question, if any.</param>
/// <param name="Grounded">For answers: whether the answer comes from the knowledge base.</param>
/// <param name="Citations">For answers: the cited sources.</param>
public sealed record ChatMessage(
    Guid Id,
    string Role,
    string Content,
    DateTimeOffset CreatedAt,
    string? ClientMessageId,
    bool? Grounded,
    IReadOnlyList<Citation> Citations)
{
    /// <summary>For answers: whether the answer offered a human counsellor, as <see cref="CompletedEvent.OffersHandoff"/>.</summary>
    public bool OffersHandoff { get; init; }

    /// <summary>For answers: the customer's rating (<c>1</c> helpful, <c>-1</c> not), or <see langword="null"/> when not rated.</summary>
    public int? Rating { get; init; }
}
