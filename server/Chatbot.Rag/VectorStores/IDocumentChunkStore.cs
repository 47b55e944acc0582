using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// Document-level operations a chunk store offers on top of <c>VectorStoreCollection</c>, so ingestion can be
/// incremental and a document's chunks are replaced atomically. The embedded store implements it; a pgvector store
/// implements it with a transaction.
/// </summary>
public interface IDocumentChunkStore
{
    /// <summary>Every stored document id with the content hash its chunks were built from.</summary>
    Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces all chunks of a document with <paramref name="chunks"/> in one atomic step: either the new chunks are
    /// stored and the old ones gone, or nothing changed.
    /// </summary>
    Task ReplaceDocumentAsync(string documentId, IReadOnlyCollection<IngestedChunk> chunks, CancellationToken cancellationToken = default);

    /// <summary>Deletes all chunks of a document; a no-op for an unknown id.</summary>
    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>The chunks of one document ordered by ordinal, without vectors.</summary>
    Task<IReadOnlyList<IngestedChunk>> GetDocumentChunksAsync(string documentId, CancellationToken cancellationToken = default);
}
