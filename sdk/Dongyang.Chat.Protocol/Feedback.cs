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
public sealed record HandoffRequest(Guid? ConversationId);

/// <summary>Where and when the customer reaches a counsellor; the request is recorded.</summary>
/// <param name="RequestId">The id of the recorded handoff request.</param>
/// <param name="Phone">The counsellor line.</param>
/// <param name="Hours">The counsellor line's opening hours.</param>
public sealed record HandoffResponse(Guid RequestId, string Phone, string Hours);
