using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.Safety;
using Chatbot.Rag.Text;
using Dongyang.Chat.Protocol;

namespace Chatbot.Rag.Answering;

/// <summary>
/// Turns a model's streamed text into what the customer sees. Inline source markers ([3], [1, 4], [출처 2]) are
/// renumbered in order of first citation, so the answer cites [1], [2], … of the cited subset and every marker has a
/// structured <see cref="Citation"/>; markers naming no source are dropped. The follow-up block
/// (<c>&lt;follow_up&gt;</c> … <c>&lt;/follow_up&gt;</c>) is cut from the text and parsed into suggestions.
/// Text that may be the start of a marker or of the block is held back until it is decided, so nothing is ever
/// retracted.
/// </summary>
public sealed partial class CitedAnswerWriter
{
    /// <summary>The line that opens the follow-up block in the model's answer.</summary>
    public const string FollowUpOpen = "<follow_up>";

    /// <summary>The line that closes the follow-up block.</summary>
    public const string FollowUpClose = "</follow_up>";

    private const int LongestMarker = 24;
    private const int SnippetLength = 300;

    private readonly IReadOnlyList<RetrievedPassage> _sources;
    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _followUp = new();
    private readonly List<CitedPassage> _cited = [];
    private readonly List<int> _unknownNumbers = [];
    private bool _inFollowUp;

    /// <param name="sources">The sources as numbered in the prompt: <c>sources[0]</c> is [1].</param>
    public CitedAnswerWriter(IReadOnlyList<RetrievedPassage> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources;
    }

    /// <summary>The text given out so far.</summary>
    public string Text => _output.ToString();

    /// <summary>Source numbers the model cited that were not among its sources (dropped from the text).</summary>
    public IReadOnlyList<int> UnknownSourceNumbers => _unknownNumbers;

    /// <summary>The passages the text cites, in citation order.</summary>
    public IReadOnlyList<RetrievedPassage> CitedPassages => _cited.Select(c => c.Passage).ToList();

    /// <summary>How many sources the text cites.</summary>
    public int CitedCount => _cited.Count;

    /// <summary>The cited sources, numbered as in the text.</summary>
    public IReadOnlyList<Citation> Citations => _cited
        .Select((c, i) => new Citation(
            i + 1,
            c.Passage.Chunk.DocumentId,
            c.Passage.Chunk.DocumentTitle,
            string.IsNullOrEmpty(c.Passage.Chunk.Section) ? null : c.Passage.Chunk.Section,
            c.Passage.Chunk.Page,
            SupportingSnippet(c.Passage.Chunk.Text, c.Claims)))
        .ToList();

    /// <summary>The follow-up questions of the model's block, at most three.</summary>
    public IReadOnlyList<string> Suggestions
    {
        get
        {
            var block = _followUp.ToString();
            var close = block.IndexOf(FollowUpClose, StringComparison.OrdinalIgnoreCase);
            if (close >= 0)
            {
                block = block[..close];
            }

            return block.Split('\n')
                .Select(line => Marker().Replace(Bullet().Replace(line, ""), "").Trim())
                .Where(line => line.Length is > 1 and <= 150 && !PromptInjectionDetector.IsInjection(line))
                .Distinct(StringComparer.Ordinal)
                .Take(3)
                .ToList();
        }
    }

    /// <summary>Takes the next piece of model text; returns what can be shown now (possibly empty).</summary>
    public string Feed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_inFollowUp)
        {
            _followUp.Append(text);
            return "";
        }

        _pending.Append(text);
        var pending = _pending.ToString();
        var open = pending.IndexOf(FollowUpOpen, StringComparison.OrdinalIgnoreCase);
        if (open >= 0)
        {
            _inFollowUp = true;
            _followUp.Append(pending, open + FollowUpOpen.Length, pending.Length - open - FollowUpOpen.Length);
            _pending.Clear();
            return Emit(pending[..open].TrimEnd());
        }

        var hold = HoldFrom(pending);
        _pending.Clear().Append(pending, hold, pending.Length - hold);
        return Emit(pending[..hold]);
    }

    /// <summary>The model is done: returns the held-back text.</summary>
    public string Complete()
    {
        var rest = _pending.ToString().TrimEnd();
        _pending.Clear();
        return _inFollowUp ? "" : Emit(rest);
    }

    /// <summary>
    /// Adds text that is already numbered for the customer (such as the extractive fallback's), after mapping its
    /// markers through <paramref name="passageOfMarker"/> onto this answer's numbering.
    /// </summary>
    public string AppendNumbered(string text, IReadOnlyDictionary<int, RetrievedPassage> passageOfMarker)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(passageOfMarker);
        var result = Rewrite(text, n => passageOfMarker.GetValueOrDefault(n));
        _output.Append(result);
        return result;
    }

    /// <summary>Adds fixed text (a notice, the disclaimer) as is.</summary>
    public string AppendPlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _output.Append(text);
        return text;
    }

    private string Emit(string text)
    {
        if (text.Length == 0)
        {
            return "";
        }

        var result = Rewrite(text, n => n >= 1 && n <= _sources.Count ? _sources[n - 1] : null);
        _output.Append(result);
        return result;
    }

    private string Rewrite(string text, Func<int, RetrievedPassage?> passageOf)
    {
        var result = new StringBuilder(text.Length);
        var position = 0;
        foreach (Match match in Marker().Matches(text))
        {
            result.Append(text, position, match.Index - position);
            position = match.Index + match.Length;
            var claim = ClaimBefore(_output.ToString() + result);
            foreach (var number in Numbers().Matches(match.Groups["numbers"].Value).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)))
            {
                if (passageOf(number) is { } passage)
                {
                    result.Append('[').Append(Cite(passage, claim).ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    _unknownNumbers.Add(number);
                }
            }
        }

        return result.Append(text, position, text.Length - position).ToString();
    }

    private int Cite(RetrievedPassage passage, string claim)
    {
        var index = _cited.FindIndex(c => c.Passage.Chunk.Key == passage.Chunk.Key);
        if (index < 0)
        {
            _cited.Add(new CitedPassage(passage, []));
            index = _cited.Count - 1;
        }

        if (claim.Length > 0)
        {
            _cited[index].Claims.Add(claim);
        }

        return index + 1;
    }

    /// <summary>The sentence a marker stands after: the text back to the previous sentence end, without markers.</summary>
    private static string ClaimBefore(string text)
    {
        var claim = Marker().Replace(text, "").TrimEnd();
        claim = claim.TrimEnd('.', '?', '!', ' ');
        var start = claim.LastIndexOfAny(['.', '?', '!', '\n']);
        return claim[(start + 1)..].Trim();
    }

    /// <summary>Where undecided text begins: an unclosed "[", a partial follow-up tag, or trailing whitespace.</summary>
    private static int HoldFrom(string pending)
    {
        var hold = pending.Length;
        var bracket = pending.LastIndexOfAny(['[', '【']);
        if (bracket >= 0 && pending.IndexOfAny([']', '】'], bracket) < 0 && pending.Length - bracket <= LongestMarker)
        {
            hold = Math.Min(hold, bracket);
        }

        var tag = pending.LastIndexOf('<');
        if (tag >= 0 && FollowUpOpen.StartsWith(pending[tag..], StringComparison.OrdinalIgnoreCase))
        {
            hold = Math.Min(hold, tag);
        }

        while (hold > 0 && char.IsWhiteSpace(pending[hold - 1]))
        {
            hold--;
        }

        return hold;
    }

    /// <summary>The sentence of the passage that shares the most words with the claims it supports.</summary>
    private static string SupportingSnippet(string passage, List<string> claims)
    {
        var text = PromptInjectionDetector.RemoveInjections(passage);
        var sentences = text.Split('\n')
            .SelectMany(line => line.Contains(" | ", StringComparison.Ordinal) ? [line.Trim()] : KoreanChunker.SplitSentences(line))
            .Where(s => s.Length > 0)
            .ToList();
        if (sentences.Count == 0)
        {
            return Shorten(text.Trim());
        }

        var claimTokens = new HashSet<string>(claims.SelectMany(KoreanText.Tokenize), StringComparer.Ordinal);
        var best = sentences
            .Select((s, i) => (Sentence: s, Index: i, Shared: KoreanText.Tokenize(s).Distinct(StringComparer.Ordinal).Count(claimTokens.Contains)))
            .OrderByDescending(s => s.Shared)
            .ThenBy(s => s.Index)
            .First();
        return Shorten(best.Sentence);
    }

    private static string Shorten(string text) => text.Length <= SnippetLength ? text : text[..SnippetLength] + "…";

    // [1], [1, 2], [1][2] (two matches), [출처 1], [source 2], 【1】.
    [GeneratedRegex(@"[\[【]\s*(?:(?:출처|근거|자료|문서|source)\s*)?(?<numbers>\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]", RegexOptions.IgnoreCase)]
    private static partial Regex Marker();

    [GeneratedRegex(@"\d{1,2}")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"^\s*(?:[-*•·]|\d{1,2}[.)]|Q\d*[.:])\s*")]
    private static partial Regex Bullet();

    private sealed record CitedPassage(RetrievedPassage Passage, List<string> Claims);
}
