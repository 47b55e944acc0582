using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>A whole answer, as <see cref="DongyangChatExtensions.AskForAnswerAsync"/> returns it.</summary>
/// <param name="Text">The answer text, with its <c>[n]</c> citation markers.</param>
/// <param name="Citations">The cited passages, numbered as in <paramref name="Text"/>.</param>
/// <param name="Grounded"><see langword="true"/> when the answer comes from the knowledge base.</param>
/// <param name="Suggestions">Follow-up questions the customer may ask next.</param>
/// <param name="OffersHandoff"><see langword="true"/> when the answer offers a human counsellor.</param>
/// <param name="ConversationId">The conversation the answer belongs to.</param>
/// <param name="MessageId">The id of the stored answer message.</param>
public sealed record ChatAnswer(
    string Text,
    IReadOnlyList<Citation> Citations,
    bool Grounded,
    IReadOnlyList<string> Suggestions,
    bool OffersHandoff,
    Guid ConversationId,
    Guid MessageId);
