namespace Chatbot.Rag.VectorStores;

/// <summary>
/// Corpus statistics of a store's keyword index, so relevance can weigh a rare term like 면책 above one that is in
/// every chunk like 보험. Read from <see cref="IDocumentChunkStore.GetKeywordStatisticsAsync"/>; lookups are in memory.
/// </summary>
public interface IKeywordStatistics
{
    /// <summary>
    /// The BM25 inverse document frequency of a <see cref="Text.KoreanText.Tokenize"/> token; a token no chunk
    /// contains gets the highest value.
    /// </summary>
    double InverseDocumentFrequency(string token);

    /// <summary>How many chunks contain a token.</summary>
    int DocumentFrequency(string token);
}
