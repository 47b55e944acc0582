namespace Dongyang.Chat.Widget;

/// <summary>
/// The scope of <c>DongyangChat.razor.css</c>, fixed in the project file (<c>CssScope</c>) instead of a generated hash,
/// so the component's parts written in C# (<see cref="ChatMessageView"/>, <see cref="ChatCitationView"/>,
/// <see cref="ChatInputView"/>, <see cref="ChatBannerView"/>) carry it too and the stylesheet applies to them unchanged.
/// (Razor makes every <c>.razor</c> component public; these parts are internal, so they are C#.)
/// </summary>
internal static class ChatStyles
{
    /// <summary>The attribute every element of the widget carries; the same as the project file's <c>CssScope</c>.</summary>
    public const string Scope = "b-dongyang-chat";
}
