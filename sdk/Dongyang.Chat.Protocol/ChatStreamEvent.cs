using System.Text.Json.Serialization;

namespace Dongyang.Chat.Protocol;

/// <summary>
/// One event of a streamed answer. A stream carries <see cref="AcceptedEvent"/>, then any number of
/// <see cref="DeltaEvent"/>s, then <see cref="CitationsEvent"/>, then <see cref="CompletedEvent"/>;
/// or an <see cref="ErrorEvent"/> that ends it early.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AcceptedEvent), "accepted")]
[JsonDerivedType(typeof(DeltaEvent), "delta")]
[JsonDerivedType(typeof(CitationsEvent), "citations")]
[JsonDerivedType(typeof(CompletedEvent), "completed")]
[JsonDerivedType(typeof(ErrorEvent), "error")]
public abstract record ChatStreamEvent;

/// <summary>The question is stored; the answer follows.</summary>
/// <param name="ConversationId">The conversation the question was stored in.</param>
/// <param name="UserMessageId">The id of the stored question.</param>
public sealed record AcceptedEvent(Guid ConversationId, Guid UserMessageId) : ChatStreamEvent;

/// <summary>The next piece of answer text.</summary>
/// <param name="Text">Text to append to the answer shown so far.</param>
public sealed record DeltaEvent(string Text) : ChatStreamEvent;

/// <summary>The sources the answer cites.</summary>
/// <param name="Citations">The cited passages, numbered as in the answer text.</param>
public sealed record CitationsEvent(IReadOnlyList<Citation> Citations) : ChatStreamEvent;

/// <summary>The answer is complete and stored.</summary>
/// <param name="ConversationId">The conversation the answer belongs to.</param>
/// <param name="MessageId">The id of the stored answer message.</param>
/// <param name="Grounded"><see langword="true"/> when the answer comes from the knowledge base.</param>
/// <param name="Suggestions">Follow-up questions the customer may ask next.</param>
public sealed record CompletedEvent(Guid ConversationId, Guid MessageId, bool Grounded, IReadOnlyList<string> Suggestions) : ChatStreamEvent
{
    /// <summary>
    /// <see langword="true"/> when the answer offers a human counsellor (the customer asked for one, or the bot could
    /// not answer): a client shows a "상담원 연결" action with it, which calls <see cref="ChatEndpoints.HandoffMethod"/>.
    /// </summary>
    public bool OffersHandoff { get; init; }
}

/// <summary>The answer could not be produced. The message is meant for the customer.</summary>
/// <param name="Code">A stable machine-readable code, such as <c>rate_limited</c> or <c>invalid_request</c>.</param>
/// <param name="Message">A customer-facing explanation, in the customer's language.</param>
/// <remarks>
/// A question the server refused or could not answer arrives as this event, never as an exception: see
/// <see cref="ChatErrorCodes"/> for the codes.
/// </remarks>
public sealed record ErrorEvent(string Code, string Message) : ChatStreamEvent
{
    /// <summary>
    /// For <see cref="ChatErrorCodes.RateLimited"/> and <see cref="ChatErrorCodes.StorageUnavailable"/>: whole seconds
    /// after which asking again can succeed; otherwise <see langword="null"/>.
    /// </summary>
    public int? RetryAfterSeconds { get; init; }
}
