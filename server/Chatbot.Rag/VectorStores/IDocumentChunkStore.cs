using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.VectorStores;

/// <summary>A chunk found by hybrid search, with its vector, and its reciprocal-rank-fusion score.</summary>
/// <param name="Chunk">The stored chunk, vector included.</param>
/// <param name="Score">The fused score: the sum over the vector and keyword rankings of 1 / (k + rank).</param>
public sealed record ChunkMatch(IngestedChunk Chunk, double Score);

/// <summary>The chunks of one document, replaced together.</summary>
/// <param name="DocumentId">The document; every chunk must belong to it.</param>
/// <param name="Chunks">Its new chunks; none removes the document.</param>
public sealed record DocumentChunks(string DocumentId, IReadOnlyCollection<IngestedChunk> Chunks);

/// <summary>
/// The chunk store contract the product uses: hybrid search, keyword statistics, and document-level writes so that
/// ingestion is incremental and a document's chunks are replaced atomically. <see cref="EmbeddedVectorStoreCollection"/>
/// and <see cref="PgVectorCollection"/> implement it and rank alike (<see cref="HybridRanking"/>).
/// </summary>
public interface IDocumentChunkStore
{
    /// <summary>
    /// The <paramref name="top"/> chunks best by reciprocal rank fusion of the cosine ranking of
    /// <paramref name="queryVector"/> and the BM25 ranking of the Korean tokens of <paramref name="keywords"/>, best
    /// first, ties by key in ordinal order. An empty store returns nothing.
    /// </summary>
    Task<IReadOnlyList<ChunkMatch>> HybridSearchAsync(
        ReadOnlyMemory<float> queryVector,
        IReadOnlyCollection<string> keywords,
        int top,
        CancellationToken cancellationToken = default);

    /// <summary>The corpus statistics of the keyword index, as of now.</summary>
    ValueTask<IKeywordStatistics> GetKeywordStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every stored document id with the content hash its chunks were built from.</summary>
    Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces all chunks of each document with its new chunks in one atomic step: either every document of the
    /// call is replaced, or nothing changed.
    /// </summary>
    Task ReplaceDocumentsAsync(IReadOnlyList<DocumentChunks> documents, CancellationToken cancellationToken = default);

    /// <summary>Deletes all chunks of a document; a no-op for an unknown id.</summary>
    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>The chunks of one document ordered by ordinal, without vectors.</summary>
    Task<IReadOnlyList<IngestedChunk>> GetDocumentChunksAsync(string documentId, CancellationToken cancellationToken = default);
}

/// <summary>Single-document writes on any <see cref="IDocumentChunkStore"/>.</summary>
public static class DocumentChunkStoreExtensions
{
    /// <summary>Replaces all chunks of one document atomically.</summary>
    public static Task ReplaceDocumentAsync(this IDocumentChunkStore store, string documentId, IReadOnlyCollection<IngestedChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ReplaceDocumentsAsync([new DocumentChunks(documentId, chunks)], cancellationToken);
    }
}
