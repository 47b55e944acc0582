using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// The conversation stays readable as it grows: the newest message in view, the customer's reading place kept,
/// citations that open, the counsellor offered where the server says so, and what history brings back. Whether
/// something is in view is measured (its box inside the message list's visible box), never read from a class name.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed partial class ConversationViewTests(WidgetBrowser browser)
{
    private static readonly string[] Questions =
    [
        "보험금 청구할 때 필요한 서류는 뭐예요?",
        "보험료를 못 내면 어떻게 되나요?",
        "해지환급금은 어떻게 계산되나요?",
        "보험계약대출은 어떻게 받나요?",
    ];

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task Four_questions_in_a_row_leave_each_newest_answer_in_view(int width, int height)
    {
        await using var context = await browser.NewContextAsync(width, height);
        var widget = await OpenWidgetAsync(context);

        for (var i = 0; i < Questions.Length; i++)
        {
            await widget.AskAsync(Questions[i]);
            await widget.WaitForAnswersAsync(i + 1);
            await AssertInViewAsync(widget, widget.DoneAnswers.Nth(i));
        }

        // The list really overflowed, so following it was needed.
        Assert.True(await Messages(widget).EvaluateAsync<bool>("e => e.scrollHeight > e.clientHeight + 100"));
        await Expect(Jump(widget)).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_customer_who_scrolled_up_keeps_their_place_and_a_new_message_button_brings_the_answer()
    {
        await using var context = await browser.NewContextAsync();
        var widget = await OpenWidgetAsync(context);
        for (var i = 0; i < 3; i++)
        {
            await widget.AskAsync(Questions[i]);
            await widget.WaitForAnswersAsync(i + 1);
        }

        // The fourth answer arrives while the customer reads the first one: the question waits for the connection.
        browser.Relay.Cut();
        try
        {
            await Expect(widget.Chat.Locator(".dc-status")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await widget.AskAsync(Questions[3]);
            await AssertInViewAsync(widget, widget.UserBubbles.Nth(3));
            await Messages(widget).EvaluateAsync("e => e.scrollTo({ top: 0, behavior: 'instant' })");
            await Expect(Jump(widget)).ToBeHiddenAsync();
        }
        finally
        {
            browser.Relay.Restore();
        }

        await widget.WaitForAnswersAsync(4);
        await Expect(Jump(widget)).ToBeVisibleAsync();
        await Expect(Jump(widget)).ToHaveTextAsync("새 메시지 ↓");
        await AssertInViewAsync(widget, widget.UserBubbles.First);
        await AssertOutOfViewAsync(widget, widget.DoneAnswers.Nth(3));

        await Jump(widget).ClickAsync();
        await WaitInViewAsync(widget, widget.DoneAnswers.Nth(3));
        await Expect(Jump(widget)).ToBeHiddenAsync();
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task The_comment_box_and_the_handoff_notice_come_into_view(int width, int height)
    {
        await using var context = await browser.NewContextAsync(width, height);
        var widget = await OpenWidgetAsync(context);
        for (var i = 0; i < 3; i++)
        {
            await widget.AskAsync(Questions[i]);
            await widget.WaitForAnswersAsync(i + 1);
        }

        // 👎 on the first answer while it sits at the bottom edge: its comment box opens below the visible part.
        var notHelpful = widget.Chat.Locator("[data-action=not-helpful]").First;
        await notHelpful.EvaluateAsync("b => b.scrollIntoView({ block: 'end', behavior: 'instant' })");
        await notHelpful.ClickAsync();
        var comment = widget.Chat.Locator("form.dc-comment");
        await Expect(comment).ToBeVisibleAsync();
        await WaitInViewAsync(widget, comment);

        // The handoff notice lands at the end of the conversation, far below where the customer is.
        await Messages(widget).EvaluateAsync("e => e.scrollTo({ top: 0, behavior: 'instant' })");
        await widget.Chat.Locator("header [data-action=handoff]").ClickAsync();
        var notice = widget.Chat.Locator(".dc-notice");
        await Expect(notice).ToContainTextAsync("상담원과 연결을 요청했습니다");
        await WaitInViewAsync(widget, notice);
    }

    [Fact]
    public async Task An_answer_the_server_marks_as_offering_a_counsellor_has_a_button_that_requests_the_handoff()
    {
        await using var context = await browser.NewContextAsync();

        // The hub's answer as the answer engine sends it for "상담원 연결": the same completed event, with
        // offersHandoff set. The page's side of the socket is untouched; only that flag is set on the way in.
        await context.RouteWebSocketAsync(new Regex("/hubs/chat"), ws =>
        {
            var server = ws.ConnectToServer();
            server.OnMessage(frame => ws.Send(frame.Text is { } text ? OfferHandoff(text) : frame.Text!));
        });
        var widget = await OpenWidgetAsync(context);

        await widget.AskAsync("상담원 연결해 주세요");
        await widget.WaitForAnswersAsync(1);
        var offer = widget.Chat.Locator(".dc-bot[data-status=done] [data-action=handoff-offer]");
        await Expect(offer).ToHaveCountAsync(1);
        await Expect(offer).ToHaveTextAsync("상담원 연결");

        await offer.ClickAsync();
        var notice = widget.Chat.Locator(".dc-notice");
        await Expect(notice).ToContainTextAsync("상담원과 연결을 요청했습니다");
        await Expect(notice).ToContainTextAsync(await ConfiguredPhoneAsync());
        await WaitInViewAsync(widget, notice);

        // The server recorded the request: the history carries it.
        var history = await HistoryAsync(widget);
        Assert.Equal(1, history.GetProperty("handoffs").GetArrayLength());
    }

    [Fact]
    public async Task A_citation_marker_opens_the_whole_cited_section_inside_the_chat()
    {
        await using var context = await browser.NewContextAsync(390, 844);
        var widget = await OpenWidgetAsync(context);
        await widget.AskAsync(Questions[0]);
        await widget.WaitForAnswersAsync(1);

        var marker = widget.DoneAnswers.First.Locator("button.dc-cite").First;
        await Expect(marker).ToHaveTextAsync("[1]");
        await Expect(marker).ToHaveAttributeAsync("aria-label", new Regex("^출처 1 열기: .+"));
        await marker.ClickAsync();

        var panel = widget.Chat.Locator(".dc-source");
        await Expect(panel).ToHaveAttributeAsync("data-state", "loaded");
        await WaitInViewAsync(widget, panel);

        // What the panel shows is the section the API serves for that citation (with the site key), not the snippet.
        var history = await HistoryAsync(widget);
        var citation = history.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "assistant")
            .GetProperty("citations").EnumerateArray().First(c => c.GetProperty("index").GetInt32() == 1);
        using var http = browser.Server.CreateHttpClient();
        var query = $"documentId={Uri.EscapeDataString(citation.GetProperty("documentId").GetString()!)}";
        if (citation.GetProperty("section").GetString() is { } citedSection)
        {
            query += $"&section={Uri.EscapeDataString(citedSection)}";
        }

        if (citation.GetProperty("page").ValueKind == JsonValueKind.Number)
        {
            query += $"&page={citation.GetProperty("page").GetInt32()}";
        }

        var section = await http.GetFromJsonAsync<JsonElement>($"/api/sources?{query}");
        var text = section.GetProperty("text").GetString()!;
        await Expect(widget.Chat.Locator(".dc-source-title")).ToHaveTextAsync(section.GetProperty("title").GetString()!);
        Assert.Equal(Normalize(text), Normalize(await widget.Chat.Locator(".dc-source-text").InnerTextAsync()));
        if (section.GetProperty("section").GetString() is { } sectionName)
        {
            await Expect(widget.Chat.Locator(".dc-source-location")).ToContainTextAsync(sectionName);
        }

        // Esc closes the source, not the chat.
        await widget.Page.Keyboard.PressAsync("Escape");
        await Expect(panel).ToHaveCountAsync(0);
        await Expect(widget.Input).ToBeVisibleAsync();

        // The source list's "read in full" opens the same panel.
        await widget.Chat.Locator("details.dc-citations > summary").ClickAsync();
        await widget.Chat.Locator("details.dc-citation > summary").First.ClickAsync();
        await widget.Chat.Locator("[data-action=open-source]").First.ClickAsync();
        await Expect(panel).ToHaveAttributeAsync("data-state", "loaded");
    }

    [Fact]
    public async Task Ratings_and_the_handoff_notice_are_back_after_a_reload()
    {
        await using var context = await browser.NewContextAsync();
        var widget = await OpenWidgetAsync(context);
        await widget.AskAsync(Questions[0]);
        await widget.WaitForAnswersAsync(1);
        await widget.AskAsync(Questions[1]);
        await widget.WaitForAnswersAsync(2);
        await widget.Chat.Locator("[data-action=helpful]").First.ClickAsync();
        await widget.Chat.Locator("[data-action=not-helpful]").Nth(1).ClickAsync();
        await Expect(widget.Chat.Locator(".dc-feedback [role=status]")).ToHaveCountAsync(2);
        await widget.Chat.Locator("header [data-action=handoff]").ClickAsync();
        await Expect(widget.Chat.Locator(".dc-notice")).ToHaveCountAsync(1);

        await widget.Page.ReloadAsync();
        await widget.OpenAsync();

        await Expect(widget.DoneAnswers).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Expect(widget.Chat.Locator("[data-action=helpful]").First).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(widget.Chat.Locator("[data-action=not-helpful]").First).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(widget.Chat.Locator("[data-action=helpful]").Nth(1)).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(widget.Chat.Locator("[data-action=not-helpful]").Nth(1)).ToHaveAttributeAsync("aria-pressed", "true");
        var notice = widget.Chat.Locator(".dc-notice");
        await Expect(notice).ToHaveCountAsync(1);
        await Expect(notice).ToContainTextAsync(await ConfiguredPhoneAsync());

        // In its place: after both answers, as the last thing in the conversation, and in view.
        var order = await Messages(widget).EvaluateAsync<string[]>(
            "e => [...e.querySelectorAll(':scope > .dc-message')].map(m => m.classList.contains('dc-user') ? 'user' : m.querySelector('.dc-notice') ? 'notice' : 'bot')");
        Assert.Equal(["bot", "user", "bot", "user", "bot", "notice"], order);
        await WaitInViewAsync(widget, notice);
    }

    private async Task<WidgetPage> OpenWidgetAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await widget.OpenAsync();
        return widget;
    }

    private async Task<string> ConfiguredPhoneAsync()
    {
        using var http = browser.Server.CreateHttpClient();
        var configuration = await http.GetFromJsonAsync<JsonElement>($"/api/widget/config?siteKey={ChatServer.LocalSiteKey}");
        return configuration.GetProperty("counsellor").GetProperty("phone").GetString()!;
    }

    private async Task<JsonElement> HistoryAsync(WidgetPage widget)
    {
        var conversationId = await widget.Frame.EvaluateAsync<string>(
            "f => Object.keys(f.contentWindow.localStorage).filter(k => k.startsWith('dongyang-chat:')).map(k => f.contentWindow.localStorage.getItem(k))[0]");
        using var http = browser.Server.CreateHttpClient();
        return await http.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
    }

    /// <summary>Sets <c>offersHandoff</c> on the completed events of a SignalR JSON frame (records end with \u001e).</summary>
    private static string OfferHandoff(string frame) =>
        CompletedItem().Replace(frame.Replace("\"offersHandoff\":false", "\"offersHandoff\":true", StringComparison.Ordinal), "$0\"offersHandoff\":true,");

    [GeneratedRegex("\"item\":\\{\"type\":\"completed\",(?![^}]*\"offersHandoff\")")]
    private static partial Regex CompletedItem();

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    private static ILocator Messages(WidgetPage widget) => widget.Chat.Locator(".dc-messages");

    private static ILocator Jump(WidgetPage widget) => widget.Chat.Locator("[data-action=jump]");

    /// <summary>The element's box lies inside the message list's visible box (or, when taller, fills it to its end).</summary>
    private static async Task<bool> IsInViewAsync(WidgetPage widget, ILocator element)
    {
        var box = await element.BoundingBoxAsync();
        var list = await (await IsInsideSourceAsync(element) ? widget.Chat.Locator(".dc-conversation") : Messages(widget)).BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.NotNull(list);
        var bottomVisible = box.Y + box.Height <= list.Y + list.Height + 1 && box.Y + box.Height >= list.Y;
        var topVisible = box.Y >= list.Y - 1 || box.Height > list.Height;
        return bottomVisible && topVisible;
    }

    private static Task<bool> IsInsideSourceAsync(ILocator element) =>
        element.EvaluateAsync<bool>("e => !!e.closest('.dc-source')");

    private static async Task AssertInViewAsync(WidgetPage widget, ILocator element)
    {
        var box = await element.BoundingBoxAsync();
        var list = await Messages(widget).BoundingBoxAsync();
        Assert.True(await IsInViewAsync(widget, element), $"out of view: element y={box?.Y} h={box?.Height}, visible list y={list?.Y} h={list?.Height}");
    }

    private static async Task AssertOutOfViewAsync(WidgetPage widget, ILocator element)
    {
        var box = await element.BoundingBoxAsync();
        var list = await Messages(widget).BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.NotNull(list);
        Assert.True(box.Y >= list.Y + list.Height, $"expected below the visible list: element y={box.Y}, list ends at {list.Y + list.Height}");
    }

    /// <summary>Scrolling may be smooth: wait (briefly, polling) until the element has come into view.</summary>
    private static async Task WaitInViewAsync(WidgetPage widget, ILocator element)
    {
        for (var attempt = 0; attempt < 50 && !await IsInViewAsync(widget, element); attempt++)
        {
            await Task.Delay(100);
        }

        await AssertInViewAsync(widget, element);
    }
}
