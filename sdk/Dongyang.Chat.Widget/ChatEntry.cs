using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Widget;

/// <summary>One line of the conversation as the component shows it.</summary>
internal sealed class ChatEntry
{
    public required string Key { get; init; }

    public required EntryKind Kind { get; init; }

    public string Text { get; set; } = "";

    public string? ClientMessageId { get; init; }

    public EntryStatus Status { get; set; }

    public Guid? MessageId { get; set; }

    public IReadOnlyList<Citation> Citations { get; set; } = [];

    public IReadOnlyList<string> Suggestions { get; set; } = [];

    /// <summary>The server offers a human counsellor with this answer: it shows a "상담원 연결" button.</summary>
    public bool OffersHandoff { get; set; }

    /// <summary>
    /// How the browser brings this entry into view when it first appears: <c>bottom</c> for the customer's own question
    /// (the view follows again), <c>nearest</c> for what they just asked for; <see langword="null"/> for the rest, which
    /// is followed only while the customer reads at the bottom.
    /// </summary>
    public string? Reveal { get; init; }

    public int? Rating { get; set; }

    public bool CommentOpen { get; set; }

    public string Comment { get; set; } = "";

    public bool FeedbackSent { get; set; }
}

internal enum EntryKind
{
    User,
    Assistant,
    Notice,

    /// <summary>A human counsellor's reply, pushed by the server after a handoff.</summary>
    Counsellor,
}

internal enum EntryStatus
{
    Done,
    Queued,
    Streaming,
    Failed,
}
