using System.Globalization;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace Dongyang.Chat.Widget;

/// <summary>
/// One line of the conversation: the customer's question, a notice, a counsellor's reply, or an answer with its typing
/// indicator, citations, counsellor offer, 👍/👎 and comment box. What it does goes to the <see cref="ChatSession"/>.
/// </summary>
internal sealed class ChatMessageView : ComponentBase
{
    [Parameter, EditorRequired]
    public ChatEntry Entry { get; set; } = null!;

    [Parameter, EditorRequired]
    public ChatSession Session { get; set; } = null!;

    [Parameter, EditorRequired]
    public ChatStrings Strings { get; set; } = null!;

    /// <summary>Makes the ids of this component's elements unique on the page.</summary>
    [Parameter, EditorRequired]
    public string IdPrefix { get; set; } = "";

    /// <summary>Opens a cited section by the answer's key and the citation's number.</summary>
    [Parameter, EditorRequired]
    public Func<string, int, Task> OpenCitation { get; set; } = null!;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var entry = Entry;
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "dc-message " + KindClass(entry.Kind));
        builder.AddAttribute(2, "data-status", entry.Status.ToString().ToLowerInvariant());
        builder.AddAttribute(3, "data-reveal", entry.Reveal);
        builder.AddAttribute(4, ChatStyles.Scope);
        builder.OpenElement(5, "span");
        builder.AddAttribute(6, "class", "dc-visually-hidden");
        builder.AddAttribute(7, ChatStyles.Scope);
        builder.AddContent(8, SpeakerOf(entry.Kind));
        builder.AddContent(9, ": ");
        builder.CloseElement();
        switch (entry.Kind)
        {
            case EntryKind.User:
                Bubble(builder, 10, "dc-bubble", entry.Text);
                if (entry.Status == EntryStatus.Queued && Session.Connection != ChatConnectionState.Connected)
                {
                    Bubble(builder, 11, "dc-note", Strings.Waiting);
                }

                break;
            case EntryKind.Notice:
                Bubble(builder, 12, "dc-bubble dc-notice", entry.Text);
                break;
            case EntryKind.Counsellor:
                builder.OpenElement(13, "div");
                builder.AddAttribute(14, "class", "dc-speaker");
                builder.AddAttribute(15, "aria-hidden", "true");
                builder.AddAttribute(16, ChatStyles.Scope);
                builder.AddContent(17, Strings.Counsellor);
                builder.CloseElement();
                Bubble(builder, 18, "dc-bubble", entry.Text);
                break;
            default:
                BuildAnswer(builder, entry);
                break;
        }

        builder.CloseElement();
    }

    private static string KindClass(EntryKind kind) => kind switch
    {
        EntryKind.User => "dc-user",
        EntryKind.Notice => "dc-bot dc-system",
        EntryKind.Counsellor => "dc-bot dc-counsellor",
        _ => "dc-bot",
    };

    /// <summary>A <c>div</c> of the given class with text in it.</summary>
    private static void Bubble(RenderTreeBuilder builder, int sequence, string cssClass, string text)
    {
        builder.OpenRegion(sequence);
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", cssClass);
        builder.AddAttribute(2, ChatStyles.Scope);
        builder.AddContent(3, text);
        builder.CloseElement();
        builder.CloseRegion();
    }

    private string SpeakerOf(EntryKind kind) => kind switch
    {
        EntryKind.User => Strings.You,
        EntryKind.Counsellor => Strings.Counsellor,
        _ => Strings.Bot,
    };

    private void BuildAnswer(RenderTreeBuilder builder, ChatEntry entry)
    {
        builder.OpenRegion(20);
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "dc-bubble dc-markdown");
        builder.AddAttribute(2, ChatStyles.Scope);
        builder.AddMarkupContent(3, CitationMarkers.Link(SafeMarkdown.ToHtml(entry.Text), entry.Key, entry.Citations, Strings));
        if (entry.Status is EntryStatus.Streaming or EntryStatus.Queued)
        {
            builder.OpenElement(4, "span");
            builder.AddAttribute(5, "class", "dc-typing");
            builder.AddAttribute(6, "role", "img");
            builder.AddAttribute(7, "aria-label", Strings.Typing);
            builder.AddAttribute(8, ChatStyles.Scope);
            for (var dot = 0; dot < 3; dot++)
            {
                builder.OpenElement(9, "span");
                builder.AddAttribute(10, ChatStyles.Scope);
                builder.CloseElement();
            }

            builder.CloseElement();
        }

        builder.CloseElement();
        if (entry.Citations.Count > 0)
        {
            builder.OpenElement(11, "details");
            builder.AddAttribute(12, "class", "dc-citations");
            builder.AddAttribute(13, ChatStyles.Scope);
            builder.OpenElement(14, "summary");
            builder.AddAttribute(15, ChatStyles.Scope);
            builder.AddContent(16, string.Format(CultureInfo.InvariantCulture, Strings.Sources, entry.Citations.Count));
            builder.CloseElement();
            builder.OpenElement(17, "ol");
            builder.AddAttribute(18, ChatStyles.Scope);
            foreach (var citation in entry.Citations)
            {
                builder.OpenComponent<ChatCitationView>(19);
                builder.AddComponentParameter(20, nameof(ChatCitationView.Citation), citation);
                builder.AddComponentParameter(21, nameof(ChatCitationView.Strings), Strings);
                builder.AddComponentParameter(22, nameof(ChatCitationView.OnOpen), EventCallback.Factory.Create(this, () => OpenCitation(entry.Key, citation.Index)));
                builder.CloseComponent();
            }

            builder.CloseElement();
            builder.CloseElement();
        }

        if (entry.Status == EntryStatus.Done && entry.OffersHandoff)
        {
            builder.OpenElement(23, "button");
            builder.AddAttribute(24, "type", "button");
            builder.AddAttribute(25, "class", "dc-action dc-handoff-offer");
            builder.AddAttribute(26, "data-action", "handoff-offer");
            builder.AddAttribute(27, "onclick", EventCallback.Factory.Create(this, Session.RequestHandoffAsync));
            builder.AddAttribute(28, ChatStyles.Scope);
            builder.AddContent(29, Strings.OffersHandoff);
            builder.CloseElement();
        }

        if (entry.Status == EntryStatus.Done && entry.MessageId is not null)
        {
            BuildFeedback(builder, entry);
        }

        builder.CloseRegion();
    }

    private void BuildFeedback(RenderTreeBuilder builder, ChatEntry entry)
    {
        builder.OpenRegion(30);
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "dc-feedback");
        builder.AddAttribute(2, ChatStyles.Scope);
        RatingButton(builder, 3, entry, 1, Strings.Helpful, "helpful", ChatIcons.ThumbUp);
        RatingButton(builder, 4, entry, -1, Strings.NotHelpful, "not-helpful", ChatIcons.ThumbDown);
        if (entry.FeedbackSent)
        {
            builder.OpenElement(5, "span");
            builder.AddAttribute(6, "class", "dc-note");
            builder.AddAttribute(7, "role", "status");
            builder.AddAttribute(8, ChatStyles.Scope);
            builder.AddContent(9, Strings.FeedbackThanks);
            builder.CloseElement();
        }

        builder.CloseElement();
        if (entry.CommentOpen)
        {
            var commentId = $"{IdPrefix}-comment-{entry.Key}";
            builder.OpenElement(10, "form");
            builder.AddAttribute(11, "class", "dc-comment");
            builder.AddAttribute(12, "data-reveal", "nearest");
            builder.AddAttribute(13, "onsubmit", EventCallback.Factory.Create(this, () => Session.SendCommentAsync(entry)));
            builder.AddEventPreventDefaultAttribute(14, "onsubmit", true);
            builder.AddAttribute(15, ChatStyles.Scope);
            builder.OpenElement(16, "label");
            builder.AddAttribute(17, "for", commentId);
            builder.AddAttribute(18, ChatStyles.Scope);
            builder.AddContent(19, Strings.FeedbackCommentLabel);
            builder.CloseElement();
            builder.OpenElement(20, "textarea");
            builder.AddAttribute(21, "id", commentId);
            builder.AddAttribute(22, "rows", "2");
            builder.AddAttribute(23, "maxlength", FeedbackLimits.MaxCommentLength);
            builder.AddAttribute(24, "value", BindConverter.FormatValue(entry.Comment));
            builder.AddAttribute(25, "onchange", EventCallback.Factory.CreateBinder(this, value => entry.Comment = value ?? "", entry.Comment));
            builder.SetUpdatesAttributeName("value");
            builder.AddAttribute(26, ChatStyles.Scope);
            builder.CloseElement();
            builder.OpenElement(27, "button");
            builder.AddAttribute(28, "type", "submit");
            builder.AddAttribute(29, "class", "dc-action");
            builder.AddAttribute(30, ChatStyles.Scope);
            builder.AddContent(31, Strings.FeedbackSubmit);
            builder.CloseElement();
            builder.CloseElement();
        }

        builder.CloseRegion();
    }

    private void RatingButton(RenderTreeBuilder builder, int sequence, ChatEntry entry, int rating, string label, string action, MarkupString icon)
    {
        builder.OpenRegion(sequence);
        builder.OpenElement(0, "button");
        builder.AddAttribute(1, "type", "button");
        builder.AddAttribute(2, "class", "dc-icon");
        builder.AddAttribute(3, "aria-label", label);
        builder.AddAttribute(4, "aria-pressed", entry.Rating == rating ? "true" : "false");
        builder.AddAttribute(5, "data-action", action);
        builder.AddAttribute(6, "onclick", EventCallback.Factory.Create(this, () => Session.RateAsync(entry, rating)));
        builder.AddAttribute(7, ChatStyles.Scope);
        builder.AddContent(8, icon);
        builder.CloseElement();
        builder.CloseRegion();
    }
}
