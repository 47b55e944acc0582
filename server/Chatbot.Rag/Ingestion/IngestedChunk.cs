namespace Chatbot.Rag.Ingestion;

/// <summary>One retrievable passage of an ingested document, as stored in a chunk store.</summary>
public sealed record IngestedChunk
{
    public const int VectorDimensions = 384;

    /// <summary>Document id plus chunk ordinal, e.g. <c>claims-procedure#3</c>.</summary>
    public required string Key { get; init; }

    /// <summary>Path of the source relative to the corpus root, without extension, with '/' separators.</summary>
    public required string DocumentId { get; init; }

    public required string DocumentTitle { get; init; }

    /// <summary>terms, faq or guide.</summary>
    public string DocumentType { get; init; } = "";

    /// <summary>The product the document is about, e.g. medical, cancer; common for all products.</summary>
    public string Product { get; init; } = "";

    /// <summary>Article, clause or heading path, e.g. "제3조(보험금의 청구) ②".</summary>
    public string Section { get; init; } = "";

    public int? Page { get; init; }

    public int Ordinal { get; init; }

    public required string Text { get; init; }

    /// <summary>Hash of the whole source document, so unchanged documents are skipped on re-ingestion.</summary>
    public string DocumentHash { get; init; } = "";

    public ReadOnlyMemory<float> Vector { get; init; }
}
