using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>The component's parts written in C# (message, citation, input, banner) render inside its styles' scope.</summary>
public sealed class WidgetPartsTests : BunitContext
{
    public WidgetPartsTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    [Fact]
    public async Task Every_element_of_an_answer_with_citations_feedback_and_comment_box_carries_the_style_scope()
    {
        var chat = new ChatSessionTests.ScriptedChat();
        var conversation = ChatSessionTests.Conversation;
        chat.Script(
            new AcceptedEvent(conversation, Guid.NewGuid()),
            new DeltaEvent("청구서와 진단서가 필요합니다 **[1]**"),
            new CitationsEvent([new Citation(1, "doc-1", "보험금 청구 안내", "제3조", 4, "청구서")]),
            new CompletedEvent(conversation, Guid.NewGuid(), true, ["서류는 어디로 보내나요?"]) { OffersHandoff = true });
        var cut = Render<DongyangChat>(p => p.Add(c => c.Client, chat).Add(c => c.Embedded, true));
        await cut.InvokeAsync(() => cut.Instance.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?"));
        await cut.Find("[data-action=not-helpful]").ClickAsync(new());

        Assert.NotEmpty(cut.FindAll(".dc-citation [data-action=open-source]"));
        Assert.NotEmpty(cut.FindAll("form.dc-comment textarea"));
        Assert.NotEmpty(cut.FindAll("[data-action=handoff-offer]"));
        Assert.NotEmpty(cut.FindAll("form.dc-composer input.dc-input"));
        // Rendered Markdown is styled through ::deep; everything else must carry the scope the stylesheet is rewritten with.
        var unscoped = cut.FindAll(".dc-root, .dc-root *")
            .Where(e => e.Closest(".dc-markdown") is not { } markdown || markdown == e)
            .Where(e => !e.HasAttribute(ChatStyles.Scope))
            .Select(e => e.OuterHtml)
            .ToList();
        Assert.Empty(unscoped);
    }
}
