namespace Chatbot.Data.Entities;

public sealed class Conversation
{
    public Guid Id { get; set; }

    /// <summary>The partner site's public key the conversation started on, once site keys exist.</summary>
    public string? SiteKey { get; set; }

    /// <summary>The partner's id of a verified customer (identity hash checked), so their history follows them across devices.</summary>
    public string? UserId { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public List<Message> Messages { get; } = [];
}
