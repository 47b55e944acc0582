using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Reads Word documents (.docx) with the Open XML SDK. Heading styles (by outline level, or a style named
/// "heading N" / "제목 N") build the heading path, the Title style or the core "title" property names the document,
/// numbered and bulleted paragraphs are list items (numbered ones keep their computed label: "1.", "①", "가."), and
/// tables stay whole. Before anything is parsed the package is
/// checked as a zip: a document that would expand beyond <see cref="MaxUncompressedBytes"/> or with an absurd
/// compression ratio is refused as a possible zip bomb.
/// </summary>
public sealed partial class DocxDocumentReader : IDocumentReader
{
    /// <summary>The most a .docx may expand to when unzipped; real 약관 and guides are a few megabytes.</summary>
    public const long MaxUncompressedBytes = 64L * 1024 * 1024;

    /// <summary>The most parts a package may hold.</summary>
    public const int MaxEntries = 5000;

    /// <summary>An entry larger than 1 MB that expands more than this many times is a zip bomb, not a document.</summary>
    public const int MaxCompressionRatio = 200;

    public IReadOnlyCollection<string> Extensions { get; } = [".docx"];

    public async Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        CheckPackageSize(buffer);
        buffer.Position = 0;
        try
        {
            using var document = WordprocessingDocument.Open(buffer, isEditable: false);
            return Parse(document, fileName);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or FileFormatException or InvalidOperationException or System.Xml.XmlException)
        {
            throw new InvalidDataException($"The DOCX is malformed and could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Refuses a package whose declared uncompressed size, entry count or compression ratio is out of bounds.</summary>
    internal static void CheckPackageSize(Stream package)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"The DOCX is not a valid zip package: {ex.Message}", ex);
        }

        using (archive)
        {
            if (archive.Entries.Count > MaxEntries)
            {
                throw new InvalidDataException($"The DOCX holds {archive.Entries.Count} parts (limit {MaxEntries}); refused as a possible zip bomb.");
            }

            long total = 0;
            foreach (var entry in archive.Entries)
            {
                total += entry.Length;
                if (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > MaxCompressionRatio)
                {
                    throw new InvalidDataException(
                        $"The DOCX part '{entry.FullName}' expands {entry.Length / entry.CompressedLength}x to {Megabytes(entry.Length)} MB; refused as a possible zip bomb.");
                }
            }

            if (total > MaxUncompressedBytes)
            {
                throw new InvalidDataException(
                    $"The DOCX expands to {Megabytes(total)} MB uncompressed (limit {Megabytes(MaxUncompressedBytes)} MB); refused as a possible zip bomb.");
            }
        }
    }

    private static ParsedDocument Parse(WordprocessingDocument document, string fileName)
    {
        var body = document.MainDocumentPart?.Document?.Body
            ?? throw new InvalidDataException("The DOCX has no document body.");
        var styles = ReadStyles(document.MainDocumentPart!);
        var numbering = new ListNumbering(document.MainDocumentPart!.NumberingDefinitionsPart);
        var headings = new List<string>();
        var blocks = new List<DocumentBlock>();
        string? styledTitle = null;
        string? firstHeading = null;

        foreach (var element in BodyElements(body))
        {
            if (element is Table table)
            {
                var rows = table.Elements<TableRow>()
                    .Select(row => string.Join(" | ", row.Elements<TableCell>().Select(cell => Collapse(string.Join(' ', cell.Elements<Paragraph>().Select(TextOf))))))
                    .Where(row => row.Replace("|", "", StringComparison.Ordinal).Trim().Length > 0)
                    .ToList();
                if (rows.Count > 0)
                {
                    blocks.Add(new DocumentBlock(headings.ToArray(), DocumentBlockKind.Table, string.Join('\n', rows)));
                }

                continue;
            }

            if (element is not Paragraph paragraph)
            {
                continue;
            }

            var text = TextOf(paragraph).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
            var style = styleId is not null && styles.TryGetValue(styleId, out var s) ? s : null;
            var outline = paragraph.ParagraphProperties?.OutlineLevel?.Val?.Value ?? style?.OutlineLevel;
            if (style?.IsTitle == true)
            {
                styledTitle ??= Collapse(text);
                headings.Clear();
                continue;
            }

            if (outline is { } level and < 9)
            {
                var heading = Collapse(text);
                if (level == 0)
                {
                    firstHeading ??= heading;
                    headings.Clear();
                }
                else
                {
                    var depth = level - 1;
                    if (headings.Count > depth)
                    {
                        headings.RemoveRange(depth, headings.Count - depth);
                    }

                    while (headings.Count < depth)
                    {
                        headings.Add("");
                    }

                    headings.Add(heading);
                }

                continue;
            }

            var numberingProperties = paragraph.ParagraphProperties?.NumberingProperties;
            var isListItem = numberingProperties is not null || style?.IsList == true;
            if (numberingProperties is not null && numbering.Next(numberingProperties) is { } label)
            {
                // Numbered items keep their number, as 약관 refer to them ("제2항 제1호").
                text = $"{label} {text}";
            }

            blocks.Add(new DocumentBlock(headings.ToArray(), isListItem ? DocumentBlockKind.ListItem : DocumentBlockKind.Paragraph, text));
        }

        var coreTitle = document.PackageProperties.Title;
        var title = !string.IsNullOrWhiteSpace(coreTitle) ? coreTitle.Trim()
            : styledTitle ?? firstHeading ?? Path.GetFileNameWithoutExtension(fileName);
        return new ParsedDocument(title, "", "", blocks);
    }

    /// <summary>Paragraphs and tables in reading order, looking inside content controls.</summary>
    private static IEnumerable<OpenXmlElement> BodyElements(OpenXmlElement container)
    {
        foreach (var child in container.ChildElements)
        {
            switch (child)
            {
                case Paragraph or Table:
                    yield return child;
                    break;
                case SdtBlock sdt when sdt.SdtContentBlock is { } inner:
                    foreach (var nested in BodyElements(inner))
                    {
                        yield return nested;
                    }

                    break;
            }
        }
    }

    /// <summary>The paragraph's text; tabs become spaces and line breaks new lines.</summary>
    private static string TextOf(Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case DocumentFormat.OpenXml.Wordprocessing.Text t:
                    text.Append(t.Text);
                    break;
                case TabChar:
                    text.Append(' ');
                    break;
                case Break:
                case CarriageReturn:
                    text.Append('\n');
                    break;
            }
        }

        return text.ToString();
    }

    private static Dictionary<string, StyleInfo> ReadStyles(MainDocumentPart main)
    {
        var result = new Dictionary<string, StyleInfo>(StringComparer.Ordinal);
        var styles = main.StyleDefinitionsPart?.Styles?.Elements<Style>().ToList() ?? [];
        var byId = styles.Where(s => s.StyleId?.Value is not null).GroupBy(s => s.StyleId!.Value!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        StyleInfo Resolve(Style style, int depth)
        {
            var name = style.StyleName?.Val?.Value ?? "";
            int? outline = style.StyleParagraphProperties?.OutlineLevel?.Val?.Value;
            var headingName = HeadingName().Match(name);
            if (outline is null && headingName.Success)
            {
                outline = int.Parse(headingName.Groups[1].Value, CultureInfo.InvariantCulture) - 1;
            }

            var isTitle = name.Equals("Title", StringComparison.OrdinalIgnoreCase) || name == "제목";
            var isList = name.StartsWith("List", StringComparison.OrdinalIgnoreCase) || style.StyleParagraphProperties?.NumberingProperties is not null;
            if (outline is null && !isTitle && depth < 10 && style.BasedOn?.Val?.Value is { } parentId && byId.TryGetValue(parentId, out var parent))
            {
                var inherited = Resolve(parent, depth + 1);
                outline = inherited.OutlineLevel;
                isTitle = inherited.IsTitle;
                isList |= inherited.IsList;
            }

            return new StyleInfo(outline, isTitle, isList);
        }

        foreach (var (id, style) in byId)
        {
            result[id] = Resolve(style, 0);
        }

        return result;
    }

    /// <summary>Computes the visible labels of automatically numbered paragraphs ("1.", "①", "가.") in reading order.</summary>
    private sealed class ListNumbering(NumberingDefinitionsPart? part)
    {
        private const string Circled = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
        private const string Ganada = "가나다라마바사아자차카타파하";
        private const string Chosung = "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ";

        private readonly Dictionary<int, int[]> _counters = [];

        /// <summary>Advances the list the paragraph belongs to and returns its label, or null for bullets and unknown lists.</summary>
        public string? Next(NumberingProperties properties)
        {
            var numberId = properties.NumberingId?.Val?.Value;
            var level = properties.NumberingLevelReference?.Val?.Value ?? 0;
            if (part?.Numbering is not { } numbering || numberId is null or 0 || level is < 0 or > 8)
            {
                return null;
            }

            var instance = numbering.Elements<NumberingInstance>().FirstOrDefault(n => n.NumberID?.Value == numberId);
            var abstractId = instance?.AbstractNumId?.Val?.Value;
            var definition = numbering.Elements<AbstractNum>().FirstOrDefault(a => a.AbstractNumberId?.Value == abstractId);
            var levels = definition?.Elements<Level>().ToDictionary(l => l.LevelIndex?.Value ?? 0);
            if (levels is null || !levels.TryGetValue(level, out var current))
            {
                return null;
            }

            if (!_counters.TryGetValue(numberId.Value, out var counters))
            {
                counters = new int[9];
                _counters[numberId.Value] = counters;
            }

            counters[level] = counters[level] == 0 ? StartOf(current) : counters[level] + 1;
            Array.Clear(counters, level + 1, counters.Length - level - 1);
            if (current.NumberingFormat?.Val?.Value is { } format && (format == NumberFormatValues.Bullet || format == NumberFormatValues.None))
            {
                return null;
            }

            var label = current.LevelText?.Val?.Value ?? $"%{level + 1}.";
            for (var i = 0; i <= level; i++)
            {
                var value = counters[i] == 0 && levels.TryGetValue(i, out var parent) ? StartOf(parent) : counters[i];
                var itemFormat = levels.TryGetValue(i, out var itemLevel) ? itemLevel.NumberingFormat?.Val?.Value : null;
                label = label.Replace($"%{i + 1}", Format(value, itemFormat), StringComparison.Ordinal);
            }

            return label.Trim().Length > 0 ? label.Trim() : null;
        }

        private static int StartOf(Level level) => level.StartNumberingValue?.Val?.Value ?? 1;

        private static string Format(int value, NumberFormatValues? format)
        {
            if (format == NumberFormatValues.DecimalEnclosedCircle && value is >= 1 and <= 20)
            {
                return Circled[value - 1].ToString();
            }

            if (format == NumberFormatValues.Ganada && value is >= 1 and <= 14)
            {
                return Ganada[value - 1].ToString();
            }

            if (format == NumberFormatValues.Chosung && value is >= 1 and <= 14)
            {
                return Chosung[value - 1].ToString();
            }

            if ((format == NumberFormatValues.LowerLetter || format == NumberFormatValues.UpperLetter) && value is >= 1 and <= 26)
            {
                var letter = (char)('a' + value - 1);
                return (format == NumberFormatValues.UpperLetter ? char.ToUpperInvariant(letter) : letter).ToString();
            }

            return value.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:heading|제목)\s*(\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex HeadingName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed record StyleInfo(int? OutlineLevel, bool IsTitle, bool IsList);
}
