using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Reads Markdown knowledge documents with Markdig (CommonMark plus pipe tables and YAML front matter): front matter
/// (title, type, product), headings as the section path, tables kept whole, list items as their own blocks (numbered
/// items keep their number, as 약관 refer to 제1항 제2호), and inline markup reduced to its text. Block quotes that carry the
/// fictional-content notice are dropped so they never become retrievable text.
/// </summary>
public sealed class MarkdownDocumentReader : IDocumentReader
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

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().UsePipeTables().Build();

    /// <summary>Parses Markdown text.</summary>
    public static ParsedDocument Parse(string markdown, string fileName)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdown.Parse(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), Pipeline);
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? firstHeading = null;
        var headings = new List<string>();
        var blocks = new List<DocumentBlock>();

        void Add(DocumentBlockKind kind, string text)
        {
            if (text.Length > 0)
            {
                blocks.Add(new DocumentBlock(headings.ToArray(), kind, text));
            }
        }

        void Visit(Block block)
        {
            switch (block)
            {
                case YamlFrontMatterBlock yaml:
                    ReadFrontMatter(yaml.Lines.ToString(), front);
                    break;
                case HeadingBlock heading:
                    var title = InlineText(heading.Inline).Replace('\n', ' ').Trim();
                    if (heading.Level == 1)
                    {
                        firstHeading ??= title;
                        headings.Clear();
                        break;
                    }

                    // Level 2 is the first entry of the path; deeper levels nest under it.
                    var depth = heading.Level - 2;
                    if (headings.Count > depth)
                    {
                        headings.RemoveRange(depth, headings.Count - depth);
                    }

                    while (headings.Count < depth)
                    {
                        headings.Add("");
                    }

                    headings.Add(title);
                    break;
                case ParagraphBlock paragraph:
                    Add(DocumentBlockKind.Paragraph, InlineText(paragraph.Inline));
                    break;
                case QuoteBlock quote:
                    var quoted = string.Join('\n', quote.Descendants<ParagraphBlock>().Select(p => InlineText(p.Inline)).Where(t => t.Length > 0));
                    if (!quoted.Contains(NoticeMarker, StringComparison.Ordinal))
                    {
                        Add(DocumentBlockKind.Paragraph, quoted);
                    }

                    break;
                case ListBlock list:
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        var text = string.Join(' ', item.OfType<ParagraphBlock>().Select(p => InlineText(p.Inline).Replace('\n', ' ')));
                        if (list.IsOrdered && text.Length > 0)
                        {
                            text = $"{item.Order}{list.OrderedDelimiter} {text}";
                        }

                        Add(DocumentBlockKind.ListItem, text);
                        foreach (var nested in item.OfType<ListBlock>())
                        {
                            Visit(nested);
                        }
                    }

                    break;
                case Table table:
                    var rows = table.OfType<TableRow>()
                        .Select(row => string.Join(" | ", row.OfType<TableCell>().Select(cell =>
                            string.Join(' ', cell.Descendants<ParagraphBlock>().Select(p => InlineText(p.Inline).Replace('\n', ' '))))))
                        .ToList();
                    Add(DocumentBlockKind.Table, string.Join('\n', rows));
                    break;
                case CodeBlock code:
                    Add(DocumentBlockKind.Paragraph, string.Join('\n', code.Lines.Lines.Take(code.Lines.Count).Select(l => l.ToString().Trim()).Where(l => l.Length > 0)));
                    break;
                case ContainerBlock container:
                    foreach (var child in container)
                    {
                        Visit(child);
                    }

                    break;
            }
        }

        foreach (var block in document)
        {
            Visit(block);
        }

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

    private static void ReadFrontMatter(string yaml, Dictionary<string, string> values)
    {
        foreach (var line in yaml.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..];
            var comment = value.IndexOf(" #", StringComparison.Ordinal);
            if (comment >= 0)
            {
                value = value[..comment];
            }

            values[key] = value.Trim().Trim('"', '\'');
        }
    }

    /// <summary>The text of inline Markdown: emphasis and code ticks dropped, link and image text kept, soft line breaks as new lines.</summary>
    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return "";
        }

        var text = new StringBuilder();
        void Append(Inline node)
        {
            switch (node)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case AutolinkInline link:
                    text.Append(link.Url);
                    break;
                case LineBreakInline:
                    text.Append('\n');
                    break;
                case HtmlEntityInline entity:
                    text.Append(entity.Transcoded.ToString());
                    break;
                case HtmlInline html:
                    if (html.Tag.StartsWith("<br", StringComparison.OrdinalIgnoreCase))
                    {
                        text.Append(' ');
                    }

                    break;
                case ContainerInline container:
                    foreach (var child in container)
                    {
                        Append(child);
                    }

                    break;
            }
        }

        Append(inline);
        return string.Join('\n', text.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
    }
}
