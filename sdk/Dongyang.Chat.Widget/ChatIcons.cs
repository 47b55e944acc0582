using Microsoft.AspNetCore.Components;

namespace Dongyang.Chat.Widget;

/// <summary>
/// The widget's icons as inline SVG, not emoji or dingbat characters: those render as empty boxes where no colour-emoji
/// (or symbol) font is installed. Sized and coloured by attributes (the frame's style-src allows no inline style), hidden
/// from assistive technology (and carrying the stylesheet's scope, as markup strings get none): every button that shows one has its own accessible name.
/// </summary>
internal static class ChatIcons
{
    public static MarkupString Chat { get; } = Icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z", 28);

    public static MarkupString Close { get; } = Icon("M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z");

    public static MarkupString Send { get; } = Icon("M2.01 21 23 12 2.01 3 2 10l15 2-15 2z");

    public static MarkupString ThumbUp { get; } = Icon("M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.31l.95-4.57.03-.32a1.5 1.5 0 0 0-.44-1.06L13.17 1 6.59 7.59A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z");

    public static MarkupString ThumbDown { get; } = Icon("M15 3H6a2 2 0 0 0-1.84 1.22l-3.02 7.05A2 2 0 0 0 1 12v2a2 2 0 0 0 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59A2 2 0 0 0 17 15V5a2 2 0 0 0-2-2zm4 0v12h4V3h-4z");

    private static MarkupString Icon(string path, int size = 18) =>
        new($"""<svg {ChatStyles.Scope} class="dc-svg" viewBox="0 0 24 24" width="{size}" height="{size}" fill="currentColor" aria-hidden="true" focusable="false"><path {ChatStyles.Scope} d="{path}"/></svg>""");
}
