namespace Chatbot.Rag.Ingestion;

/// <summary>
/// What text of a chunk each index sees. Every store must use these so embeddings and keyword indexes built by
/// different stores agree with the queries the retriever sends.
/// </summary>
public static class ChunkText
{
    /// <summary>The text embedded for a chunk: title and section give short chunks their context.</summary>
    public static string ForEmbedding(IngestedChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return $"{chunk.DocumentTitle}\n{chunk.Section}\n{chunk.Text}";
    }

    /// <summary>The text tokenised for the keyword index: a FAQ question or article title is part of what a chunk is about.</summary>
    public static string ForLexicalIndex(IngestedChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return $"{chunk.Section}\n{chunk.Text}";
    }
}
