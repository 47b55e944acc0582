using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Widget;

/// <summary>
/// Turns the <c>[n]</c> markers of a rendered answer into buttons that open the cited section. Only markers with a
/// citation of that number become buttons, and only in text: never inside a tag, a link or code.
/// </summary>
internal static partial class CitationMarkers
{
    public static string Link(string html, string entryKey, IReadOnlyList<Citation> citations, ChatStrings strings)
    {
        if (citations.Count == 0 || !html.Contains('[', StringComparison.Ordinal))
        {
            return html;
        }

        var result = new StringBuilder(html.Length + 128);
        var skipDepth = 0;
        foreach (var part in TagOrText().Split(html))
        {
            if (part.StartsWith('<'))
            {
                if (SkippedTag().Match(part) is { Success: true } tag)
                {
                    skipDepth += tag.Groups["close"].Success ? -1 : 1;
                }

                result.Append(part);
                continue;
            }

            result.Append(skipDepth > 0 ? part : Marker().Replace(part, m =>
            {
                var index = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
                var citation = citations.FirstOrDefault(c => c.Index == index);
                if (citation is null)
                {
                    return m.Value;
                }

                var label = WebUtility.HtmlEncode(string.Format(CultureInfo.InvariantCulture, strings.OpenSource, index, citation.Title));
                return $"<button type=\"button\" class=\"dc-cite\" data-entry=\"{WebUtility.HtmlEncode(entryKey)}\" data-cite=\"{index}\" aria-label=\"{label}\">[{index}]</button>";
            }));
        }

        return result.ToString();
    }

    [GeneratedRegex("(<[^>]*>)")]
    private static partial Regex TagOrText();

    [GeneratedRegex(@"^<(?<close>/)?(a|code|pre)[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex SkippedTag();

    [GeneratedRegex(@"\[(?<n>[1-9][0-9]?)\]")]
    private static partial Regex Marker();
}
