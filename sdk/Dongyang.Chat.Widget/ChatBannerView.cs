using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Dongyang.Chat.Widget;

/// <summary>The connection banner: connecting, reconnecting, offline, unreachable or refused, with the counsellor line when the chat cannot help.</summary>
internal sealed class ChatBannerView : ComponentBase
{
    /// <summary>What the customer reads.</summary>
    [Parameter, EditorRequired]
    public string Status { get; set; } = "";

    /// <summary>The state for scripts and styles: <c>connecting</c>, <c>reconnecting</c>, <c>offline</c>, <c>unavailable</c> or <c>refused</c>.</summary>
    [Parameter, EditorRequired]
    public string State { get; set; } = "";

    /// <summary>The counsellor line to show under it, or <see langword="null"/>.</summary>
    [Parameter]
    public string? Contact { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "p");
        builder.AddAttribute(1, "class", "dc-status");
        builder.AddAttribute(2, "role", "status");
        builder.AddAttribute(3, "data-state", State);
        builder.AddAttribute(4, ChatStyles.Scope);
        builder.AddContent(5, Status);
        builder.CloseElement();
        if (Contact is { } contact)
        {
            builder.OpenElement(6, "p");
            builder.AddAttribute(7, "class", "dc-contact");
            builder.AddAttribute(8, ChatStyles.Scope);
            builder.AddContent(9, contact);
            builder.CloseElement();
        }
    }
}
