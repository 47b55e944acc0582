using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Text;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// The hybrid search rules every chunk store shares, so the embedded store and pgvector rank alike: each of the
/// vector and keyword rankings contributes its first <see cref="CandidateWindow"/> records, and the two are fused by
/// reciprocal rank fusion, ties broken by key in ordinal order.
/// </summary>
public static class HybridRanking
{
    /// <summary>The constant k of reciprocal rank fusion.</summary>
    public const int RrfK = 60;

    /// <summary>BM25 term-frequency saturation.</summary>
    public const double Bm25K1 = 1.2;

    /// <summary>BM25 length normalisation.</summary>
    public const double Bm25B = 0.75;

    /// <summary>
    /// The fewest candidates each ranking contributes. An index-backed store cannot rank a whole large collection
    /// per query; beyond 200 places a record's fused contribution (below 1/260) no longer changes a top-k result
    /// of a few dozen, so both stores cut each ranking here.
    /// </summary>
    public const int MinimumCandidates = 200;

    /// <summary>How many records of each ranking take part in the fusion for a result of <paramref name="top"/>.</summary>
    public static int CandidateWindow(int top) => Math.Max(MinimumCandidates, top);

    /// <summary>BM25 inverse document frequency of a token found in <paramref name="documentFrequency"/> of <paramref name="count"/> records.</summary>
    public static double InverseDocumentFrequency(int count, int documentFrequency) =>
        Math.Log(1 + ((count - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    /// <summary>One token's BM25 contribution to a record of <paramref name="length"/> tokens that holds it <paramref name="termFrequency"/> times.</summary>
    public static double Bm25(double inverseDocumentFrequency, int termFrequency, int length, double averageLength) =>
        inverseDocumentFrequency * (termFrequency * (Bm25K1 + 1))
        / (termFrequency + (Bm25K1 * (1 - Bm25B + (Bm25B * length / Math.Max(averageLength, 1)))));

    /// <summary>The distinct keyword-index tokens of a search's keywords, in order of first occurrence.</summary>
    public static List<string> KeywordTokens(IEnumerable<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        return keywords.SelectMany(KoreanText.Tokenize).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The keyword-index tokens of a chunk: its section and text.</summary>
    public static IReadOnlyList<string> IndexTokens(IngestedChunk chunk) => KoreanText.Tokenize(ChunkText.ForLexicalIndex(chunk));

    /// <summary>Checks a hybrid search's arguments the same way in every store.</summary>
    public static void CheckSearch(ReadOnlyMemory<float> queryVector, IReadOnlyCollection<string> keywords, int top, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (queryVector.Length != dimensions)
        {
            throw new ArgumentException($"The search vector has {queryVector.Length} dimensions; the store holds {dimensions}.", nameof(queryVector));
        }
    }

    /// <summary>Checks a replacement the same way in every store: each chunk belongs to its document and has a vector of the store's size (or none).</summary>
    public static void CheckReplacement(IReadOnlyList<DocumentChunks> documents, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var document in documents)
        {
            ArgumentNullException.ThrowIfNull(document);
            ArgumentNullException.ThrowIfNull(document.DocumentId);
            ArgumentNullException.ThrowIfNull(document.Chunks);
            foreach (var chunk in document.Chunks)
            {
                ArgumentNullException.ThrowIfNull(chunk);
                ArgumentException.ThrowIfNullOrEmpty(chunk.Key, nameof(documents));
                if (chunk.DocumentId != document.DocumentId)
                {
                    throw new ArgumentException($"Every chunk must belong to document '{document.DocumentId}'; '{chunk.Key}' does not.", nameof(documents));
                }

                if (!chunk.Vector.IsEmpty && chunk.Vector.Length != dimensions)
                {
                    throw new ArgumentException(
                        $"Record '{chunk.Key}' has a {chunk.Vector.Length}-dimensional vector; the store holds {dimensions}.",
                        nameof(documents));
                }
            }
        }

        var keys = documents.SelectMany(d => d.Chunks).Select(c => c.Key);
        if (keys.Count() != keys.Distinct(StringComparer.Ordinal).Count() || documents.Select(d => d.DocumentId).Distinct(StringComparer.Ordinal).Count() != documents.Count)
        {
            throw new ArgumentException("A replacement names a document or a chunk key twice.", nameof(documents));
        }
    }

    /// <summary>
    /// Fuses two rankings (best first, keys unique within each) into fused scores: the sum over rankings of
    /// 1 / (k + rank). Returned best first, ties by key.
    /// </summary>
    public static List<KeyValuePair<string, double>> Fuse(IReadOnlyList<string> vectorRanking, IReadOnlyList<string> keywordRanking)
    {
        ArgumentNullException.ThrowIfNull(vectorRanking);
        ArgumentNullException.ThrowIfNull(keywordRanking);
        var fused = new Dictionary<string, double>(vectorRanking.Count + keywordRanking.Count, StringComparer.Ordinal);
        foreach (var ranking in (ReadOnlySpan<IReadOnlyList<string>>)[vectorRanking, keywordRanking])
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                fused[ranking[rank]] = fused.GetValueOrDefault(ranking[rank]) + (1.0 / (RrfK + rank + 1));
            }
        }

        var ordered = new List<KeyValuePair<string, double>>(fused);
        ordered.Sort(BestFirst);
        return ordered;
    }

    // Keys are unique, so this is a total order and the unstable sort gives one answer.
    private static int BestFirst(KeyValuePair<string, double> x, KeyValuePair<string, double> y)
    {
        var byScore = y.Value.CompareTo(x.Value);
        return byScore != 0 ? byScore : string.CompareOrdinal(x.Key, y.Key);
    }
}

/// <summary>Keyword statistics read once: chunk count, average length and each token's document frequency.</summary>
internal sealed class KeywordStatistics(int count, double averageLength, IReadOnlyDictionary<string, int> documentFrequencies) : IKeywordStatistics
{
    public static readonly KeywordStatistics Empty = new(0, 0, new Dictionary<string, int>());

    public int Count { get; } = count;

    public double AverageLength { get; } = averageLength;

    public int Terms => documentFrequencies.Count;

    public int DocumentFrequency(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return documentFrequencies.GetValueOrDefault(token);
    }

    public double InverseDocumentFrequency(string token) => HybridRanking.InverseDocumentFrequency(Count, DocumentFrequency(token));
}
