using Microsoft.AspNetCore.Components;

namespace Chatbot.CounsellorConsole.Components;

/// <summary>
/// The console's icons as inline SVG, not emoji: 👍/👎 draw as empty boxes where no colour-emoji font is installed
/// (the widget's <c>ChatIcons</c> is the model). Each icon carries its accessible name (<c>role="img"</c> with
/// <c>aria-label</c>), Korean first with English, so a table header or tag that shows only the icon is still named.
/// Sized and coloured by attributes, so no inline style is needed.
/// </summary>
public static class ConsoleIcons
{
    private const string ThumbUpPath = "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.31l.95-4.57.03-.32a1.5 1.5 0 0 0-.44-1.06L13.17 1 6.59 7.59A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";

    private const string ThumbDownPath = "M15 3H6a2 2 0 0 0-1.84 1.22l-3.02 7.05A2 2 0 0 0 1 12v2a2 2 0 0 0 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59A2 2 0 0 0 17 15V5a2 2 0 0 0-2-2zm4 0v12h4V3h-4z";

    /// <summary>Thumbs up, named "좋아요 (thumbs up)".</summary>
    public static MarkupString ThumbUp { get; } = Icon(ThumbUpPath, "좋아요 (thumbs up)");

    /// <summary>Thumbs down, named "싫어요 (thumbs down)".</summary>
    public static MarkupString ThumbDown { get; } = Icon(ThumbDownPath, "싫어요 (thumbs down)");

    private static MarkupString Icon(string path, string name) =>
        new($"""<svg class="icon" viewBox="0 0 24 24" width="16" height="16" fill="currentColor" role="img" aria-label="{name}" focusable="false"><title>{name}</title><path d="{path}"/></svg>""");
}
