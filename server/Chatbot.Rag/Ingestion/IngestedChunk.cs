using Microsoft.Extensions.VectorData;

namespace Chatbot.Rag.Ingestion;

/// <summary>One retrievable passage of an ingested document, as stored in a vector collection.</summary>
public sealed record IngestedChunk
{
    public const string CollectionName = "chunks";
    public const int VectorDimensions = 384;
    public const string VectorDistanceFunction = DistanceFunction.CosineSimilarity;

    /// <summary>Document id plus chunk ordinal, e.g. <c>claims-procedure#3</c>.</summary>
    [VectorStoreKey]
    public required string Key { get; init; }

    /// <summary>Path of the source relative to the corpus root, without extension, with '/' separators.</summary>
    [VectorStoreData(IsIndexed = true)]
    public required string DocumentId { get; init; }

    [VectorStoreData]
    public required string DocumentTitle { get; init; }

    /// <summary>terms, faq or guide.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string DocumentType { get; init; } = "";

    /// <summary>The product the document is about, e.g. medical, cancer; common for all products.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string Product { get; init; } = "";

    /// <summary>Article, clause or heading path, e.g. "제3조(보험금의 청구) ②".</summary>
    [VectorStoreData]
    public string Section { get; init; } = "";

    [VectorStoreData]
    public int? Page { get; init; }

    [VectorStoreData]
    public int Ordinal { get; init; }

    [VectorStoreData(IsFullTextIndexed = true)]
    public required string Text { get; init; }

    /// <summary>Hash of the whole source document, so unchanged documents are skipped on re-ingestion.</summary>
    [VectorStoreData]
    public string DocumentHash { get; init; } = "";

    [VectorStoreVector(VectorDimensions, DistanceFunction = VectorDistanceFunction)]
    public ReadOnlyMemory<float> Vector { get; init; }
}
