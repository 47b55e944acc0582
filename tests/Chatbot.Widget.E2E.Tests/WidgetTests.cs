using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>The two-line embed on the sample partner site, in Debian's Chromium, against the real server.</summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed class WidgetTests(WidgetBrowser browser)
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private const string PremiumQuestion = "보험료를 못 내면 어떻게 되나요?";

    [Fact]
    public async Task Embed_shows_the_launcher_at_once_and_fetches_no_Blazor_byte_until_opened()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        var widget = new WidgetPage(page);

        await page.GotoAsync(browser.Site.ToString());
        await Expect(widget.Launcher).ToBeVisibleAsync();
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-label", "채팅 상담 열기");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.DoesNotContain(requests, u => u.Contains("/widget/app/", StringComparison.Ordinal));
        await widget.OpenAsync();
        Assert.Contains(requests, u => u.Contains("/_framework/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Customer_asks_and_sees_the_streamed_answer_with_a_citation_then_reload_keeps_the_history()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await widget.OpenAsync();

        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);

        await Expect(widget.DoneAnswers.First).ToContainTextAsync("[1]");
        var sources = widget.Chat.Locator("details.dc-citations").First;
        await sources.Locator("summary").First.ClickAsync();
        var citation = sources.Locator("details.dc-citation").First;
        await citation.Locator("summary").ClickAsync();
        await Expect(citation.Locator(".dc-snippet")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await widget.OpenAsync();
        await Expect(widget.UserBubbles).ToHaveTextAsync([ClaimQuestion], new() { Timeout = 30_000 });
        await Expect(widget.DoneAnswers).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_chat_server_that_cannot_be_reached_on_open_shows_a_friendly_error_and_retry_loads_the_chat()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await Expect(widget.Launcher).ToBeVisibleAsync();

        var alert = page.Locator("dongyang-chat [role=alert]");
        var warning = page.WaitForConsoleMessageAsync(new()
        {
            Predicate = m => m.Type == "warning" && m.Text.Contains("Dongyang Chat (unavailable)", StringComparison.Ordinal),
            Timeout = 60_000,
        });
        browser.Relay.Cut();
        try
        {
            await widget.Launcher.ClickAsync();
            await Expect(alert).ToContainTextAsync("지금은 상담 챗봇 서버에 연결할 수 없습니다", new() { Timeout = 30_000 });
            await Expect(alert).ToHaveAttributeAsync("data-code", "unavailable");
            Assert.Contains("cannot be reached", (await warning).Text, StringComparison.Ordinal);
        }
        finally
        {
            browser.Relay.Restore();
        }

        await alert.GetByRole(AriaRole.Button, new() { Name = "다시 시도" }).ClickAsync();
        await Expect(widget.Input).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(alert).ToHaveCountAsync(0);
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);
    }

    [Fact]
    public async Task Network_cut_mid_conversation_loses_and_duplicates_nothing()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await widget.OpenAsync();
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);

        browser.Relay.Cut();
        try
        {
            await Expect(widget.Chat.Locator(".dc-status")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(widget.Chat.Locator(".dc-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("재연결 중|오프라인"));
            await widget.AskAsync(PremiumQuestion);
            await Expect(widget.Chat.Locator(".dc-user .dc-note")).ToHaveTextAsync("연결되면 전송됩니다");
        }
        finally
        {
            browser.Relay.Restore();
        }

        await widget.WaitForAnswersAsync(2);
        await Expect(widget.Chat.Locator(".dc-status")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(widget.UserBubbles).ToHaveTextAsync([ClaimQuestion, PremiumQuestion]);

        // The server stored each question once, with one answer each.
        var conversationId = await widget.Frame.EvaluateAsync<string>(
            "f => Object.keys(f.contentWindow.localStorage).filter(k => k.startsWith('dongyang-chat:')).map(k => f.contentWindow.localStorage.getItem(k))[0]");
        using var http = browser.Server.CreateHttpClient();
        using var history = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/conversations/{conversationId}/messages", UriKind.Relative)));
        var roles = history.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["user", "assistant", "user", "assistant"], roles);
    }

    [Fact]
    public async Task Phone_viewport_opens_the_chat_full_screen()
    {
        await using var context = await browser.NewContextAsync(390, 844);
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());

        await widget.OpenAsync();

        var box = await widget.Frame.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.Equal(0, box.X, 1);
        Assert.Equal(0, box.Y, 1);
        Assert.Equal(390, box.Width, 1);
        Assert.Equal(844, box.Height, 1);
        var inputFontSize = await widget.Input.EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
        Assert.Equal("16px", inputFontSize);
        await Expect(widget.Input).ToBeInViewportAsync();
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);
    }

    [Fact]
    public async Task Hostile_host_css_does_not_restyle_the_widget()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(new Uri(browser.Site, "hostile.html").ToString());

        var launcher = await widget.Launcher.BoundingBoxAsync();
        Assert.NotNull(launcher);
        Assert.Equal(56, launcher.Width, 1);
        Assert.Equal(56, launcher.Height, 1);
        Assert.Equal(1280 - 20 - 56, launcher.X, 1);
        Assert.Equal(800 - 20 - 56, launcher.Y, 1);

        await widget.OpenAsync();
        var panel = await widget.Frame.BoundingBoxAsync();
        Assert.NotNull(panel);
        Assert.Equal(380, panel.Width, 1);
        Assert.Equal("15px", await widget.Chat.Locator(".dc-root").EvaluateAsync<string>("e => getComputedStyle(e).fontSize"));
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);
    }

    [Fact]
    public async Task Open_widget_has_no_axe_violations()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await widget.OpenAsync();
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);
        await widget.Chat.Locator("[data-action=not-helpful]").ClickAsync();

        var results = await page.Locator("dongyang-chat").RunAxe();

        Assert.True(results.Violations.Length == 0, string.Join("\n", results.Violations.Select(v =>
            $"{v.Id}: {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    [Fact]
    public async Task Strict_csp_page_still_works()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refused.Add(m.Text);
            }
        };
        var widget = new WidgetPage(page);
        await page.GotoAsync(new Uri(browser.Site, "strict-csp.html").ToString());

        await widget.OpenAsync();
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);

        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    [Fact]
    public async Task Keyboard_opens_moves_focus_into_the_chat_and_Escape_returns_it_to_the_launcher()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());

        await widget.Launcher.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(widget.Input).ToBeFocusedAsync(new() { Timeout = 60_000 });
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-expanded", "true");

        await page.Keyboard.PressAsync("Escape");
        await Expect(widget.Frame).ToBeHiddenAsync();
        await Expect(widget.Launcher).ToBeFocusedAsync();
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-expanded", "false");
    }

    [Fact]
    public async Task Javascript_api_queues_calls_before_load_and_raises_events()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await page.EvaluateAsync(@"() => {
            window.seen = [];
            const chat = document.querySelector('dongyang-chat');
            for (const type of ['ready', 'open', 'close', 'message', 'error']) chat.addEventListener(type, () => window.seen.push(type));
            chat.addEventListener('message', (e) => window.messageDetail = JSON.stringify(e.detail));
            chat.send('" + ClaimQuestion + @"');
        }");

        await Expect(widget.Launcher.Locator(".b")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
        await page.EvaluateAsync("() => document.querySelector('dongyang-chat').open()");
        await Expect(widget.UserBubbles).ToHaveTextAsync([ClaimQuestion]);
        await Expect(widget.Launcher.Locator(".b")).ToBeHiddenAsync();
        await page.EvaluateAsync("() => document.querySelector('dongyang-chat').close()");

        var seen = await page.EvaluateAsync<string[]>("() => window.seen");
        Assert.Equal(["ready", "message", "open", "close"], seen);
        // The host learns that an answer came, not what it said nor which conversation it belongs to.
        Assert.Equal("{\"role\":\"assistant\"}", await page.EvaluateAsync<string>("() => window.messageDetail"));
    }

    [Fact]
    public async Task Two_widgets_on_one_page_keep_separate_conversations_and_languages()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var korean = new WidgetPage(page, "#ko-chat");
        var english = new WidgetPage(page, "#en-chat");
        await page.GotoAsync(new Uri(browser.Site, "multi.html").ToString());

        await english.OpenAsync();
        await english.AskAsync("How do I file a claim?");
        await english.WaitForAnswersAsync(1);
        await Expect(english.Chat.Locator(".dc-send")).ToHaveAttributeAsync("aria-label", "Send");

        await korean.OpenAsync();
        await Expect(korean.Chat.Locator(".dc-send")).ToHaveAttributeAsync("aria-label", "보내기");
        await Expect(korean.UserBubbles).ToHaveCountAsync(0);
        await Expect(english.UserBubbles).ToHaveCountAsync(1);
    }
}
