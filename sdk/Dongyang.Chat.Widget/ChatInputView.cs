using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace Dongyang.Chat.Widget;

/// <summary>The message box and its send button; the draft is its own until sent.</summary>
internal sealed class ChatInputView : ComponentBase
{
    private ElementReference input;
    private string draft = "";

    /// <summary>The id of the box (its label points at it).</summary>
    [Parameter, EditorRequired]
    public string InputId { get; set; } = "";

    [Parameter, EditorRequired]
    public ChatStrings Strings { get; set; } = null!;

    /// <summary>Sends the typed text; the box is empty again at once.</summary>
    [Parameter, EditorRequired]
    public EventCallback<string> OnSend { get; set; }

    /// <summary>Moves keyboard focus to the box; throws while it is not rendered.</summary>
    public ValueTask FocusAsync() => input.FocusAsync();

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "form");
        builder.AddAttribute(1, "class", "dc-composer");
        builder.AddAttribute(2, "onsubmit", EventCallback.Factory.Create(this, SubmitAsync));
        builder.AddEventPreventDefaultAttribute(3, "onsubmit", true);
        builder.AddAttribute(4, ChatStyles.Scope);
        builder.OpenElement(5, "label");
        builder.AddAttribute(6, "class", "dc-visually-hidden");
        builder.AddAttribute(7, "for", InputId);
        builder.AddAttribute(8, ChatStyles.Scope);
        builder.AddContent(9, Strings.InputLabel);
        builder.CloseElement();
        builder.OpenElement(10, "input");
        builder.AddAttribute(11, "type", "text");
        builder.AddAttribute(12, "id", InputId);
        builder.AddAttribute(13, "class", "dc-input");
        builder.AddAttribute(14, "maxlength", ChatLimits.MaxMessageLength);
        builder.AddAttribute(15, "placeholder", Strings.InputPlaceholder);
        builder.AddAttribute(16, "autocomplete", "off");
        builder.AddAttribute(17, "enterkeyhint", "send");
        builder.AddAttribute(18, "value", BindConverter.FormatValue(draft));
        builder.AddAttribute(19, "oninput", EventCallback.Factory.CreateBinder(this, value => draft = value ?? "", draft));
        builder.SetUpdatesAttributeName("value");
        builder.AddAttribute(20, ChatStyles.Scope);
        builder.AddElementReferenceCapture(21, reference => input = reference);
        builder.CloseElement();
        builder.OpenElement(22, "button");
        builder.AddAttribute(23, "type", "submit");
        builder.AddAttribute(24, "class", "dc-send");
        builder.AddAttribute(25, "aria-label", Strings.Send);
        builder.AddAttribute(26, "disabled", string.IsNullOrWhiteSpace(draft));
        builder.AddAttribute(27, ChatStyles.Scope);
        builder.AddContent(28, ChatIcons.Send);
        builder.CloseElement();
        builder.CloseElement();
    }

    private async Task SubmitAsync()
    {
        var text = draft;
        draft = "";
        await OnSend.InvokeAsync(text);
    }
}
