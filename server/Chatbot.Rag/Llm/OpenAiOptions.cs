using System.ComponentModel.DataAnnotations;

namespace Chatbot.Rag.Llm;

/// <summary>
/// Settings of the OpenAI (or OpenAI-compatible) generation and embedding path, bound from "Ai:OpenAI".
/// The path is used when <see cref="ApiKey"/> (or the <c>OPENAI_API_KEY</c> environment variable) or
/// <see cref="BaseUrl"/> is set; otherwise the engine stays fully offline.
/// </summary>
public sealed class OpenAiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ai:OpenAI";

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The API key. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The base URL of an OpenAI-compatible server (vLLM, Ollama: <c>http://127.0.0.1:11434/v1</c>); empty for OpenAI itself.
    /// A server that needs no key gets a placeholder key.
    /// </summary>
    [Url]
    public string? BaseUrl { get; set; }

    /// <summary>The chat model.</summary>
    [Required]
    public string ChatModel { get; set; } = "gpt-4o-mini";

    /// <summary>The embedding model; empty keeps the offline hashing embeddings while generation uses the model.</summary>
    public string? EmbeddingModel { get; set; } = "text-embedding-3-small";

    /// <summary>
    /// The embedding size requested from the model (the <c>dimensions</c> parameter of text-embedding-3). It must be
    /// the index's size, <see cref="Ingestion.IngestedChunk.VectorDimensions"/>; a model that cannot shorten its
    /// vectors to it is rejected with a clear error on first use.
    /// </summary>
    [Range(Ingestion.IngestedChunk.VectorDimensions, Ingestion.IngestedChunk.VectorDimensions)]
    public int EmbeddingDimensions { get; set; } = Ingestion.IngestedChunk.VectorDimensions;

    /// <summary>How long to wait for the first token before answering extractively instead.</summary>
    [Range(1, 300)]
    public double FirstTokenTimeoutSeconds { get; set; } = 20;

    /// <summary>How long the stream may stay silent between tokens before the answer is completed extractively.</summary>
    [Range(1, 300)]
    public double StreamIdleTimeoutSeconds { get; set; } = 20;

    /// <summary>Retries of a failed request inside the first-token window.</summary>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 1;

    /// <summary>Sampling temperature; low, because answers restate documents.</summary>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 0.1f;

    /// <summary>The longest answer, in tokens.</summary>
    [Range(64, 8192)]
    public int MaxOutputTokens { get; set; } = 900;

    /// <summary>True when the OpenAI path is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey) || !string.IsNullOrWhiteSpace(BaseUrl);

    /// <summary>True when embeddings come from the model too.</summary>
    public bool UsesModelEmbeddings => IsConfigured && !string.IsNullOrWhiteSpace(EmbeddingModel);
}
