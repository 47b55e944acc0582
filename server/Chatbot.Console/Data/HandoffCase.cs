namespace Chatbot.CounsellorConsole.Data;

/// <summary>
/// A counsellor's work on one handoff request: who claimed it, when they first answered, when and how it was resolved.
/// The request itself (and the conversation) stays in the chat database; this row exists once someone claimed it.
/// </summary>
public sealed class HandoffCase
{
    /// <summary>The handoff request's id (the chat database's <c>handoffs.Id</c>).</summary>
    public Guid HandoffId { get; set; }

    public required string ClaimedByUserId { get; set; }

    /// <summary>The counsellor's name as shown then ("상담원" when they gave none).</summary>
    public required string ClaimedByName { get; set; }

    public DateTime ClaimedAtUtc { get; set; }

    /// <summary>When the counsellor's first reply was stored: first-response time is this minus the request's time.</summary>
    public DateTime? FirstResponseAtUtc { get; set; }

    /// <summary>When the request was resolved: resolution time is this minus the request's time.</summary>
    public DateTime? ResolvedAtUtc { get; set; }

    /// <summary>An internal note for colleagues, masked; never shown to the customer.</summary>
    public string? ResolutionNote { get; set; }
}
