using System.Text.RegularExpressions;
using Chatbot.Rag.Retrieval;

namespace Chatbot.Rag.Answering;

/// <summary>
/// Checks that every figure with a unit in a model's answer (3영업일, 100만원, 95%, 2년, 15세 …) is written in one of
/// its sources. A model that rewrites "3영업일" as "5영업일" cannot take back what it streamed, but the customer is told
/// which figure the documents do not support.
/// </summary>
public static partial class SourceFigures
{
    /// <summary>The figures of <paramref name="answer"/> that appear in none of <paramref name="sources"/>, in order.</summary>
    public static IReadOnlyList<string> Unsupported(string answer, IEnumerable<RetrievedPassage> sources)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(sources);
        var known = new HashSet<string>(
            sources.SelectMany(s => Figure().Matches(Fold(s.Chunk.Text))).Select(m => Canonical(m.Value)),
            StringComparer.Ordinal);
        return Figure().Matches(Fold(answer))
            .Select(m => m.Value.Trim())
            .Where(f => !known.Contains(Canonical(f)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The figures with a unit in <paramref name="text"/>, written canonically ("100만 원" as "100만원").</summary>
    public static IReadOnlySet<string> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Figure().Matches(Fold(text)).Select(m => Canonical(m.Value)).ToHashSet(StringComparer.Ordinal);
    }

    private static string Canonical(string figure) => figure.Replace(" ", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Replace("퍼센트", "%", StringComparison.Ordinal);

    private static string Fold(string text) => string.Concat(text.Select(c => c is >= '０' and <= '９' ? (char)('0' + (c - '０')) : c));

    // A number and its unit; "만 원" and "100만원" alike. Longer units first so "영업일" is not read as "일".
    [GeneratedRegex(@"(?<![\d.,])\d[\d,]*(?:\.\d+)?\s?(?:억\s?원|천만\s?원|백만\s?원|만\s?원|천\s?원|원|%|퍼센트|영업일|개월|년|세|일|주|회|시간)")]
    private static partial Regex Figure();
}
