namespace Chatbot.Data.Entities;

/// <summary>A customer's request to talk to a human counsellor ("상담원 연결").</summary>
public sealed class Handoff
{
    public Guid Id { get; set; }

    /// <summary>The conversation the request came from, if the customer had asked anything yet.</summary>
    public Guid? ConversationId { get; set; }

    public Conversation? Conversation { get; set; }

    /// <summary>The partner site's public key the request came from, if known.</summary>
    public string? SiteKey { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}
