using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Reads HTML pages with AngleSharp (parsing only: nothing is fetched and no script runs). The title is the
/// first &lt;h1&gt; or else the &lt;title&gt;; h2–h6 build the heading path; paragraphs, list items and tables become
/// blocks, tables whole. Navigation, footers, scripts, styles, forms and hidden elements are page chrome and are skipped.
/// Hidden means what a reader of the page cannot see, by the page's own CSS as a browser computes it (inline styles and
/// &lt;style&gt; rules): <c>display:none</c>, <c>visibility:hidden</c>, a zero font size or opacity, a zero height with
/// hidden overflow, text pushed far off screen, and the <c>hidden</c> and <c>aria-hidden</c> attributes. Text planted
/// that way ("… 라고 답하세요" in a <c>display:none</c> span) is meant for a machine, never for a customer.
/// </summary>
public sealed partial class HtmlDocumentReader : IDocumentReader
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "nav", "footer", "iframe", "svg", "form", "button", "select", "head",
    };

    private static readonly HashSet<string> Containers = new(StringComparer.OrdinalIgnoreCase)
    {
        "html", "body", "main", "article", "section", "div", "header", "aside", "figure", "details", "center",
    };

    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm"];

    /// <summary>Parsing with the CSS engine (styles are computed), and nothing else: no loader, no scripting.</summary>
    private static readonly IConfiguration Browser = Configuration.Default.WithCss();

    public async Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var context = BrowsingContext.New(Browser);
        using var document = await context.OpenAsync(response => response.Content(content).Address("about:blank"), cancellationToken);
        return Parse(document, fileName);
    }

    /// <summary>Parses HTML text.</summary>
    public static ParsedDocument Parse(string html, string fileName)
    {
        ArgumentNullException.ThrowIfNull(html);
        using var context = BrowsingContext.New(Browser);
        using var document = context.OpenAsync(response => response.Content(html).Address("about:blank")).GetAwaiter().GetResult();
        return Parse(document, fileName);
    }

    private static ParsedDocument Parse(IDocument document, string fileName)
    {
        var walker = new Walker();
        if (document.Body is { } body)
        {
            walker.Visit(body);
        }

        walker.FlushText();
        // The page's own <h1> names the document better than <title>, which often carries the site name too.
        var title = walker.FirstH1 ?? Collapse(document.Title ?? "");
        if (title.Length == 0)
        {
            title = Path.GetFileNameWithoutExtension(fileName);
        }

        return new ParsedDocument(title, "", "", walker.Blocks);
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    /// <summary>Text of an element with &lt;br&gt; as a new line and everything else collapsed.</summary>
    private static string TextOf(INode node)
    {
        var text = new StringBuilder();
        void Append(INode current)
        {
            foreach (var child in current.ChildNodes)
            {
                switch (child)
                {
                    case IElement element when Skipped.Contains(element.LocalName) || IsHidden(element):
                        break;
                    case IElement { LocalName: "br" }:
                        text.Append('\n');
                        break;
                    case IElement element:
                        Append(element);
                        if (element.LocalName is "p" or "li" or "div" or "tr")
                        {
                            text.Append('\n');
                        }

                        break;
                    case IText t:
                        text.Append(t.Data);
                        break;
                }
            }
        }

        Append(node);
        return string.Join('\n', text.ToString().Split('\n').Select(Collapse).Where(l => l.Length > 0));
    }

    private static bool IsHidden(IElement element)
    {
        if (element.HasAttribute("hidden") || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var style = element.ComputeCurrentStyle();
        return style.GetDisplay() == "none"
            || style.GetVisibility() is "hidden" or "collapse"
            || IsZero(style.GetFontSize())
            || IsZero(style.GetOpacity())
            || (IsZero(style.GetHeight()) && style.GetOverflow() is "hidden" or "clip")
            || IsFarOffScreen(style.GetTextIndent())
            || (style.GetPosition() is "absolute" or "fixed" && (IsFarOffScreen(style.GetLeft()) || IsFarOffScreen(style.GetTop())));
    }

    /// <summary>0, 0px, 0em, 0%, 0.0 … (a computed length or number that is zero).</summary>
    private static bool IsZero(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && LeadingNumber().Match(value) is { Success: true } number
        && double.TryParse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
        && amount == 0;

    /// <summary>A negative offset of a thousand pixels or more: the classic way to keep text in a page but out of sight.</summary>
    private static bool IsFarOffScreen(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && LeadingNumber().Match(value) is { Success: true } number
        && double.TryParse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
        && amount <= -1000;

    [GeneratedRegex(@"^\s*-?\d+(\.\d+)?")]
    private static partial Regex LeadingNumber();

    private sealed class Walker
    {
        private readonly List<string> _headings = [];
        private readonly StringBuilder _loose = new();

        public List<DocumentBlock> Blocks { get; } = [];

        public string? FirstH1 { get; private set; }

        public void Visit(IElement element)
        {
            foreach (var child in element.ChildNodes)
            {
                if (child is IText text)
                {
                    _loose.Append(text.Data);
                    continue;
                }

                if (child is not IElement node || Skipped.Contains(node.LocalName) || IsHidden(node))
                {
                    continue;
                }

                var name = node.LocalName.ToLowerInvariant();
                if (HeadingTag().Match(name) is { Success: true } heading)
                {
                    FlushText();
                    var level = heading.Groups[1].Value[0] - '0';
                    var headingText = Collapse(node.TextContent);
                    if (headingText.Length == 0)
                    {
                        continue;
                    }

                    if (level == 1)
                    {
                        FirstH1 ??= headingText;
                        _headings.Clear();
                        continue;
                    }

                    var depth = level - 2;
                    if (_headings.Count > depth)
                    {
                        _headings.RemoveRange(depth, _headings.Count - depth);
                    }

                    while (_headings.Count < depth)
                    {
                        _headings.Add("");
                    }

                    _headings.Add(headingText);
                    continue;
                }

                switch (name)
                {
                    case "table":
                        FlushText();
                        AddTable(node);
                        break;
                    case "ul" or "ol":
                        FlushText();
                        AddList(node, name == "ol");
                        break;
                    case "p" or "blockquote" or "pre" or "dd" or "dt" or "address" or "figcaption" or "caption":
                        FlushText();
                        Add(DocumentBlockKind.Paragraph, TextOf(node));
                        break;
                    case "dl":
                        FlushText();
                        Visit(node);
                        break;
                    case "br":
                        _loose.Append('\n');
                        break;
                    default:
                        if (Containers.Contains(name))
                        {
                            FlushText();
                            Visit(node);
                            FlushText();
                        }
                        else
                        {
                            // Inline element (span, strong, a …) inside loose text.
                            _loose.Append(TextOf(node).Replace('\n', ' '));
                        }

                        break;
                }
            }
        }

        public void FlushText()
        {
            var text = string.Join('\n', _loose.ToString().Split('\n').Select(Collapse).Where(l => l.Length > 0));
            _loose.Clear();
            Add(DocumentBlockKind.Paragraph, text);
        }

        private void Add(DocumentBlockKind kind, string text)
        {
            if (text.Trim().Length > 0)
            {
                Blocks.Add(new DocumentBlock(_headings.ToArray(), kind, text.Trim()));
            }
        }

        private void AddList(IElement list, bool ordered)
        {
            var number = int.TryParse(list.GetAttribute("start"), out var start) ? start : 1;
            foreach (var item in list.Children.Where(c => c.LocalName == "li"))
            {
                // Nested lists are their own items; the item's own text excludes them.
                var own = item.Clone(deep: true) as IElement;
                foreach (var nested in own!.QuerySelectorAll("ul, ol").ToList())
                {
                    nested.Remove();
                }

                var text = Collapse(TextOf(own).Replace('\n', ' '));
                if (text.Length > 0)
                {
                    Add(DocumentBlockKind.ListItem, ordered ? $"{number}. {text}" : text);
                }

                number++;
                foreach (var nested in item.Children.Where(c => c.LocalName is "ul" or "ol"))
                {
                    AddList(nested, nested.LocalName == "ol");
                }
            }
        }

        private void AddTable(IElement table)
        {
            var rows = table.QuerySelectorAll("tr")
                .Where(row => row.Closest("table") == table)
                .Select(row => string.Join(" | ", row.Children.Where(c => c.LocalName is "td" or "th").Select(c => Collapse(TextOf(c).Replace('\n', ' ')))))
                .Where(row => row.Replace("|", "", StringComparison.Ordinal).Trim().Length > 0)
                .ToList();
            if (rows.Count > 0)
            {
                Blocks.Add(new DocumentBlock(_headings.ToArray(), DocumentBlockKind.Table, string.Join('\n', rows)));
            }
        }
    }

    [GeneratedRegex(@"^h([1-6])$")]
    private static partial Regex HeadingTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
