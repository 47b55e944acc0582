using System.Net.Http.Json;
using Chatbot.Testing;
using Dongyang.Chat.Client.Tests;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>The component shows messages the server pushes: a counsellor's reply, and another tab's question and answer.</summary>
public sealed class PushedMessageWidgetTests : BunitContext, IClassFixture<SharedServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SharedServer fixture;

    public PushedMessageWidgetTests(SharedServer fixture)
    {
        this.fixture = fixture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = Patience;
    }

    [Theory]
    [InlineData(null, "상담원")]
    [InlineData("en", "Counsellor")]
    public async Task Counsellor_reply_appears_once_named_as_the_counsellor(string? lang, string speaker)
    {
        var cut = RenderChat(lang: lang);
        await cut.InvokeAsync(() => cut.Instance.SendAsync("상담원과 이야기하고 싶어요"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".dc-bot[data-status=done]")));
        using var admin = fixture.Server.CreateAdminClient();

        using var reply = await admin.PostAsJsonAsync(
            $"/api/admin/conversations/{cut.Instance.ConversationId}/messages",
            new { text = "<b>상담원</b> 박민수입니다. 청구 서류를 확인해 드릴게요.", clientMessageId = Guid.NewGuid().ToString("N") });

        reply.EnsureSuccessStatusCode();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".dc-counsellor")));
        var counsellor = cut.Find(".dc-counsellor");
        Assert.Equal(speaker, counsellor.QuerySelector(".dc-speaker")!.TextContent);
        Assert.Equal(speaker + ": ", counsellor.QuerySelector(".dc-visually-hidden")!.TextContent);
        // Shown as text, never as markup.
        Assert.Equal("<b>상담원</b> 박민수입니다. 청구 서류를 확인해 드릴게요.", counsellor.QuerySelector(".dc-bubble")!.TextContent);
        Assert.Empty(counsellor.QuerySelectorAll("b"));
        Assert.Empty(counsellor.QuerySelectorAll("[data-action=helpful]"));
    }

    [Fact]
    public async Task Counsellor_reply_still_appears_after_the_customer_signs_in()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, siteKey)
            .Add(c => c.Embedded, true));
        await cut.InvokeAsync(() => cut.Instance.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".dc-bot[data-status=done]")));

        // The component replaces its client for the new identity; the new client's pushes must reach the screen too.
        var id = "customer-" + Guid.NewGuid().ToString("N");
        cut.Render(p => p.Add(c => c.User, new Client.DongyangChatUser(id, SharedServer.IdentityHash(secret, id))));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-user")));
        await cut.InvokeAsync(() => cut.Instance.SendAsync("상담원과 이야기하고 싶어요"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".dc-bot[data-status=done]")));
        using var admin = fixture.Server.CreateAdminClient();

        using var reply = await admin.PostAsJsonAsync(
            $"/api/admin/conversations/{cut.Instance.ConversationId}/messages",
            new { text = "상담원 박민수입니다. 로그인하신 계정으로 도와드릴게요.", clientMessageId = Guid.NewGuid().ToString("N") });

        reply.EnsureSuccessStatusCode();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".dc-counsellor")));
        Assert.Equal("상담원 박민수입니다. 로그인하신 계정으로 도와드릴게요.", cut.Find(".dc-counsellor .dc-bubble").TextContent);
    }

    [Fact]
    public async Task Second_tab_shows_the_first_tabs_new_question_and_answer_exactly_once()
    {
        var first = RenderChat();
        await first.InvokeAsync(() => first.Instance.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?"));
        first.WaitForAssertion(() => Assert.NotEmpty(first.FindAll("[data-action=helpful]")));
        var second = RenderChat(first.Instance.ConversationId);
        second.WaitForAssertion(() => Assert.Single(second.FindAll(".dc-user")));

        await first.InvokeAsync(() => first.Instance.SendAsync("해지환급금은 어떻게 계산되나요?"));

        second.WaitForAssertion(() => Assert.Equal(2, second.FindAll(".dc-bot[data-status=done] .dc-markdown").Count));
        Assert.Equal(["보험금 청구할 때 필요한 서류는 뭐예요?", "해지환급금은 어떻게 계산되나요?"], second.FindAll(".dc-user .dc-bubble").Select(b => b.TextContent));
        first.WaitForAssertion(() => Assert.Equal(2, first.FindAll("[data-action=helpful]").Count));
        Assert.Equal(2, first.FindAll(".dc-user").Count);
        Assert.Equal(
            first.FindAll(".dc-bot[data-status=done] .dc-markdown")[^1].TextContent,
            second.FindAll(".dc-bot[data-status=done] .dc-markdown")[^1].TextContent);
    }

    private IRenderedComponent<DongyangChat> RenderChat(Guid? conversationId = null, string? lang = null) =>
        Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey)
            .Add(c => c.Lang, lang)
            .Add(c => c.ConversationId, conversationId)
            .Add(c => c.Embedded, true));
}
