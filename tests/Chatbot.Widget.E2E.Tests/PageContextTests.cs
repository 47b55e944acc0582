using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Dongyang.Chat.Protocol;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// setContext on the sample page, queued before the loader and called on the element, reaches the stored
/// conversation masked, and the counsellor sees it on the transcript page and in the inbox; input outside the limits
/// is refused in the console and not sent.
/// </summary>
public sealed partial class PageContextTests
{
    private const string AdminEmail = "admin@example.com";
    private const string AdminPassword = "admin-pass-0123";

    [Fact]
    public async Task The_page_context_is_stored_masked_and_shown_to_the_counsellor()
    {
        var server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Console__BootstrapAdminEmail"] = AdminEmail,
            ["Console__BootstrapAdminPassword"] = AdminPassword,
        });
        try
        {
            await using var browser = await ConsoleBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    lock (errors)
                    {
                        errors.Add(message.Text);
                    }
                }
            };

            // Queued before the loader script has loaded (it is async), as README shows.
            await page.AddInitScriptAsync("""
                (window.dongyangChat = window.dongyangChat || []).push(["setContext", { page: "/products/cancer", product: "무배당 암보험", memo: "연락처 010-1234-5678" }]);
                """);
            await page.GotoAsync(new Uri(server.BaseAddress, "/").ToString());
            var widget = new WidgetPage(page);
            await widget.OpenAsync();
            await widget.AskAsync("암보험 보장 내용이 궁금해요");
            await widget.WaitForAnswersAsync(1);

            var console = await browser.NewPageAsync();
            await SignInAsync(console, server);
            await console.GotoAsync(new Uri(server.BaseAddress, "/console/conversations").ToString());
            await console.ClickAsync("#conversations tbody a");
            await console.WaitForURLAsync("**/console/conversations/*");
            var transcriptUrl = console.Url;
            var stored = console.Locator("#transcript-context");
            await Expect(stored.Locator("dd[data-key=page]")).ToHaveTextAsync("/products/cancer");
            await Expect(stored.Locator("dd[data-key=product]")).ToHaveTextAsync("무배당 암보험");
            await Expect(stored.Locator("dd[data-key=memo]")).ToHaveTextAsync("연락처 [전화번호]");

            // On the element: the latest valid call wins; one outside the limits is refused in the console, not sent.
            var element = page.Locator("dongyang-chat");
            await element.EvaluateAsync("""e => e.setContext({ page: "/products/cancer/apply", plan: 3, renewal: true, memo: "다시 연락 010-9876-5432" })""");
            await element.EvaluateAsync("""e => e.setContext({ product: "암".repeat(201) })""");
            await widget.AskAsync("가입 나이가 어떻게 되나요?");
            await widget.WaitForAnswersAsync(2);
            lock (errors)
            {
                Assert.Contains(errors, e => e.Contains("setContext refused", StringComparison.Ordinal) && e.Contains("at most 200", StringComparison.Ordinal));
            }

            await console.GotoAsync(transcriptUrl);
            await Expect(stored.Locator("dd[data-key=page]")).ToHaveTextAsync("/products/cancer/apply");
            await Expect(stored.Locator("dd[data-key=plan]")).ToHaveTextAsync("3");
            await Expect(stored.Locator("dd[data-key=renewal]")).ToHaveTextAsync("true");
            await Expect(stored.Locator("dd[data-key=memo]")).ToHaveTextAsync("다시 연락 [전화번호]");
            await Expect(stored.Locator("dd[data-key=product]")).ToHaveCountAsync(0);
            var axe = await console.RunAxe();
            Assert.True(axe.Violations.Length == 0, string.Join("\n", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));

            // The customer asks for a counsellor; the inbox item shows the same context.
            await widget.Chat.Locator("[data-action=handoff]").ClickAsync();
            await console.GotoAsync(new Uri(server.BaseAddress, "/console/inbox").ToString());
            var request = console.Locator("button.request");
            await Expect(request).ToHaveCountAsync(1, new() { Timeout = 15_000 });

            // The request is already in the prerendered page; a click before the Blazor circuit is attached does
            // nothing, so click until the request opens (on a loaded machine the circuit can take seconds).
            var context = console.Locator("#inbox-context dd[data-key=page]");
            for (var attempt = 0; attempt < 15 && await context.CountAsync() == 0; attempt++)
            {
                await request.ClickAsync();
                try
                {
                    await context.WaitForAsync(new() { Timeout = 2_000 });
                }
                catch (System.TimeoutException)
                {
                    // Not interactive yet: click again.
                }
            }

            await Expect(context).ToHaveTextAsync("/products/cancer/apply");
            await Expect(console.Locator("#inbox-context dd[data-key=memo]")).ToHaveTextAsync("다시 연락 [전화번호]");
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(server.DataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_loader_checks_the_same_limits_as_the_server()
    {
        var loader = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api", "wwwroot", "widget", "dongyang-chat.js"));

        var limits = LoaderLimits().Match(loader);

        Assert.True(limits.Success, "dongyang-chat.js should declare contextLimits = { entries, key, value }.");
        Assert.Equal(
            (ChatLimits.MaxContextEntries, ChatLimits.MaxContextKeyLength, ChatLimits.MaxContextValueLength),
            (int.Parse(limits.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(limits.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(limits.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"contextLimits = \{ entries: (\d+), key: (\d+), value: (\d+) \}")]
    private static partial Regex LoaderLimits();

    private static async Task SignInAsync(IPage page, ChatServer server)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/signin").ToString());
        await page.FillAsync("#email", AdminEmail);
        await page.FillAsync("#password", AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console/inbox");
    }
}
