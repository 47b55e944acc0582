using System.Text;
using Chatbot.Rag.VectorStores;
using Dongyang.Chat.Protocol;

namespace Chatbot.Rag.Retrieval;

/// <summary>
/// A cited section in full, so a customer can read the whole 조 (or heading) an answer quotes: the document's chunks of
/// that section, in order, with the one-sentence overlap between consecutive chunks taken out.
/// </summary>
public sealed class SourceSectionReader(IDocumentChunkStore store)
{
    private const string CircledNumbers = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

    /// <summary>
    /// The section <paramref name="section"/> of document <paramref name="documentId"/> (a clause label such as
    /// <c>제4조(보험금의 지급절차) ③</c> gives the whole article), or <see langword="null"/> when the document or the section is
    /// not in the index. With <paramref name="page"/>, a section that spans pages is read from that page's chunks.
    /// </summary>
    public async Task<SourceSection?> ReadAsync(string documentId, string? section, int? page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var chunks = await store.GetDocumentChunksAsync(documentId, cancellationToken);
        if (chunks.Count == 0)
        {
            return null;
        }

        var wanted = Article(section);
        var matching = chunks.Where(c => Article(c.Section) == wanted).OrderBy(c => c.Ordinal).ToList();
        if (page is not null && wanted.Length == 0 && matching.Any(c => c.Page == page))
        {
            // A document without headings: the cited page, not the whole document.
            matching = [.. matching.Where(c => c.Page == page)];
        }

        if (matching.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder(matching[0].Text);
        for (var i = 1; i < matching.Count; i++)
        {
            var next = matching[i].Text;
            var overlap = matching[i].Ordinal == matching[i - 1].Ordinal + 1 ? Overlap(matching[i - 1].Text, next) : 0;
            text.Append(overlap > 0 ? "" : "\n").Append(next.AsSpan(overlap));
        }

        var first = matching[0];
        return new SourceSection(
            first.DocumentId,
            first.DocumentTitle,
            wanted.Length == 0 ? null : wanted,
            page is not null && matching.Any(c => c.Page == page) ? page : first.Page,
            text.ToString().Trim());
    }

    /// <summary>The article a clause label belongs to: <c>제4조(…) ③</c> → <c>제4조(…)</c>; other labels as they are.</summary>
    private static string Article(string? section)
    {
        var label = (section ?? "").Trim();
        return label.Length > 2 && label[^2] == ' ' && CircledNumbers.Contains(label[^1], StringComparison.Ordinal)
            ? label[..^2]
            : label;
    }

    /// <summary>How many leading characters of <paramref name="next"/> repeat the end of <paramref name="previous"/> (the chunker's overlap).</summary>
    private static int Overlap(string previous, string next)
    {
        for (var length = Math.Min(previous.Length, next.Length); length >= 8; length--)
        {
            if (previous.AsSpan(previous.Length - length).SequenceEqual(next.AsSpan(0, length)))
            {
                // Skip the line break or space that follows the repeated sentence too.
                return next.Length > length && char.IsWhiteSpace(next[length]) ? length + 1 : length;
            }
        }

        return 0;
    }
}
