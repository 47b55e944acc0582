using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Reads plain-text documents. Blank lines separate paragraphs; numbered or bulleted lines are list items; lines
/// made of '|' cells are tables. 약관 articles (제N조) in the text are found later by the chunker.
/// The title is the file name.
/// </summary>
public sealed partial class PlainTextDocumentReader : IDocumentReader
{
    public IReadOnlyCollection<string> Extensions { get; } = [".txt"];

    public async Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = await reader.ReadToEndAsync(cancellationToken);
        return Parse(text, fileName);
    }

    /// <summary>Parses plain text.</summary>
    public static ParsedDocument Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var blocks = new List<DocumentBlock>();
        var paragraph = new List<string>();
        var table = new List<string>();
        string[] noPath = [];

        void Flush()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new DocumentBlock(noPath, DocumentBlockKind.Paragraph, string.Join('\n', paragraph)));
                paragraph.Clear();
            }

            if (table.Count > 0)
            {
                blocks.Add(new DocumentBlock(noPath, DocumentBlockKind.Table, string.Join('\n', table)));
                table.Clear();
            }
        }

        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (line.StartsWith('|'))
            {
                if (paragraph.Count > 0)
                {
                    Flush();
                }

                if (!line.Trim('|', '-', ':', ' ').Any(c => c != '|'))
                {
                    continue;
                }

                table.Add(string.Join(" | ", line.Trim('|').Split('|').Select(c => c.Trim())));
                continue;
            }

            if (table.Count > 0)
            {
                Flush();
            }

            if (ListItem().IsMatch(line))
            {
                Flush();
                blocks.Add(new DocumentBlock(noPath, DocumentBlockKind.ListItem, line.TrimStart('-', '*', '•', ' ')));
                continue;
            }

            paragraph.Add(line);
        }

        Flush();
        return new ParsedDocument(Path.GetFileNameWithoutExtension(fileName), "", "", blocks);
    }

    [GeneratedRegex(@"^(?:[-*•]\s+|\d{1,3}[.)]\s+)")]
    private static partial Regex ListItem();
}
