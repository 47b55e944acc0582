using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Reads Markdown knowledge documents: optional front matter (title, type, product), headings as the section path,
/// tables kept whole, list items as their own blocks, and inline markup stripped. Block quotes that carry the
/// fictional-content notice are dropped so they never become retrievable text.
/// </summary>
public sealed partial class MarkdownDocumentReader : IDocumentReader
{
    /// <summary>Block quotes containing this phrase are the demo-content notice, not knowledge.</summary>
    internal const string NoticeMarker = "가상의 예시";

    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    public async Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = await reader.ReadToEndAsync(cancellationToken);
        return Parse(text, fileName);
    }

    /// <summary>Parses Markdown text.</summary>
    public static ParsedDocument Parse(string markdown, string fileName)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var index = 0;
        var front = ReadFrontMatter(lines, ref index);

        string? firstHeading = null;
        var headings = new List<string>();
        var blocks = new List<DocumentBlock>();
        var paragraph = new List<string>();
        var inFence = false;

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Paragraph, string.Join('\n', paragraph)));
                paragraph.Clear();
            }
        }

        while (index < lines.Length)
        {
            var line = lines[index].TrimEnd();
            var trimmed = line.TrimStart();

            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                FlushParagraph();
                inFence = !inFence;
                index++;
                continue;
            }

            if (inFence)
            {
                if (trimmed.Length > 0)
                {
                    paragraph.Add(trimmed);
                }

                index++;
                continue;
            }

            if (trimmed.Length == 0 || HorizontalRule().IsMatch(trimmed))
            {
                FlushParagraph();
                index++;
                continue;
            }

            var heading = Heading().Match(trimmed);
            if (heading.Success)
            {
                FlushParagraph();
                var level = heading.Groups[1].Length;
                var title = StripInline(heading.Groups[2].Value.TrimEnd('#', ' '));
                if (level == 1)
                {
                    firstHeading ??= title;
                    headings.Clear();
                }
                else
                {
                    // Level 2 is the first entry of the path; deeper levels nest under it.
                    var depth = level - 2;
                    if (headings.Count > depth)
                    {
                        headings.RemoveRange(depth, headings.Count - depth);
                    }

                    while (headings.Count < depth)
                    {
                        headings.Add("");
                    }

                    headings.Add(title);
                }

                index++;
                continue;
            }

            if (trimmed.StartsWith('>'))
            {
                FlushParagraph();
                var quote = new List<string>();
                while (index < lines.Length && lines[index].TrimStart().StartsWith('>'))
                {
                    var inner = lines[index].TrimStart().TrimStart('>').Trim();
                    if (inner.Length > 0)
                    {
                        quote.Add(StripInline(inner));
                    }

                    index++;
                }

                if (quote.Count > 0 && !quote.Any(q => q.Contains(NoticeMarker, StringComparison.Ordinal)))
                {
                    blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Paragraph, string.Join('\n', quote)));
                }

                continue;
            }

            if (trimmed.StartsWith('|'))
            {
                FlushParagraph();
                var rows = new List<string>();
                while (index < lines.Length && lines[index].TrimStart().StartsWith('|'))
                {
                    var row = lines[index].Trim();
                    index++;
                    if (TableSeparator().IsMatch(row))
                    {
                        continue;
                    }

                    var cells = row.Trim('|').Split('|').Select(c => StripInline(c.Trim()));
                    rows.Add(string.Join(" | ", cells));
                }

                if (rows.Count > 0)
                {
                    blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Table, string.Join('\n', rows)));
                }

                continue;
            }

            var bullet = Bullet().Match(trimmed);
            if (bullet.Success)
            {
                FlushParagraph();
                blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.ListItem, StripInline(bullet.Groups[1].Value)));
                index++;
                continue;
            }

            if (OrderedItem().IsMatch(trimmed))
            {
                // Numbered items keep their number: 약관 refer to them as 제1항 제2호.
                FlushParagraph();
                blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.ListItem, StripInline(trimmed)));
                index++;
                continue;
            }

            paragraph.Add(StripInline(trimmed));
            index++;
        }

        FlushParagraph();

        var titleFromFront = front.GetValueOrDefault("title");
        var documentTitle = !string.IsNullOrWhiteSpace(titleFromFront) ? titleFromFront
            : !string.IsNullOrWhiteSpace(firstHeading) ? firstHeading
            : Path.GetFileNameWithoutExtension(fileName);
        return new ParsedDocument(
            documentTitle,
            front.GetValueOrDefault("type") ?? "",
            front.GetValueOrDefault("product") ?? "",
            blocks);
    }

    private static Dictionary<string, string> ReadFrontMatter(string[] lines, ref int index)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (index < lines.Length && lines[index].Trim().Length == 0)
        {
            index++;
        }

        if (index >= lines.Length || lines[index].Trim() != "---")
        {
            return values;
        }

        var end = Array.FindIndex(lines, index + 1, l => l.Trim() is "---" or "...");
        if (end < 0)
        {
            return values;
        }

        for (var i = index + 1; i < end; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim().Trim('"', '\'');
            values[key] = value;
        }

        index = end + 1;
        return values;
    }

    /// <summary>Removes inline Markdown: emphasis, code ticks, links and images (keeping link text).</summary>
    internal static string StripInline(string text)
    {
        var result = Image().Replace(text, "$1");
        result = Link().Replace(result, "$1");
        result = Emphasis().Replace(result, "$2");
        result = result.Replace("`", "", StringComparison.Ordinal);
        result = result.Replace("<br>", " ", StringComparison.OrdinalIgnoreCase).Replace("<br/>", " ", StringComparison.OrdinalIgnoreCase);
        return result.Trim();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"^(?:-{3,}|\*{3,}|_{3,})$")]
    private static partial Regex HorizontalRule();

    [GeneratedRegex(@"^[-*+]\s+(.*)$")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"^\d{1,3}[.)]\s+\S")]
    private static partial Regex OrderedItem();

    [GeneratedRegex(@"!\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\*\*|__|\*|~~)(\S(?:.*?\S)?)\1")]
    private static partial Regex Emphasis();
}
