using System.ComponentModel.DataAnnotations;
using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag;

/// <summary>Settings of the RAG engine, bound from the "Rag" configuration section.</summary>
public sealed class RagOptions
{
    public const string SectionName = "Rag";

    /// <summary>The default of <see cref="DataDirectory"/>, so a host can tell "not configured" from a chosen path.</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>The default of <see cref="KnowledgePath"/>.</summary>
    public const string DefaultKnowledgePath = "samples/knowledge";

    /// <summary>
    /// Where the engine keeps its state (the embedded vector index). The host resolves a relative path against its
    /// content root before the engine sees it; the engine resolves any remaining relative path against the process's
    /// working directory.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>
    /// The chunk store: <see cref="VectorStoreKind.Embedded"/> (default) or <see cref="VectorStoreKind.Postgres"/>,
    /// which uses the connection string <c>ConnectionStrings:Chatbot</c>.
    /// </summary>
    public VectorStoreKind VectorStore { get; set; } = VectorStoreKind.Embedded;

    /// <summary>The corpus directory ingested by <see cref="Ingestion.KnowledgeIngestor"/>; relative paths as for <see cref="DataDirectory"/>.</summary>
    [Required]
    public string KnowledgePath { get; set; } = DefaultKnowledgePath;

    /// <summary>Below this retrieval confidence (0–1) the bot declines instead of answering.</summary>
    [Range(0.0, 1.0)]
    public double DeclineThreshold { get; set; } = 0.35;

    /// <summary>
    /// How much a question word the documents never use counts against answering, relative to a word they do use
    /// (0–1). Low, because such a word is mostly the customer's own context ("아들", "작년에"); not zero, because a
    /// question made mostly of such words is about something else.
    /// </summary>
    [Range(0.0, 1.0)]
    public double UnknownWordWeight { get; set; } = 0.3;

    /// <summary>
    /// When at least this share of a question's nouns (context words aside) are words the documents never use, the
    /// question is about something else and is declined (0–1; 1 turns the rule off).
    /// </summary>
    [Range(0.0, 1.0)]
    public double MaxUnknownWordShare { get; set; } = 0.66;

    /// <summary>
    /// With a model configured, the relevance (0–1) retrieval must reach for the model to be asked at all. Low: it only
    /// cuts plain noise; the model decides whether its sources answer (and says so when they do not).
    /// </summary>
    [Range(0.0, 1.0)]
    public double ModelRelevanceFloor { get; set; } = 0.15;

    /// <summary>How many passages retrieval returns.</summary>
    [Range(1, 50)]
    public int RetrievalTop { get; set; } = 8;

    /// <summary>The target maximum chunk length in characters.</summary>
    [Range(100, 4000)]
    public int MaxChunkLength { get; set; } = 600;

    /// <summary>Tables stay whole up to this many characters.</summary>
    [Range(200, 20000)]
    public int HardMaxChunkLength { get; set; } = 2000;

    /// <summary>The most supporting sentences an extractive answer quotes.</summary>
    [Range(1, 8)]
    public int MaxAnswerSentences { get; set; } = 4;
}
