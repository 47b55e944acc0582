using Chatbot.Testing;
using Dongyang.Chat.Client.Tests;
using Microsoft.EntityFrameworkCore;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>The component rendered by bUnit, talking to the real server through the real client.</summary>
public sealed class DongyangChatTests : BunitContext, IClassFixture<SharedServer>
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SharedServer fixture;

    public DongyangChatTests(SharedServer fixture)
    {
        this.fixture = fixture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = Patience;
    }

    [Fact]
    public async Task Question_streams_into_an_answer_with_expandable_citations_and_follow_ups()
    {
        var cut = RenderChat(fixture.Server.BaseAddress);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));

        cut.Find(".dc-input").Input(ClaimQuestion);
        await cut.Find("form.dc-composer").SubmitAsync();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));
        var answer = cut.Find(".dc-bot[data-status=done] .dc-markdown");
        Assert.Contains("[1]", answer.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".dc-typing"));
        Assert.Equal(ClaimQuestion, cut.Find(".dc-user .dc-bubble").TextContent);
        var citations = cut.Find("details.dc-citations");
        Assert.Matches(@"출처 \d+개", citations.QuerySelector("summary")!.TextContent);
        var first = citations.QuerySelector("details.dc-citation")!;
        Assert.False(string.IsNullOrWhiteSpace(first.QuerySelector("strong")!.TextContent));
        Assert.False(string.IsNullOrWhiteSpace(first.QuerySelector(".dc-snippet")!.TextContent));
        Assert.NotEmpty(cut.FindAll(".dc-suggestions .dc-chip"));
        Assert.Equal("log", cut.Find(".dc-messages").GetAttribute("role"));
        Assert.Equal("polite", cut.Find(".dc-messages").GetAttribute("aria-live"));
    }

    [Fact]
    public async Task Typing_indicator_shows_while_the_answer_is_on_its_way()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        var cut = RenderChat(relay.BaseAddress);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));
        relay.Cut();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".dc-status")));

        _ = cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find(".dc-typing")));
        Assert.Equal("답변을 작성하고 있습니다", cut.Find(".dc-typing").GetAttribute("aria-label"));
        relay.Restore();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-typing")));
    }

    [Fact]
    public async Task Feedback_with_a_comment_is_stored_with_the_answer()
    {
        var cut = RenderChat(fixture.Server.BaseAddress);
        await cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=not-helpful]")));

        await cut.Find("[data-action=not-helpful]").ClickAsync(new());
        cut.Find(".dc-comment textarea").Change("서류 발급처도 알려 주세요");
        await cut.Find("form.dc-comment").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains("의견 감사합니다.", cut.Markup, StringComparison.Ordinal));
        Assert.Equal("true", cut.Find("[data-action=not-helpful]").GetAttribute("aria-pressed"));
        await using var database = fixture.OpenDatabase();
        var conversationId = cut.Instance.ConversationId;
        var feedback = await database.Feedback.Include(f => f.Message).SingleAsync(f => f.Message!.ConversationId == conversationId);
        Assert.Equal(-1, feedback.Rating);
        Assert.Equal("서류 발급처도 알려 주세요", feedback.Comment);
    }

    [Fact]
    public async Task Handoff_shows_the_counsellor_line_and_hours_and_is_recorded()
    {
        var cut = RenderChat(fixture.Server.BaseAddress);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));
        await using var database = fixture.OpenDatabase();
        var before = await database.Handoffs.CountAsync();

        await cut.Find("[data-action=handoff]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("1588-0000", cut.Find(".dc-notice").TextContent, StringComparison.Ordinal));
        Assert.Contains("09:00", cut.Find(".dc-notice").TextContent, StringComparison.Ordinal);
        Assert.Equal(before + 1, await database.Handoffs.CountAsync());
    }

    [Fact]
    public async Task An_english_widget_shows_the_counsellor_hours_in_english_on_handoff()
    {
        var cut = RenderChat(fixture.Server.BaseAddress, "en");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));

        await cut.Find("[data-action=handoff]").ClickAsync(new());

        // The server's Counsellor:Hours, described in the widget's language ("weekdays 09:00–18:00"), not in Korean.
        cut.WaitForAssertion(() => Assert.Contains("weekdays 09:00", cut.Find(".dc-notice").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("평일", cut.Find(".dc-notice").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_english_widget_restores_its_handoff_notice_in_english()
    {
        var cut = RenderChat(fixture.Server.BaseAddress, "en");
        await cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".dc-bot[data-status=done]")));
        await cut.Find("[data-action=handoff]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("weekdays 09:00", cut.Find(".dc-notice").TextContent, StringComparison.Ordinal));

        // The page is reloaded: the conversation comes back from the server's history, notice included, still in English.
        var reloaded = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey)
            .Add(c => c.Lang, "en")
            .Add(c => c.ConversationId, cut.Instance.ConversationId)
            .Add(c => c.Embedded, true));

        reloaded.WaitForAssertion(() => Assert.Single(reloaded.FindAll(".dc-notice")));
        Assert.Contains("weekdays 09:00", reloaded.Find(".dc-notice").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("평일", reloaded.Find(".dc-notice").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_states_are_shown_in_Korean_and_offline_questions_are_sent_once_when_back()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        var cut = RenderChat(relay.BaseAddress);
        Assert.Equal("연결 중…", cut.Find(".dc-status").TextContent);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));

        relay.Cut();
        cut.WaitForAssertion(() => Assert.Equal("재연결 중…", cut.Find(".dc-status").TextContent));
        cut.Render(p => p.Add(c => c.BrowserOffline, true));
        Assert.StartsWith("오프라인", cut.Find(".dc-status").TextContent, StringComparison.Ordinal);
        _ = cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.Equal("연결되면 전송됩니다", cut.Find(".dc-user .dc-note").TextContent));

        relay.Restore();
        cut.Render(p => p.Add(c => c.BrowserOffline, false));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));
        Assert.Empty(cut.FindAll(".dc-status"));
        Assert.Single(cut.FindAll(".dc-user"));
        await using var database = fixture.OpenDatabase();
        var conversationId = cut.Instance.ConversationId;
        Assert.Equal(1, await database.Messages.CountAsync(m => m.ConversationId == conversationId && m.Role == Chatbot.Data.Entities.MessageRole.User));
    }

    [Fact]
    public void English_locale_translates_every_control()
    {
        var cut = RenderChat(fixture.Server.BaseAddress, lang: "en");

        Assert.Equal("en", cut.Find(".dc-root").GetAttribute("lang"));
        Assert.Equal("Send", cut.Find(".dc-send").GetAttribute("aria-label"));
        Assert.Equal("Type your question", cut.Find(".dc-input").GetAttribute("placeholder"));
        Assert.Equal("Talk to a counsellor", cut.Find("[data-action=handoff]").TextContent);
        Assert.Equal("Close chat", cut.Find("[data-action=close]").GetAttribute("aria-label"));
        Assert.StartsWith("Hello!", cut.Find(".dc-bot .dc-bubble").TextContent, StringComparison.Ordinal);
        Assert.Contains("What documents do I need to file a claim?", cut.Find(".dc-suggestions").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Korean_is_the_default_locale()
    {
        var cut = RenderChat(fixture.Server.BaseAddress);

        Assert.Equal("ko", cut.Find(".dc-root").GetAttribute("lang"));
        Assert.Equal("보내기", cut.Find(".dc-send").GetAttribute("aria-label"));
        Assert.Equal("상담원 연결", cut.Find("[data-action=handoff]").TextContent);
        Assert.Equal("메시지 입력", cut.Find("label[for]").TextContent);
    }

    [Fact]
    public async Task Floating_panel_closes_on_Escape_and_counts_answers_that_arrive_while_closed()
    {
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey));
        Assert.Empty(cut.FindAll(".dc-panel"));

        await cut.Find(".dc-launcher").ClickAsync(new());
        Assert.NotNull(cut.Find(".dc-panel"));
        await cut.Find(".dc-panel").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });
        Assert.Empty(cut.FindAll(".dc-panel"));

        await cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find(".dc-badge").TextContent));
        await cut.Find(".dc-launcher").ClickAsync(new());
        Assert.Empty(cut.FindAll(".dc-badge"));
    }

    [Fact]
    public async Task History_is_restored_for_a_known_conversation_and_new_conversation_clears_it()
    {
        var first = RenderChat(fixture.Server.BaseAddress);
        await first.InvokeAsync(() => first.Instance.SendAsync(ClaimQuestion));
        first.WaitForAssertion(() => Assert.NotEmpty(first.FindAll("[data-action=helpful]")));
        var conversationId = first.Instance.ConversationId;
        Assert.NotNull(conversationId);

        Guid? changed = conversationId;
        var second = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey)
            .Add(c => c.Embedded, true)
            .Add(c => c.ConversationId, conversationId)
            .Add(c => c.ConversationIdChanged, id => changed = id));

        second.WaitForAssertion(() => Assert.Equal(ClaimQuestion, second.Find(".dc-user .dc-bubble").TextContent));
        Assert.Single(second.FindAll(".dc-bot[data-status=done] .dc-citations"));
        await second.Find("[data-action=new]").ClickAsync(new());
        Assert.Empty(second.FindAll(".dc-user"));
        Assert.Null(changed);
    }

    private IRenderedComponent<DongyangChat> RenderChat(Uri server, string? lang = null) =>
        Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, server)
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey)
            .Add(c => c.Lang, lang)
            .Add(c => c.Embedded, true));
}
