using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Rag.Ingestion;

/// <summary>One chunk as the chunker produces it, before embedding.</summary>
/// <param name="Section">Article or heading path, e.g. "제3조(보험금의 청구)" or "7. 자주 묻는 질문 > Q. …".</param>
/// <param name="Text">The chunk text, without any prefix.</param>
/// <param name="Page">The page of the chunk's first block, for paginated formats.</param>
public sealed record TextChunk(string Section, string Text, int? Page = null);

/// <summary>Size limits for <see cref="KoreanChunker"/>.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The target maximum length of a chunk, in characters.</summary>
    public int MaxChunkLength { get; set; } = 600;

    /// <summary>A table longer than <see cref="MaxChunkLength"/> stays whole up to this length; beyond it, it is split by rows.</summary>
    public int HardMaxChunkLength { get; set; } = 2000;
}

/// <summary>
/// Splits documents into retrievable chunks along Korean sentence boundaries. Chunks never cross a heading or a
/// 약관 article (제N조); sentences are packed up to a size cap with a one-sentence overlap between consecutive chunks
/// of the same section; tables stay whole; a sentence is only cut when it alone exceeds the cap.
/// </summary>
public sealed partial class KoreanChunker
{
    private const string CircledNumbers = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

    private readonly int _maxLength;
    private readonly int _hardMaxLength;

    public KoreanChunker(ChunkingOptions? options = null)
    {
        options ??= new ChunkingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxChunkLength, 50);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HardMaxChunkLength, options.MaxChunkLength);
        _maxLength = options.MaxChunkLength;
        _hardMaxLength = options.HardMaxChunkLength;
    }

    /// <summary>Identifies the chunking rules and sizes; stored with each document so a change re-chunks everything.</summary>
    public string Fingerprint => $"korean-chunker-v1/{_maxLength}/{_hardMaxLength}";

    /// <summary>Chunks a parsed document.</summary>
    public IReadOnlyList<TextChunk> Chunk(ParsedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var chunks = new List<TextChunk>();
        IReadOnlyList<string>? path = null;
        string? article = null;
        var units = new List<Unit>();

        void FlushSection()
        {
            if (units.Count > 0)
            {
                Pack(SectionLabel(path ?? [], article), units, chunks);
                units.Clear();
            }
        }

        foreach (var block in document.Blocks)
        {
            if (path is null || !path.SequenceEqual(block.HeadingPath))
            {
                FlushSection();
                path = block.HeadingPath;
                article = null;
            }

            if (block.Kind == DocumentBlockKind.Table)
            {
                units.Add(new Unit(block.Text, IsTable: true, StartsLine: true, block.Page));
                continue;
            }

            foreach (var rawLine in block.Text.Split('\n'))
            {
                var line = rawLine.Trim();
                var articleMatch = ArticleInBody().Match(line);
                if (articleMatch.Success)
                {
                    // A new article starts a new section: no chunk may hold text from two articles.
                    FlushSection();
                    article = articleMatch.Groups["header"].Value.Trim();
                    line = line[articleMatch.Length..].Trim();
                }

                if (line.Length == 0)
                {
                    continue;
                }

                var first = true;
                foreach (var sentence in block.Kind == DocumentBlockKind.ListItem ? [line] : SplitSentences(line))
                {
                    units.Add(new Unit(sentence, IsTable: false, StartsLine: first, block.Page));
                    first = false;
                }
            }
        }

        FlushSection();
        return chunks;
    }

    /// <summary>Chunks plain text; a convenience for callers and tests without a reader.</summary>
    public IReadOnlyList<TextChunk> ChunkText(string text, string fileName = "text.txt") =>
        Chunk(PlainTextDocumentReader.Parse(text, fileName));

    /// <summary>
    /// Splits one line into sentences at Korean sentence ends (…다. …요. …까? …죠.), '?' and '!', keeping the
    /// punctuation with the sentence. A '.' after a digit or a lone Latin letter (list numbers, "Q.") does not end a sentence.
    /// </summary>
    public static IReadOnlyList<string> SplitSentences(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is not ('.' or '?' or '!' or '。' or '…'))
            {
                continue;
            }

            // Absorb runs like "?!" or "..." and a closing quote or bracket.
            var end = i + 1;
            while (end < line.Length && line[end] is '.' or '?' or '!' or '…' or '"' or '\'' or '”' or '’' or ')')
            {
                end++;
            }

            var atBoundary = end >= line.Length || char.IsWhiteSpace(line[end]);
            if (!atBoundary || !EndsSentence(line, i))
            {
                i = end - 1;
                continue;
            }

            var sentence = line[start..end].Trim();
            if (sentence.Length > 0)
            {
                sentences.Add(sentence);
            }

            start = end;
            i = end - 1;
        }

        var rest = line[start..].Trim();
        if (rest.Length > 0)
        {
            sentences.Add(rest);
        }

        return sentences;
    }

    private static bool EndsSentence(string line, int punctuation)
    {
        var c = line[punctuation];
        if (c is '?' or '!' or '。' or '…')
        {
            return true;
        }

        if (punctuation == 0)
        {
            return false;
        }

        var before = line[punctuation - 1];
        if (char.IsDigit(before))
        {
            return false;
        }

        if (before is >= 'A' and <= 'Z' or >= 'a' and <= 'z')
        {
            // "Q." or "e.g." are not sentence ends; an English word of two or more letters is.
            return punctuation >= 2 && char.IsLetter(line[punctuation - 2]);
        }

        return true;
    }

    private void Pack(string section, List<Unit> sectionUnits, List<TextChunk> chunks)
    {
        var units = new List<Unit>();
        foreach (var unit in sectionUnits)
        {
            if (unit.IsTable)
            {
                units.AddRange(SplitTable(unit));
            }
            else
            {
                units.AddRange(SplitLongSentence(unit));
            }
        }

        var current = new List<Unit>();
        var currentLength = 0;
        var firstChunkOfSection = true;
        foreach (var unit in units)
        {
            if (current.Count > 0 && currentLength + 1 + unit.Text.Length > _maxLength)
            {
                chunks.Add(Emit(section, current, firstChunkOfSection));
                firstChunkOfSection = false;
                var last = current[^1];
                var overlap = current.Count > 1 && !last.IsTable && !unit.IsTable && last.Text.Length + 1 + unit.Text.Length <= _maxLength;
                current = overlap ? [last with { StartsLine = true }] : [];
                currentLength = overlap ? last.Text.Length : 0;
            }

            current.Add(unit);
            currentLength += (currentLength > 0 ? 1 : 0) + unit.Text.Length;
        }

        if (current.Count > 0)
        {
            chunks.Add(Emit(section, current, firstChunkOfSection));
        }
    }

    private static TextChunk Emit(string section, List<Unit> units, bool firstOfSection)
    {
        var text = new StringBuilder();
        foreach (var unit in units)
        {
            if (text.Length > 0)
            {
                text.Append(unit.StartsLine || unit.IsTable ? '\n' : ' ');
            }

            text.Append(unit.Text);
        }

        // A later chunk of an article names the clause it starts at, e.g. "제4조(보험금의 지급절차) ③".
        var label = section;
        var lead = units[0].Text;
        if (!firstOfSection && section.StartsWith('제') && lead.Length > 0 && CircledNumbers.Contains(lead[0], StringComparison.Ordinal))
        {
            label = $"{section} {lead[0]}";
        }

        return new TextChunk(label, text.ToString(), units[0].Page);
    }

    private IEnumerable<Unit> SplitTable(Unit table)
    {
        if (table.Text.Length <= _hardMaxLength)
        {
            yield return table;
            yield break;
        }

        // Only a table beyond the hard cap is split, by rows, repeating the header row so each part stays readable.
        var rows = table.Text.Split('\n');
        var header = rows[0];
        var part = new StringBuilder(header);
        foreach (var row in rows.Skip(1))
        {
            if (part.Length + 1 + row.Length > _hardMaxLength && part.Length > header.Length)
            {
                yield return table with { Text = part.ToString() };
                part.Clear().Append(header);
            }

            part.Append('\n').Append(row);
        }

        yield return table with { Text = part.ToString() };
    }

    private IEnumerable<Unit> SplitLongSentence(Unit unit)
    {
        var text = unit.Text;
        var first = true;
        while (text.Length > _maxLength)
        {
            var cut = FindCut(text, _maxLength);
            yield return unit with { Text = text[..cut].TrimEnd(), StartsLine = unit.StartsLine && first };
            first = false;
            text = text[cut..].TrimStart();
        }

        if (text.Length > 0)
        {
            yield return unit with { Text = text, StartsLine = unit.StartsLine && first };
        }
    }

    /// <summary>The best cut at or before <paramref name="limit"/>: after a clause ending, else at whitespace, else hard.</summary>
    private static int FindCut(string text, int limit)
    {
        var minimum = limit / 3;
        foreach (var clause in ClauseEnds)
        {
            var at = text.LastIndexOf(clause, limit - 1, StringComparison.Ordinal);
            if (at >= minimum)
            {
                return at + clause.Length;
            }
        }

        var space = text.LastIndexOf(' ', limit - 1);
        return space >= minimum ? space + 1 : limit;
    }

    private static readonly string[] ClauseEnds = ["며, ", "고, ", "나, ", "면, ", "서, ", ", ", "; ", "며 ", "고 "];

    private static string SectionLabel(IReadOnlyList<string> path, string? article)
    {
        var parts = path.Where(p => p.Length > 0).ToList();
        if (article is not null)
        {
            parts.Add(article);
        }

        var articleIndex = parts.FindLastIndex(p => ArticleHeader().IsMatch(p));
        if (articleIndex >= 0)
        {
            parts = parts.Skip(articleIndex).ToList();
        }

        return string.Join(" > ", parts);
    }

    [GeneratedRegex(@"^(?<header>제\s?\d+\s?조(?:의\s?\d+)?(?:\s?\((?:[^()]|\([^()]*\)){1,80}\))?)(?=\s|$|[①-⑳])")]
    private static partial Regex ArticleHeader();

    // In running text only a titled article header starts an article; "제3조 제1항에 따라" is a reference.
    [GeneratedRegex(@"^(?<header>제\s?\d+\s?조(?:의\s?\d+)?\s?\((?:[^()]|\([^()]*\)){1,80}\))")]
    private static partial Regex ArticleInBody();

    private sealed record Unit(string Text, bool IsTable, bool StartsLine, int? Page);
}
