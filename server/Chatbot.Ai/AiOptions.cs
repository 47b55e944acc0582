using System.ComponentModel.DataAnnotations;

namespace Chatbot.Ai;

/// <summary>Settings of the AI service host, bound from the "Ai" section.</summary>
public sealed class AiOptions
{
    public const string SectionName = "Ai";

    public const int MinimumServiceKeyLength = 32;

    /// <summary>
    /// Copied into an empty or missing knowledge folder on first start, so a fresh volume answers from the sample
    /// documents. Relative to the app's base directory; empty to start with no documents.
    /// </summary>
    public string SeedKnowledgePath { get; set; } = "samples/knowledge";

    /// <summary>A pause between streamed deltas, for demos and fault drills (kill the service mid-answer). 0 in production.</summary>
    [Range(0, 5000)]
    public int StreamDelayMilliseconds { get; set; }

    /// <summary>
    /// The shared secret the api sends as <c>Authorization: Bearer &lt;key&gt;</c> on every call but health (in compose,
    /// the <c>ai_service_key</c> secret, read as <c>Ai__ServiceKey</c>). Required outside Development; at least 32
    /// characters.
    /// </summary>
    [MinLength(MinimumServiceKeyLength)]
    public string? ServiceKey { get; set; }

    /// <summary>
    /// The largest document <c>PUT /v1/documents/{path}</c> takes, in bytes; a larger one gets
    /// <c>413 document_too_large</c>. The Api's <c>Limits:MaxUploadBytes</c> should not exceed it.
    /// </summary>
    [Range(1, 1L << 30)]
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The longest question accepted, in characters.</summary>
    [Range(1, 100_000)]
    public int MaxQuestionLength { get; set; } = 4000;
}
