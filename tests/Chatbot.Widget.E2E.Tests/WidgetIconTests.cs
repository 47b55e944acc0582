using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// The chat's icon buttons draw their icons themselves (inline SVG), so they show where no colour-emoji font is
/// installed, as on Debian without fonts-noto-color-emoji; each keeps its accessible name.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed class WidgetIconTests(WidgetBrowser browser)
{
    [Fact]
    public async Task Rating_send_and_close_buttons_paint_an_svg_icon_and_hold_no_emoji()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await widget.OpenAsync();
        await widget.AskAsync("보험금 청구할 때 필요한 서류는 뭐예요?");
        await widget.WaitForAnswersAsync(1);

        var buttons = new (string Action, string Name)[]
        {
            ("helpful", "도움이 됐어요"),
            ("not-helpful", "도움이 안 됐어요"),
            ("close", "채팅 닫기"),
        };
        foreach (var (action, name) in buttons)
        {
            var button = widget.Chat.Locator($"[data-action={action}]").First;
            await Expect(button).ToHaveAccessibleNameAsync(name);
            await ExpectPaintedIconAsync(button, action);
        }

        var send = widget.Chat.Locator("button.dc-send");
        await Expect(send).ToHaveAccessibleNameAsync("보내기");
        await ExpectPaintedIconAsync(send, "send");

        // No button of the chat relies on a symbol or emoji font (dingbats ✕ ➤, pictographs 👍 👎 💬).
        var withSymbols = await widget.Chat.Locator("button").EvaluateAllAsync<string[]>(
            """buttons => buttons.map(b => b.textContent).filter(t => /[\u2300-\u2BFF\u{1F000}-\u{1FFFF}]/u.test(t))""");
        Assert.Empty(withSymbols);
    }

    // The icon's shape, as the browser lays it out: an SVG with a path whose geometry is not empty, whatever fonts exist.
    private static async Task ExpectPaintedIconAsync(ILocator button, string action)
    {
        var icon = button.Locator("svg");
        await Expect(icon).ToHaveCountAsync(1);
        var box = await icon.BoundingBoxAsync();
        Assert.True(box is { Width: >= 12, Height: >= 12 }, $"The {action} icon is {box?.Width}×{box?.Height} px.");
        var path = await icon.EvaluateAsync<double[]>("svg => { const b = svg.querySelector('path').getBBox(); return [b.width, b.height]; }");
        Assert.True(path[0] > 0 && path[1] > 0, $"The {action} icon's path has no area ({path[0]}×{path[1]}).");
    }
}
