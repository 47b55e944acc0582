using System.Globalization;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Dongyang.Chat.Widget;

/// <summary>One cited source under an answer: title, 조/항 and page, the snippet, and "read in full".</summary>
internal sealed class ChatCitationView : ComponentBase
{
    [Parameter, EditorRequired]
    public Citation Citation { get; set; } = null!;

    [Parameter, EditorRequired]
    public ChatStrings Strings { get; set; } = null!;

    /// <summary>Opens the whole cited section inside the chat.</summary>
    [Parameter, EditorRequired]
    public EventCallback OnOpen { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var citation = Citation;
        builder.OpenElement(0, "li");
        builder.AddAttribute(1, "value", citation.Index);
        builder.AddAttribute(2, ChatStyles.Scope);
        builder.OpenElement(3, "details");
        builder.AddAttribute(4, "class", "dc-citation");
        builder.AddAttribute(5, ChatStyles.Scope);
        builder.OpenElement(6, "summary");
        builder.AddAttribute(7, ChatStyles.Scope);
        builder.OpenElement(8, "strong");
        builder.AddAttribute(9, ChatStyles.Scope);
        builder.AddContent(10, citation.Title);
        builder.CloseElement();
        if (!string.IsNullOrEmpty(citation.Section))
        {
            builder.OpenElement(11, "span");
            builder.AddAttribute(12, ChatStyles.Scope);
            builder.AddContent(13, " · ");
            builder.AddContent(14, citation.Section);
            builder.CloseElement();
        }

        if (citation.Page is { } page)
        {
            builder.OpenElement(15, "span");
            builder.AddAttribute(16, ChatStyles.Scope);
            builder.AddContent(17, " · ");
            builder.AddContent(18, string.Format(CultureInfo.InvariantCulture, Strings.Page, page));
            builder.CloseElement();
        }

        builder.CloseElement();
        builder.OpenElement(19, "p");
        builder.AddAttribute(20, "class", "dc-snippet");
        builder.AddAttribute(21, ChatStyles.Scope);
        builder.AddContent(22, citation.Snippet);
        builder.CloseElement();
        builder.OpenElement(23, "button");
        builder.AddAttribute(24, "type", "button");
        builder.AddAttribute(25, "class", "dc-action");
        builder.AddAttribute(26, "data-action", "open-source");
        builder.AddAttribute(27, "aria-label", string.Format(CultureInfo.InvariantCulture, Strings.OpenSource, citation.Index, citation.Title));
        builder.AddAttribute(28, "onclick", OnOpen);
        builder.AddAttribute(29, ChatStyles.Scope);
        builder.AddContent(30, Strings.ReadSource);
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
    }
}
