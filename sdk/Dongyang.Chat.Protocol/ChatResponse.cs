namespace Dongyang.Chat.Protocol;

/// <summary>A complete answer, as returned by <c>POST /api/chat</c>.</summary>
/// <param name="ConversationId">The conversation the exchange belongs to.</param>
/// <param name="MessageId">The id of the stored answer message.</param>
/// <param name="Answer">The answer text, with inline citation markers such as [1].</param>
/// <param name="Grounded">
/// <see langword="true"/> when the answer comes from the knowledge base; <see langword="false"/> when the bot declined.
/// </param>
/// <param name="Citations">The sources the answer cites.</param>
/// <param name="Suggestions">Follow-up questions the customer may ask next.</param>
public sealed record ChatResponse(
    Guid ConversationId,
    Guid MessageId,
    string Answer,
    bool Grounded,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> Suggestions)
{
    /// <summary><see langword="true"/> when the answer offers a human counsellor, as <see cref="CompletedEvent.OffersHandoff"/>.</summary>
    public bool OffersHandoff { get; init; }
}
