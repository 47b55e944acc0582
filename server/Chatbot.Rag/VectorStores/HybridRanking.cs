using System.Linq.Expressions;
using Chatbot.Rag.Ingestion;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

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

    /// <summary>How many records of each ranking take part in the fusion for a page of <paramref name="skip"/> + <paramref name="top"/>.</summary>
    public static int CandidateWindow(int skip, int top) => Math.Max(MinimumCandidates, checked(skip + top));

    /// <summary>BM25 inverse document frequency of a token found in <paramref name="documentFrequency"/> of <paramref name="count"/> records.</summary>
    public static double InverseDocumentFrequency(int count, int documentFrequency) =>
        Math.Log(1 + ((count - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    /// <summary>
    /// Fuses two rankings (best first, keys unique within each) into fused scores: the sum over rankings of
    /// 1 / (k + rank). Returned best first, ties by key.
    /// </summary>
    public static List<KeyValuePair<string, double>> Fuse(IReadOnlyList<string> vectorRanking, IReadOnlyList<string> keywordRanking)
    {
        ArgumentNullException.ThrowIfNull(vectorRanking);
        ArgumentNullException.ThrowIfNull(keywordRanking);
        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var ranking in new[] { vectorRanking, keywordRanking })
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                fused[ranking[rank]] = fused.GetValueOrDefault(ranking[rank]) + (1.0 / (RrfK + rank + 1));
            }
        }

        return fused
            .OrderByDescending(r => r.Value)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The query vector of a search value: a string is embedded with <paramref name="generator"/>; a vector is used as is.
    /// </summary>
    public static async Task<ReadOnlyMemory<float>> ToVectorAsync<TInput>(
        TInput searchValue,
        IEmbeddingGenerator<string, Embedding<float>> generator,
        int dimensions,
        string storeName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ReadOnlyMemory<float> vector = searchValue switch
        {
            string text => (await generator.GenerateAsync([text], cancellationToken: cancellationToken))[0].Vector,
            ReadOnlyMemory<float> memory => memory,
            float[] array => array,
            Embedding<float> embedding => embedding.Vector,
            null => throw new ArgumentNullException(nameof(searchValue)),
            _ => throw new NotSupportedException(
                $"The {storeName} store searches by string, ReadOnlyMemory<float>, float[] or Embedding<float>, not {typeof(TInput).Name}."),
        };

        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"The search vector has {vector.Length} dimensions; the collection stores {dimensions}.", nameof(searchValue));
        }

        return vector;
    }

    /// <summary>
    /// Checks a hybrid search's arguments the same way in every store and returns its options (defaults when none):
    /// both stores keyword-index only <see cref="IngestedChunk.Text"/> (with the section).
    /// </summary>
    public static HybridSearchOptions<IngestedChunk> CheckHybridSearch(ICollection<string> keywords, int top, HybridSearchOptions<IngestedChunk>? options, string storeName)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new HybridSearchOptions<IngestedChunk>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        if (options.AdditionalProperty is not null && MemberName(options.AdditionalProperty) != nameof(IngestedChunk.Text))
        {
            throw new NotSupportedException($"The {storeName} store keyword-indexes only {nameof(IngestedChunk.Text)}.");
        }

        return options;
    }

    private static string? MemberName(LambdaExpression expression)
    {
        var body = expression.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : expression.Body;
        return (body as MemberExpression)?.Member.Name;
    }
}
