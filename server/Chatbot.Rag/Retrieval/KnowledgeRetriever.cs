using System.Diagnostics;
using System.Numerics.Tensors;
using Chatbot.Rag.Diagnostics;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Text;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Retrieval;

/// <summary>A retrieved passage with the signals used to rank it and to decide whether to answer at all.</summary>
/// <param name="Chunk">The stored chunk, with its vector.</param>
/// <param name="FusedScore">The store's score: reciprocal-rank fusion for hybrid search, cosine otherwise.</param>
/// <param name="Similarity">Cosine similarity between the question and the chunk embeddings.</param>
/// <param name="Coverage">Share of the question's topic tokens found in the chunk's title, section or text (0–1).</param>
/// <param name="Relevance">The combined relevance (0–1) compared against <see cref="RagOptions.DeclineThreshold"/>.</param>
public sealed record RetrievedPassage(IngestedChunk Chunk, double FusedScore, double Similarity, double Coverage, double Relevance);

/// <summary>The outcome of retrieval for one question.</summary>
/// <param name="Question">The question as asked.</param>
/// <param name="NormalizedQuery">The question after normalisation, as searched.</param>
/// <param name="QueryTokens">The question's topic tokens.</param>
/// <param name="QueryTokenWeights">The weight (inverse document frequency) of each query token, same order.</param>
/// <param name="QueryVector">The question's embedding.</param>
/// <param name="Passages">The passages, best first.</param>
/// <param name="Confidence">The best passage's relevance; 0 when nothing was found.</param>
/// <param name="IsConfident">
/// Whether <paramref name="Confidence"/> reaches the decline threshold and the question names no topic the documents
/// never mention.
/// </param>
/// <param name="UncoveredTopic">
/// A product, company or topic word of the question that the documents never use ("자동차보험", "펫보험"), if any:
/// the reason the question is declined however well its other words match.
/// </param>
public sealed record RetrievalResult(
    string Question,
    string NormalizedQuery,
    IReadOnlyList<string> QueryTokens,
    IReadOnlyList<double> QueryTokenWeights,
    ReadOnlyMemory<float> QueryVector,
    IReadOnlyList<RetrievedPassage> Passages,
    double Confidence,
    bool IsConfident,
    string? UncoveredTopic = null);

/// <summary>
/// Finds the passages that answer a question: normalises it (particles, spacing, colloquial synonyms), runs a hybrid
/// vector + keyword search, and scores each passage's relevance from lexical coverage of the question's topic tokens
/// and embedding similarity, so the answerer can decline questions the documents do not cover.
/// </summary>
public sealed class KnowledgeRetriever
{
    // Coverage dominates: the hashing embedding sees surface overlap only, so it adds ranking nuance but is a weak
    // "is this on topic" signal by itself.
    private const double CoverageWeight = 0.75;
    private const double SimilarityWeight = 0.25;

    // A passage whose heading (a FAQ question or article title) matches the question is the most direct answer.
    private const double SectionMatchWeight = 0.2;
    private const double FusionWeight = 0.15;

    // How much a native verb or adjective counts against a noun of the same rarity.
    private const double PredicateWeight = 0.5;

    private readonly IDocumentChunkStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddingGenerator;
    private readonly RagOptions _options;
    private readonly ChunkVersionCache<LexicalChunk> _chunks = new(2048);

    /// <param name="store">The chunk store, searched by hybrid search; its keyword statistics weigh rare terms.</param>
    /// <param name="embeddingGenerator">The generator the chunks were embedded with.</param>
    /// <param name="options">Retrieval settings.</param>
    public KnowledgeRetriever(
        IDocumentChunkStore store,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        IOptions<RagOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        _store = store;
        _embeddingGenerator = embeddingGenerator;
        _options = options?.Value ?? new RagOptions();
    }

    /// <summary>The relevance a passage needs for the bot to answer.</summary>
    public double DeclineThreshold => _options.DeclineThreshold;

    /// <summary>Retrieves up to <see cref="RagOptions.RetrievalTop"/> passages for a question.</summary>
    public Task<RetrievalResult> RetrieveAsync(string question, CancellationToken cancellationToken = default) =>
        RetrieveAsync(question, _options.RetrievalTop, cancellationToken);

    /// <summary>Retrieves up to <paramref name="top"/> passages for a question.</summary>
    public async Task<RetrievalResult> RetrieveAsync(string question, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        using var activity = RagTelemetry.Source.StartActivity("rag.retrieve");
        var clock = Stopwatch.StartNew();
        var result = await RankAsync(question, top, cancellationToken);
        RagTelemetry.RecordRetrieval(clock.Elapsed, result.IsConfident);
        if (activity is not null)
        {
            activity.SetTag("rag.passages", result.Passages.Count);
            activity.SetTag("rag.confidence", Math.Round(result.Confidence, 3));
            activity.SetTag("rag.confident", result.IsConfident);
            activity.SetTag("rag.top_document", result.Passages.Count > 0 ? result.Passages[0].Chunk.DocumentId : null);
        }

        return result;
    }

    private async Task<RetrievalResult> RankAsync(string question, int top, CancellationToken cancellationToken)
    {
        var normalized = KoreanText.NormalizeQuery(question);
        var statistics = await _store.GetKeywordStatisticsAsync(cancellationToken);
        var groups = KoreanText.QueryTokenGroups(question, t => statistics.DocumentFrequency(t) > 0);
        var queryTokens = groups.SelectMany(g => g.Tokens).ToList();
        var searchText = normalized.Length > 0 ? normalized : KoreanText.Normalize(question);
        var queryVector = await EmbedAsync(searchText, cancellationToken);
        var weights = WordBalancedWeights(groups, statistics, _options.UnknownWordWeight);
        if (queryTokens.Count == 0 || weights.Sum() <= 0)
        {
            return new RetrievalResult(question, normalized, queryTokens, weights, queryVector, [], 0, false);
        }

        // Fetch more than needed so re-ranking by relevance can promote a passage fusion placed lower.
        var fetch = Math.Max(top * 4, 32);
        var hits = await _store.HybridSearchAsync(queryVector, normalized.Split(' '), fetch, cancellationToken);
        var maxFused = hits.Count == 0 ? 1 : hits.Max(h => h.Score);
        var passages = hits
            .Select(hit =>
            {
                var similarity = Cosine(queryVector.Span, hit.Chunk.Vector.Span);
                var coverage = WeightedCoverage(queryTokens, weights, Lexical(hit.Chunk).Tokens);
                var relevance = Math.Clamp((CoverageWeight * coverage) + (SimilarityWeight * Math.Max(similarity, 0)), 0, 1);
                var rank = relevance
                    + (FusionWeight * (maxFused > 0 ? hit.Score / maxFused : 0))
                    + (SectionMatchWeight * SectionMatch(queryTokens, Lexical(hit.Chunk).HeadingTokens));
                return (Passage: new RetrievedPassage(hit.Chunk, hit.Score, similarity, coverage, relevance), Rank: rank);
            })
            .OrderByDescending(p => p.Rank)
            .ThenBy(p => p.Passage.Chunk.Key, StringComparer.Ordinal)
            .Take(top)
            .Select(p => p.Passage)
            .ToList();

        var confidence = passages.Count == 0 ? 0 : passages.Max(p => p.Relevance);
        var uncoveredTopic = (KoreanText.IsEnglish(question) ? KoreanText.ForeignEnglishCompany(question) : null)
            ?? UncoveredTopic(groups, statistics, hits.Select(h => Lexical(h.Chunk).Unspaced), _options.MaxUnknownWordShare);
        var confident = confidence >= _options.DeclineThreshold && uncoveredTopic is null;
        return new RetrievalResult(question, normalized, queryTokens, weights, queryVector, passages, confidence, confident, uncoveredTopic);
    }

    /// <summary>
    /// Token weights such that each question word weighs as much as its rarest token, shared among its tokens in
    /// proportion to their inverse document frequency. Without this a long compound ("실손의료보험", five bigrams)
    /// would outweigh a short word, and a question about something the documents never mention ("동양생명 주가")
    /// would look covered because the company name alone has several bigrams. A native verb ("들어오", "갚") weighs
    /// half: it shapes the question more than it names the topic.
    /// </summary>
    /// <remarks>
    /// A word the documents never use is coverage the documents cannot have, so it must not sink a question whose
    /// topic they cover ("계약자를 아들로 바꾸고 싶은데 뭐 챙겨가야 돼요?": 아들 and 챙겨 are not the topic). It weighs
    /// <paramref name="unknownWordWeight"/> of a known word; nothing when it is a native verb or a word of the
    /// customer's situation (<see cref="Lexicon.ContextWords"/>). Topic words the documents never use are handled
    /// apart, by <see cref="UncoveredTopic"/>.
    /// </remarks>
    private static List<double> WordBalancedWeights(IReadOnlyList<QueryWordTokens> groups, IKeywordStatistics statistics, double unknownWordWeight)
    {
        var weights = new List<double>();
        foreach (var group in groups)
        {
            var idf = group.Tokens.Select(statistics.InverseDocumentFrequency).ToList();
            var sum = idf.Sum();
            var scale = sum > 0 ? idf.Max() / sum * (group.IsPredicate ? PredicateWeight : 1) : 0;
            if (!group.Tokens.Any(t => statistics.DocumentFrequency(t) > 0))
            {
                scale *= group.IsPredicate || IsContextWord(group.Word) ? 0 : unknownWordWeight;
            }

            weights.AddRange(idf.Select(w => w * scale));
        }

        return weights;
    }

    private static bool IsContextWord(string word) =>
        Lexicon.ContextWords.Contains(word) || Lexicon.ContextWords.Contains(KoreanText.StripParticle(word));

    /// <summary>
    /// Why the documents do not cover the question's topic, whatever its other words match; null when nothing says so.
    /// Three signals, each explainable: a listed product or topic noun (<see cref="Lexicon.TopicNouns"/>) that none of
    /// the passages related to the question contains; a name built on a known suffix (X보험, X생명, X화재, with X of two
    /// syllables or more) that those passages never write ("펫보험", "삼성생명"); or a question in which at least
    /// <paramref name="maxUnknownShare"/> of the nouns are words the documents never use at all ("오늘 서울 날씨").
    /// </summary>
    private static string? UncoveredTopic(IReadOnlyList<QueryWordTokens> groups, IKeywordStatistics statistics, IEnumerable<string> relatedUnspaced, double maxUnknownShare)
    {
        bool Written(string word) => relatedUnspaced.Any(text => text.Contains(word, StringComparison.Ordinal));
        var nouns = 0;
        var unknownNouns = 0;
        foreach (var group in groups.Where(g => !g.IsPredicate))
        {
            var word = group.Word;
            var unknown = !group.Tokens.Any(t => statistics.DocumentFrequency(t) > 0);
            if (IsContextWord(word))
            {
                continue;
            }

            nouns++;
            unknownNouns += unknown ? 1 : 0;
            if (Lexicon.TopicNouns.Contains(word) && !Written(word))
            {
                return word;
            }

            foreach (var suffix in Lexicon.NameSuffixes)
            {
                if (word.Length > suffix.Length && word.EndsWith(suffix, StringComparison.Ordinal))
                {
                    var name = word[..^suffix.Length];
                    if (name.Length >= 2 && !Lexicon.AdnominalEndings.Contains(name[^1]) && !Written(word))
                    {
                        return word;
                    }

                    break;
                }
            }
        }

        return nouns > 0 && unknownNouns >= (maxUnknownShare * nouns) - 1e-9
            ? groups.First(g => !g.Tokens.Any(t => statistics.DocumentFrequency(t) > 0) && !g.IsPredicate && !IsContextWord(g.Word)).Word
            : null;
    }

    private LexicalChunk Lexical(IngestedChunk chunk) => _chunks.GetOrAdd(chunk, LexicalChunk.Read);

    /// <summary>Embeds a text with the configured generator.</summary>
    public async Task<ReadOnlyMemory<float>> EmbedAsync(string text, CancellationToken cancellationToken = default)
    {
        var embeddings = await _embeddingGenerator.GenerateAsync([text], cancellationToken: cancellationToken);
        return embeddings[0].Vector;
    }

    /// <summary>The weighted share of <paramref name="queryTokens"/> that occur in <paramref name="text"/> (0–1).</summary>
    public static double WeightedCoverage(IReadOnlyList<string> queryTokens, IReadOnlyList<double> weights, string text)
    {
        ArgumentNullException.ThrowIfNull(queryTokens);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(text);
        var total = weights.Sum();
        if (queryTokens.Count == 0 || total <= 0)
        {
            return 0;
        }

        return WeightedCoverage(queryTokens, weights, new HashSet<string>(KoreanText.Tokenize(text), StringComparer.Ordinal));
    }

    /// <summary>The weighted share of <paramref name="queryTokens"/> among <paramref name="tokens"/> (0–1).</summary>
    internal static double WeightedCoverage(IReadOnlyList<string> queryTokens, IReadOnlyList<double> weights, HashSet<string> tokens)
    {
        var total = weights.Sum();
        if (queryTokens.Count == 0 || total <= 0)
        {
            return 0;
        }

        double found = 0;
        for (var i = 0; i < queryTokens.Count; i++)
        {
            if (tokens.Contains(queryTokens[i]))
            {
                found += weights[i];
            }
        }

        return found / total;
    }

    /// <summary>Dice overlap between the question's topic tokens and those of the section's last heading (0–1).</summary>
    private static double SectionMatch(List<string> queryTokens, IReadOnlyList<string> headingTokens)
    {
        if (queryTokens.Count == 0 || headingTokens.Count == 0)
        {
            return 0;
        }

        var shared = queryTokens.Count(headingTokens.Contains);
        return 2.0 * shared / (queryTokens.Count + headingTokens.Count);
    }

    /// <summary>Cosine similarity, 0 for empty or mismatched vectors.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length == 0 || a.Length != b.Length)
        {
            return 0;
        }

        var similarity = TensorPrimitives.CosineSimilarity(a, b);
        return float.IsFinite(similarity) ? similarity : 0;
    }
}
