using Chatbot.CounsellorConsole.Analytics;
using Chatbot.Rag.Text;

namespace Chatbot.Api.CounsellorConsole;

/// <summary>A question text as stored, and how often an answer to it was declined.</summary>
internal sealed record DeclinedQuestionText(string Text, long Count);

/// <summary>
/// Groups declined questions that say the same thing: first by the retrieval normaliser's key (punctuation, particles
/// and question endings dropped, typos and colloquial words rewritten, as <see cref="KoreanText.NormalizeQuery"/> does
/// for search), then groups whose topic tokens mostly overlap are merged, so "보험금 청구 어떻게 해요?" and
/// "보험금을 청구하려면 어떻게 하나요" count as one gap in the knowledge base.
/// </summary>
internal static class DeclinedQuestionGroups
{
    /// <summary>Two groups merge when their token sets share at least this share of their union (Jaccard).</summary>
    public const double MergeSimilarity = 0.75;

    private const int MaxOtherWordings = 3;

    public static IReadOnlyList<DeclinedQuestionGroup> Group(IEnumerable<DeclinedQuestionText> texts, int count)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var byKey = texts
            .Where(t => !string.IsNullOrWhiteSpace(t.Text))
            .GroupBy(t => Key(t.Text), StringComparer.Ordinal)
            .Select(g => new Draft(g.Key, [.. g]))
            .OrderByDescending(d => d.Total)
            .ThenBy(d => d.Key, StringComparer.Ordinal)
            .ToList();

        var merged = new List<Draft>();
        foreach (var draft in byKey)
        {
            var similar = merged.FirstOrDefault(m => Similarity(m.Tokens, draft.Tokens) >= MergeSimilarity);
            if (similar is null)
            {
                merged.Add(draft);
            }
            else
            {
                similar.Absorb(draft);
            }
        }

        return [.. merged
            .OrderByDescending(m => m.Total)
            .ThenBy(m => m.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(m => m.ToGroup())];
    }

    private static string Key(string text)
    {
        var key = KoreanText.NormalizeQuery(text);
        return key.Length > 0 ? key : KoreanText.Normalize(text);
    }

    private static double Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    private sealed class Draft
    {
        private readonly List<DeclinedQuestionText> _texts;

        public Draft(string key, List<DeclinedQuestionText> texts)
        {
            Key = key;
            _texts = texts;
            Tokens = [.. KoreanText.QueryTokens(key)];
        }

        public string Key { get; }

        public HashSet<string> Tokens { get; }

        public long Total => _texts.Sum(t => t.Count);

        public void Absorb(Draft other) => _texts.AddRange(other._texts);

        public DeclinedQuestionGroup ToGroup()
        {
            // Texts that differ only in surrounding spaces are one wording to the reader.
            var wordings = _texts
                .GroupBy(t => t.Text.Trim(), StringComparer.Ordinal)
                .Select(g => (Text: g.Key, Count: g.Sum(t => t.Count)))
                .OrderByDescending(w => w.Count)
                .ThenBy(w => w.Text, StringComparer.Ordinal)
                .ToList();
            return new DeclinedQuestionGroup(wordings[0].Text, checked((int)Total), [.. wordings.Skip(1).Take(MaxOtherWordings).Select(w => w.Text)]);
        }
    }
}
