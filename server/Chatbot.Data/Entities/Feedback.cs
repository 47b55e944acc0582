namespace Chatbot.Data.Entities;

public sealed class Feedback
{
    public Guid Id { get; set; }

    public Guid MessageId { get; set; }

    public Message? Message { get; set; }

    /// <summary>+1 for helpful, -1 for not helpful.</summary>
    public int Rating { get; set; }

    public string? Comment { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}
