using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Dongyang.Chat.Widget;

/// <summary>
/// Renders answer Markdown to HTML that is safe to show: raw HTML is escaped, images become plain links, links open
/// in a new tab with <c>rel="noopener noreferrer"</c>, and only http, https, mailto and tel links stay clickable.
/// </summary>
internal static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    private static readonly string[] AllowedSchemes = ["http", "https", "mailto", "tel"];

    /// <summary>Renders <paramref name="markdown"/> to safe HTML.</summary>
    /// <param name="markdown">The Markdown text, from an answer.</param>
    /// <returns>HTML with no raw markup from the input, no scripts and no unsafe links.</returns>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrEmpty(markdown))
        {
            return "";
        }

        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            link.IsImage = false;
            if (IsSafe(link.Url))
            {
                Open(link.GetAttributes());
            }
            else
            {
                // Keep the words (with their emphasis), drop the link. ReplaceBy would also move the link's children
                // in after a replacement holding their text, and show the words twice.
                for (var child = link.FirstChild; child is not null; child = link.FirstChild)
                {
                    child.Remove();
                    link.InsertBefore(child);
                }

                link.Remove();
            }
        }

        foreach (var link in document.Descendants<AutolinkInline>().ToList())
        {
            if (IsSafe(link.IsEmail ? "mailto:" + link.Url : link.Url))
            {
                Open(link.GetAttributes());
            }
            else
            {
                link.ReplaceBy(new LiteralInline(link.Url));
            }
        }

        return document.ToHtml(Pipeline);
    }

    private static void Open(HtmlAttributes attributes)
    {
        attributes.AddPropertyIfNotExist("target", "_blank");
        attributes.AddPropertyIfNotExist("rel", "noopener noreferrer");
    }

    private static bool IsSafe(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so judge without them.
        var compact = new string([.. url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c))]);
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            // Relative links have no scheme of their own; treat them as unsafe in a widget that lives on other sites.
            return false;
        }

        var scheme = compact[..colon];
        return AllowedSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase);
    }
}
