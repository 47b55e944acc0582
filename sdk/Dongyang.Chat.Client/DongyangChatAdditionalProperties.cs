namespace Dongyang.Chat.Client;

/// <summary>
/// The keys under which the <see cref="Microsoft.Extensions.AI.IChatClient"/> from
/// <see cref="DongyangChatExtensions.AsIChatClient"/> puts what Microsoft.Extensions.AI has no property for, in the
/// <c>AdditionalProperties</c> of a <see cref="Microsoft.Extensions.AI.ChatResponse"/> and of the last
/// <see cref="Microsoft.Extensions.AI.ChatResponseUpdate"/> of a stream.
/// </summary>
public static class DongyangChatAdditionalProperties
{
    /// <summary>A <see cref="bool"/>: <see langword="true"/> when the answer comes from the knowledge base.</summary>
    public const string Grounded = "dongyang.grounded";

    /// <summary>An <see cref="IReadOnlyList{T}"/> of <see cref="string"/>: follow-up questions the customer may ask next.</summary>
    public const string Suggestions = "dongyang.suggestions";

    /// <summary>A <see cref="bool"/>: <see langword="true"/> when the answer offers a human counsellor.</summary>
    public const string OffersHandoff = "dongyang.offersHandoff";

    /// <summary>
    /// An <see cref="IReadOnlyList{T}"/> of <see cref="Protocol.Citation"/>: the cited passages as the server sent them
    /// (the same passages are <see cref="Microsoft.Extensions.AI.CitationAnnotation"/>s on the text).
    /// </summary>
    public const string Citations = "dongyang.citations";

    /// <summary>
    /// A <see cref="bool"/>, <see langword="true"/> on a streamed update with no text: the answer was asked again after a
    /// reconnect and differs from the text streamed so far (<see cref="AnswerRestartedEvent"/>). Discard the text shown so
    /// far; the updates that follow carry the answer from its start.
    /// </summary>
    public const string AnswerRestarted = "dongyang.answerRestarted";
}
