namespace Chatbot.Data.Entities;

public sealed class Conversation
{
    public Guid Id { get; set; }

    /// <summary>The partner site's public key the conversation started on, once site keys exist.</summary>
    public string? SiteKey { get; set; }

    /// <summary>
    /// A verified customer (identity hash checked), so their history follows them across devices: not the partner's id
    /// itself but its keyed hash (Chatbot.Privacy's UserIdHasher), which only the Api's secret can reproduce.
    /// </summary>
    public string? UserId { get; set; }

    /// <summary>
    /// What the partner page last said about where the customer is (page, product …) as a JSON object of strings,
    /// personal data masked, for the counsellor who takes the conversation over.
    /// </summary>
    public string? ContextJson { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public List<Message> Messages { get; } = [];
}
