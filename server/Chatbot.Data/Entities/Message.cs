namespace Chatbot.Data.Entities;

public sealed class Message
{
    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public Conversation? Conversation { get; set; }

    /// <summary>Position within the conversation, starting at 1; unique per conversation, so order survives concurrent writers.</summary>
    public int Sequence { get; set; }

    public MessageRole Role { get; set; }

    /// <summary>The text with personal data already masked.</summary>
    public required string Content { get; set; }

    public MessageStatus Status { get; set; }

    /// <summary>
    /// The client's id for a message; unique within <see cref="ClientMessageScope"/>, so a resend finds the original
    /// instead of asking twice.
    /// </summary>
    public string? ClientMessageId { get; set; }

    /// <summary>
    /// Whose namespace <see cref="ClientMessageId"/> belongs to (a verified customer, an anonymous caller's
    /// conversation or site, a counsellor's conversation): ids are chosen by integrators, so two callers may pick the
    /// same one, and each must still get their own message. Set exactly when <see cref="ClientMessageId"/> is.
    /// </summary>
    public string? ClientMessageScope { get; set; }

    /// <summary>For answers: the question it answers.</summary>
    public Guid? ReplyToId { get; set; }

    public bool? Grounded { get; set; }

    /// <summary>For answers: the citations as JSON, stored with the message so history shows what was shown.</summary>
    public string? CitationsJson { get; set; }

    /// <summary>For answers: the follow-up suggestions as JSON.</summary>
    public string? SuggestionsJson { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

public enum MessageRole
{
    User = 0,
    Assistant = 1,

    /// <summary>A human counsellor's reply after a handoff, posted through the admin API.</summary>
    Counsellor = 2,
}

public enum MessageStatus
{
    Complete = 0,

    /// <summary>The answer stopped before it completed, for example because the client dropped.</summary>
    Interrupted = 1,
}
