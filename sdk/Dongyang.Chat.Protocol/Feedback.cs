namespace Dongyang.Chat.Protocol;

/// <summary>A customer's rating of one answer, with an optional comment.</summary>
/// <param name="MessageId">The id of the rated answer, as given by <see cref="CompletedEvent.MessageId"/>.</param>
/// <param name="Rating"><c>1</c> for helpful, <c>-1</c> for not helpful.</param>
/// <param name="Comment">An optional comment, at most <see cref="FeedbackLimits.MaxCommentLength"/> characters.</param>
public sealed record FeedbackRequest(Guid MessageId, int Rating, string? Comment = null);

/// <summary>Limits of <see cref="FeedbackRequest"/>.</summary>
public static class FeedbackLimits
{
    /// <summary>The longest accepted feedback comment, in characters.</summary>
    public const int MaxCommentLength = 1000;
}

/// <summary>A customer's request to talk to a human counsellor.</summary>
/// <param name="ConversationId">The conversation the request comes from, if any.</param>
public sealed record HandoffRequest(Guid? ConversationId)
{
    /// <summary><c>ko</c> (default) or <c>en</c>: the language <see cref="HandoffResponse.Hours"/> is written in.</summary>
    public string? Language { get; init; }
}

/// <summary>Where and when the customer reaches a counsellor; the request is recorded.</summary>
/// <param name="RequestId">The id of the recorded handoff request.</param>
/// <param name="Phone">The counsellor line.</param>
/// <param name="Hours">The counsellor line's opening hours.</param>
public sealed record HandoffResponse(Guid RequestId, string Phone, string Hours);

/// <summary>A request for a human counsellor recorded in a conversation, as its history shows it.</summary>
/// <param name="RequestId">The id of the recorded request.</param>
/// <param name="CreatedAt">When the customer asked.</param>
/// <param name="Phone">The counsellor line, as configured now.</param>
/// <param name="Hours">The counsellor line's opening hours, in Korean.</param>
public sealed record HandoffNotice(Guid RequestId, DateTimeOffset CreatedAt, string Phone, string Hours);
