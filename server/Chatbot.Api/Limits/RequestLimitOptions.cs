using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Limits;

/// <summary>Size limits beyond the message length of the protocol, bound from the "Limits" section.</summary>
internal sealed class RequestLimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>Stored messages (questions and answers) a conversation may hold; then the customer starts a new one.</summary>
    [Range(2, 100_000)]
    public int MaxMessagesPerConversation { get; set; } = 200;

    /// <summary>The largest document the admin ingestion upload takes, in bytes.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The largest JSON body of a customer request, in bytes (a 2,000-character question is far below it).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
