using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Exceptions;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Reads text PDFs with PdfPig, page by page, so every block knows its page for citations. Lines are rebuilt from
/// word positions; lines set noticeably larger than the body text are headings (the largest on the first page is the
/// title when the PDF has no title metadata); wrapped lines are joined back into paragraphs; rows of words separated
/// by wide gaps become tables. Page numbers and running headers repeated on every page are dropped. 약관 articles
/// (제N조) are found later by the chunker. Encrypted, malformed and image-only PDFs are refused with a reason.
/// </summary>
public sealed partial class PdfDocumentReader : IDocumentReader
{
    /// <summary>A line at least this much larger than the body text is a heading.</summary>
    private const double HeadingSizeRatio = 1.15;

    private readonly DocumentLimits _limits;

    /// <param name="limits">Pages and inflated bytes a PDF may have; the defaults of <see cref="DocumentLimits"/> when null.</param>
    public PdfDocumentReader(DocumentLimits? limits = null) => _limits = limits ?? new DocumentLimits();

    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public async Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return Read(buffer.ToArray(), fileName, _limits, cancellationToken);
    }

    /// <summary>Reads a PDF from its bytes, within <paramref name="limits"/>.</summary>
    public static ParsedDocument Read(byte[] bytes, string fileName, DocumentLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(limits);
        if (bytes.Length < 8 || !Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 1024)).Contains("%PDF-", StringComparison.Ordinal))
        {
            throw new InvalidDataException("The file is not a PDF: it has no %PDF- header.");
        }

        PdfStreamBudget.Check(bytes, limits);
        try
        {
            using var document = PdfDocument.Open(bytes);
            if (document.NumberOfPages > limits.MaxPages)
            {
                throw new DocumentTooComplexException($"The PDF has {document.NumberOfPages:N0} pages; at most {limits.MaxPages:N0} are read.");
            }

            var pages = new List<PageLines>();
            foreach (var page in document.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                pages.Add(new PageLines(page.Number, ReadLines(page)));
            }

            if (pages.All(p => p.Lines.Count == 0))
            {
                throw new InvalidDataException("The PDF has no extractable text (scanned pages need OCR before ingestion).");
            }

            return Assemble(pages, document.Information.Title, fileName);
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new InvalidDataException("The PDF is encrypted (password-protected); ingest an unprotected copy.");
        }
        catch (Exception ex) when (ex is not InvalidDataException and not DocumentTooComplexException and not OperationCanceledException)
        {
            if (ex.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException("The PDF is encrypted (password-protected); ingest an unprotected copy.", ex);
            }

            throw new InvalidDataException($"The PDF is malformed and could not be read: {ex.Message}", ex);
        }
    }

    private static List<Line> ReadLines(Page page)
    {
        var letters = page.Letters
            .Where(l => l.Value.Length > 0)
            .OrderByDescending(l => l.StartBaseLine.Y)
            .ThenBy(l => l.StartBaseLine.X)
            .ToList();

        var lines = new List<Line>();
        var current = new List<Letter>();
        foreach (var letter in letters)
        {
            if (current.Count > 0 && Math.Abs(current[0].StartBaseLine.Y - letter.StartBaseLine.Y) > Math.Max(2, current[0].PointSize * 0.4))
            {
                AddLine(lines, current);
                current = [];
            }

            current.Add(letter);
        }

        AddLine(lines, current);
        return lines;
    }

    /// <summary>
    /// Builds a line from its letters. Space glyphs the PDF carries are spaces; a gap of about half a character with no
    /// space glyph is a third of a character or more (for PDFs that position words instead), while the narrower automatic
    /// spacing that layout engines put between Hangul and digits ("50만원") is not. A wider gap with no space glyph, or
    /// a full character or more, separates table cells.
    /// </summary>
    private static void AddLine(List<Line> lines, List<Letter> letters)
    {
        var ordered = letters.OrderBy(l => l.StartBaseLine.X).ToList();
        var visible = ordered.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        if (visible.Count == 0)
        {
            return;
        }

        var size = visible.Select(l => l.PointSize).OrderBy(s => s).ElementAt(visible.Count / 2);
        var cells = new List<string>();
        var cell = new StringBuilder();
        Letter? previous = null;
        var pendingSpace = false;
        foreach (var letter in ordered)
        {
            if (string.IsNullOrWhiteSpace(letter.Value))
            {
                pendingSpace = previous is not null;
                continue;
            }

            if (previous is not null)
            {
                var gap = letter.StartBaseLine.X - previous.EndBaseLine.X;
                if (gap > size * 1.0 || (!pendingSpace && gap > size * 0.5))
                {
                    cells.Add(cell.ToString().Trim());
                    cell.Clear();
                }
                else if (pendingSpace || gap > size * 0.3)
                {
                    cell.Append(' ');
                }
            }

            cell.Append(letter.Value);
            previous = letter;
            pendingSpace = false;
        }

        cells.Add(cell.ToString().Trim());
        cells.RemoveAll(c => c.Length == 0);
        lines.Add(new Line(string.Join(' ', cells), cells, visible[0].StartBaseLine.Y, visible[0].StartBaseLine.X, size));
    }

    private static ParsedDocument Assemble(List<PageLines> pages, string? metadataTitle, string fileName)
    {
        var allLines = pages.SelectMany(p => p.Lines).ToList();
        var bodySize = allLines
            .GroupBy(l => Math.Round(l.Size, 1))
            .OrderByDescending(g => g.Sum(l => l.Text.Length))
            .First().Key;

        // Running headers and footers: the same short line on most pages.
        var repeated = pages.Count < 2
            ? []
            : allLines.GroupBy(l => l.Text)
                .Where(g => g.Key.Length <= 60 && g.Count() >= Math.Max(2, pages.Count * 0.6))
                .Select(g => g.Key)
                .ToHashSet(StringComparer.Ordinal);

        var headingSizes = allLines
            .Where(l => l.Size >= bodySize * HeadingSizeRatio)
            .Select(l => Math.Round(l.Size, 1))
            .Distinct()
            .OrderDescending()
            .ToList();

        // Producers often leave a file name or "Microsoft Word - x.docx" as the title: the page's own title is better then.
        string? title = string.IsNullOrWhiteSpace(metadataTitle) || JunkTitle().IsMatch(metadataTitle) ? null : metadataTitle.Trim();
        var titleSize = headingSizes.Count > 0 ? headingSizes[0] : double.NaN;
        var headings = new List<string>();
        var blocks = new List<DocumentBlock>();
        var paragraph = new StringBuilder();
        int? paragraphPage = null;
        var table = new List<string>();
        int? tablePage = null;
        Line? previous = null;

        void FlushParagraph()
        {
            if (paragraph.Length > 0)
            {
                blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Paragraph, paragraph.ToString(), paragraphPage));
                paragraph.Clear();
            }
        }

        void FlushTable()
        {
            if (table.Count >= 2)
            {
                blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Table, string.Join('\n', table), tablePage));
            }
            else if (table.Count == 1)
            {
                blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Paragraph, table[0].Replace(" | ", " ", StringComparison.Ordinal), tablePage));
            }

            table.Clear();
        }

        foreach (var (pageNumber, lines) in pages)
        {
            foreach (var line in lines)
            {
                if (repeated.Contains(line.Text) || PageNumber().IsMatch(line.Text))
                {
                    continue;
                }

                var rounded = Math.Round(line.Size, 1);
                var level = headingSizes.IndexOf(rounded);
                if (level >= 0 && line.Text.Length <= 120)
                {
                    FlushParagraph();
                    FlushTable();
                    if (rounded == titleSize && (title is null || title == line.Text))
                    {
                        title ??= line.Text;
                        headings.Clear();
                    }
                    else
                    {
                        // The title size is level 0; the next size down is the first entry of the path.
                        var depth = Math.Max(0, level - 1);
                        if (headings.Count > depth)
                        {
                            headings.RemoveRange(depth, headings.Count - depth);
                        }

                        headings.Add(line.Text);
                    }

                    previous = null;
                    continue;
                }

                if (line.Cells.Count >= 2)
                {
                    FlushParagraph();
                    if (table.Count == 0)
                    {
                        tablePage = pageNumber;
                    }

                    table.Add(string.Join(" | ", line.Cells));
                    previous = line;
                    continue;
                }

                FlushTable();
                if (paragraph.Length > 0 && previous is not null && previous.Baseline - line.Baseline > previous.Size * 1.9 && pageNumber == paragraphPage)
                {
                    // A wide vertical gap ends the paragraph.
                    FlushParagraph();
                }

                if (paragraph.Length == 0)
                {
                    paragraphPage = pageNumber;
                }
                else
                {
                    if (EndsSentence(paragraph) || StartsNewItem().IsMatch(line.Text))
                    {
                        paragraph.Append('\n');
                    }
                    else if (!(char.IsAsciiDigit(paragraph[^1]) && Text.KoreanText.IsHangulSyllable(line.Text[0])))
                    {
                        // A line wrapped at a space lost that space; one wrapped between a number and its unit ("50|만원") had none.
                        paragraph.Append(' ');
                    }
                }

                paragraph.Append(line.Text);
                previous = line;
            }

            // A paragraph may run on to the next page; it keeps the page it started on.
        }

        FlushParagraph();
        FlushTable();
        return new ParsedDocument(title ?? Path.GetFileNameWithoutExtension(fileName), "", "", blocks);
    }

    private static bool EndsSentence(StringBuilder text)
    {
        var last = text[^1];
        return last is '.' or '?' or '!' or ':' or '。';
    }

    // Clause marks, numbered items, bullets and article headers start a new line of their own.
    [GeneratedRegex(@"^(?:[①-⑳]|\d{1,3}[.)]\s|[-•·]\s|제\s?\d+\s?조)")]
    private static partial Regex StartsNewItem();

    [GeneratedRegex(@"\.(?:docx?|pdf|hwpx?|txt|rtf|odt)\s*$|^microsoft\s+word\s*-|^untitled|^제목\s*없음", RegexOptions.IgnoreCase)]
    private static partial Regex JunkTitle();

    [GeneratedRegex(@"^(?:-\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$|^\d{1,4}\s*페이지$|^page\s*\d+", RegexOptions.IgnoreCase)]
    private static partial Regex PageNumber();

    private sealed record Line(string Text, IReadOnlyList<string> Cells, double Baseline, double Left, double Size);

    private sealed record PageLines(int Number, List<Line> Lines);
}
