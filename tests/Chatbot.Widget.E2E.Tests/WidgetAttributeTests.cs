using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// What a partner sets on the element (lang, position, primary-color, title, greeting, open) shows in the widget, the
/// element's toggle() works, and the open chat follows the customer's dark mode. The pages are made up by routing, on
/// the chat server's own origin.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed class WidgetAttributeTests(WidgetBrowser browser)
{
    [Fact]
    public async Task Every_attribute_a_partner_sets_shows_in_the_widget_and_toggle_closes_and_reopens_it()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenPageAsync(context, "attributes", """
            <dongyang-chat site-key="pk_local_dev" lang="en" position="bottom-left" primary-color="#0b5394"
              title="Partner Help" greeting="Hello from Partner Mall!" open></dongyang-chat>
            """);
        var widget = new WidgetPage(page);

        // "open": the chat opens without a click.
        await Expect(widget.Input).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(widget.Frame).ToHaveAttributeAsync("title", "Partner Help");
        await Expect(widget.Chat.Locator(".dc-title")).ToHaveTextAsync("Partner Help");
        await Expect(widget.Chat.Locator(".dc-bot .dc-bubble").First).ToHaveTextAsync("Hello from Partner Mall!");
        await Expect(widget.Chat.Locator(".dc-send")).ToHaveAttributeAsync("aria-label", "Send");
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-label", "Close chat");
        await Expect(widget.Launcher).ToHaveCSSAsync("background-color", "rgb(11, 83, 148)");
        await Expect(widget.Chat.Locator(".dc-header")).ToHaveCSSAsync("background-color", "rgb(11, 83, 148)");
        var launcher = (await widget.Launcher.BoundingBoxAsync())!;
        Assert.True(launcher.X + launcher.Width < 1280 / 2, $"The launcher should sit bottom-left, but it is at x={launcher.X}.");

        await page.Locator("dongyang-chat").EvaluateAsync("element => element.toggle()");
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-label", "Open chat");
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-expanded", "false");
        await page.Locator("dongyang-chat").EvaluateAsync("element => element.toggle()");
        await Expect(widget.Launcher).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(widget.Input).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_open_chat_follows_the_customers_dark_mode()
    {
        await using var light = await browser.NewContextAsync();
        await using var dark = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "ko-KR",
            ColorScheme = ColorScheme.Dark,
        });

        var lightPanel = await OpenPanelAsync(light);
        var darkPanel = await OpenPanelAsync(dark);

        await Expect(lightPanel).ToHaveCSSAsync("background-color", "rgb(255, 255, 255)");
        await Expect(darkPanel).ToHaveCSSAsync("background-color", "rgb(28, 28, 30)");
        await Expect(darkPanel).ToHaveCSSAsync("color", "rgb(242, 242, 242)");
    }

    private async Task<ILocator> OpenPanelAsync(IBrowserContext context)
    {
        var page = await OpenPageAsync(context, "plain", """<dongyang-chat site-key="pk_local_dev"></dongyang-chat>""");
        var widget = new WidgetPage(page);
        await widget.OpenAsync();
        return widget.Chat.Locator(".dc-panel");
    }

    private async Task<IPage> OpenPageAsync(IBrowserContext context, string name, string element)
    {
        var address = new Uri(browser.Site, $"made-up/{name}.html");
        await context.RouteAsync(address.ToString(), route => route.FulfillAsync(new()
        {
            ContentType = "text/html; charset=utf-8",
            Body = $"""
                <!doctype html>
                <html lang="ko"><head><meta charset="utf-8"><title>파트너몰</title>
                <script src="/widget/dongyang-chat.js" async></script></head>
                <body><h1>파트너몰</h1>{element}</body></html>
                """,
        }));
        var page = await context.NewPageAsync();
        await page.GotoAsync(address.ToString());
        return page;
    }
}
