using Microsoft.Playwright;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>A partner page with a widget on it, as a customer sees and uses it.</summary>
public sealed class WidgetPage(IPage page, string element = "dongyang-chat")
{
    public IPage Page { get; } = page;

    public ILocator Launcher => Page.Locator($"{element} button.l");

    public ILocator Frame => Page.Locator($"{element} iframe");

    public IFrameLocator Chat => Page.FrameLocator($"{element} iframe");

    public ILocator Input => Chat.Locator(".dc-input");

    public ILocator UserBubbles => Chat.Locator(".dc-user .dc-bubble");

    public ILocator DoneAnswers => Chat.Locator(".dc-bot[data-status=done] .dc-markdown");

    public async Task OpenAsync()
    {
        await Launcher.ClickAsync();
        await Assertions.Expect(Input).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    public async Task AskAsync(string question)
    {
        await Input.FillAsync(question);
        await Input.PressAsync("Enter");
    }

    public async Task WaitForAnswersAsync(int count) =>
        await Assertions.Expect(Chat.Locator("[data-action=helpful]")).ToHaveCountAsync(count, new() { Timeout = 60_000 });
}
