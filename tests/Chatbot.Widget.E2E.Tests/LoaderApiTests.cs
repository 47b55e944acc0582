using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Chatbot.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// What a front-end developer calls on the element beyond open and send: a page's own launcher, the unread count,
/// destroy(), README's signed-in snippet as written, and the TypeScript declarations, served and packed.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed partial class LoaderApiTests(WidgetBrowser browser)
{
    [Fact]
    public async Task A_page_with_its_own_launcher_hides_ours_and_opens_the_chat_itself()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenPageAsync(context, "own-launcher", """<dongyang-chat site-key="pk_local_dev" launcher="none"></dongyang-chat>""");
        var widget = new WidgetPage(page);

        await Expect(widget.Launcher).ToBeHiddenAsync();
        await page.Locator("dongyang-chat").EvaluateAsync("element => element.open()");
        await Expect(widget.Input).ToBeVisibleAsync(new() { Timeout = 60_000 });

        await page.Locator("dongyang-chat").EvaluateAsync("element => element.showLauncher()");
        await Expect(widget.Launcher).ToBeVisibleAsync();
        await page.EvaluateAsync("""window.dongyangChat.push(["hideLauncher"])""");
        await Expect(widget.Launcher).ToBeHiddenAsync();
        await Expect(page.Locator("dongyang-chat")).ToHaveAttributeAsync("launcher", "none");
    }

    [Fact]
    public async Task The_page_hears_the_unread_count_rise_while_closed_and_fall_to_zero_on_open()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenPageAsync(context, "unread", """<dongyang-chat site-key="pk_local_dev"></dongyang-chat>""");
        var widget = new WidgetPage(page);
        await page.EvaluateAsync("""
            window.__unread = [];
            customElements.whenDefined("dongyang-chat").then(() =>
              document.querySelector("dongyang-chat").addEventListener("unread", e => window.__unread.push(e.detail.count)));
            """);

        await page.EvaluateAsync("""customElements.whenDefined("dongyang-chat").then(() => document.querySelector("dongyang-chat").send("보험금 청구는 어떻게 하나요?"))""");
        await page.WaitForFunctionAsync("window.__unread.includes(1)", null, new() { Timeout = 60_000 });
        await Expect(widget.Launcher.Locator(".b")).ToHaveTextAsync("1");

        await widget.Launcher.ClickAsync();
        await page.WaitForFunctionAsync("window.__unread.at(-1) === 0");
        await Expect(widget.Launcher.Locator(".b")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Destroy_removes_the_chat_and_its_frame_and_later_calls_do_nothing()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenPageAsync(context, "destroy", """<dongyang-chat site-key="pk_local_dev" open></dongyang-chat>""");
        var widget = new WidgetPage(page);
        await Expect(widget.Input).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.EvaluateAsync("""document.addEventListener("destroy", () => window.__destroyed = true)""");

        await page.EvaluateAsync("""window.dongyangChat.push(["destroy"])""");

        await Expect(page.Locator("dongyang-chat")).ToHaveCountAsync(0);
        await Expect(page.Locator("iframe")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("window.__destroyed === true"));
        await page.EvaluateAsync("""window.dongyangChat.push(["open"])""");
        Assert.Equal(0, await page.Locator("iframe").CountAsync());
    }

    [Fact]
    public async Task READMEs_signed_in_snippet_works_as_written_before_the_loader_has_loaded()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        var snippet = SignedInSnippet().Match(readme);
        Assert.True(snippet.Success, "README should show the signed-in customer's page snippet after 'the page the partner renders for a signed-in customer:'.");
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(browser.LocalSiteSecret), Encoding.UTF8.GetBytes("C-1024")));
        var html = snippet.Groups[1].Value.Replace("@hashFromYourServer", hash, StringComparison.Ordinal);

        await using var context = await browser.NewContextAsync();
        var page = await OpenPageAsync(context, "readme-user", $"""<dongyang-chat site-key="pk_local_dev"></dongyang-chat>{html}""");
        var widget = new WidgetPage(page);
        await widget.OpenAsync();

        await Expect(widget.Chat.Locator(".dc-bot .dc-bubble").First).ToHaveTextAsync(new Regex("^홍길동님, 안녕하세요!"), new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task READMEs_embed_context_and_event_snippets_work_as_written_on_one_page()
    {
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"))).ReplaceLineEndings("\n");
        var embed = EmbedSnippet().Match(readme);
        Assert.True(embed.Success, "README's 'Embed on a partner site' should start with the two-line html snippet.");
        var context = Snippet(readme, "(window.dongyangChat = window.dongyangChat || []).push([\"setContext\"");
        var events = Snippet(readme, "const chat = document.querySelector(\"dongyang-chat\");");
        var origin = browser.Site.GetLeftPart(UriPartial.Authority);

        // The partner's page: README's lines in the order a developer pastes them, HOST being this server; the
        // page's own analytics is the one thing the snippet assumes.
        var html = $$"""
            <!doctype html>
            <html lang="ko"><head><meta charset="utf-8"><title>파트너몰</title>
            <script>window.__tracked = []; window.analytics = { track: name => window.__tracked.push(name) };</script>
            <script>{{context}}</script></head>
            <body><h1>파트너몰</h1>
            {{embed.Groups[1].Value.Replace("https://HOST", origin, StringComparison.Ordinal)}}
            <script>{{events}}</script>
            </body></html>
            """;
        var address = new Uri(browser.Site, "made-up/readme-snippets.html");
        await using var browserContext = await browser.NewContextAsync();
        await browserContext.RouteAsync(address.ToString(), route => route.FulfillAsync(new() { ContentType = "text/html; charset=utf-8", Body = html }));
        var page = await browserContext.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        await page.GotoAsync(address.ToString());

        // send() ran before the loader had loaded; the answer arrives, the page hears "message", and nothing threw.
        await page.WaitForFunctionAsync("window.__tracked.includes('chat-answer')", null, new() { Timeout = 90_000 });
        var widget = new WidgetPage(page);
        await widget.OpenAsync();
        await Expect(widget.UserBubbles.First).ToHaveTextAsync("보험금 청구는 어떻게 하나요?");
        await Expect(widget.DoneAnswers.First).Not.ToBeEmptyAsync();
        lock (errors)
        {
            Assert.Empty(errors);
        }
    }

    [Fact]
    public async Task The_TypeScript_declarations_are_served_and_packed_and_type_check_a_page_script()
    {
        using var http = new HttpClient { BaseAddress = browser.Site };
        using var served = await http.GetAsync(new Uri("/widget/dongyang-chat.d.ts", UriKind.Relative));
        Assert.True(served.IsSuccessStatusCode, $"GET /widget/dongyang-chat.d.ts answered {(int)served.StatusCode}");
        Assert.Equal("text/plain", served.Content.Headers.ContentType?.MediaType);
        Assert.Contains("interface DongyangChatElement", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var work = Directory.CreateTempSubdirectory("dongyang-chat-npm-");
        try
        {
            var package = Path.Combine(RepositoryPaths.Root, "sdk", "npm", "dongyang-chat");
            var packed = await RunAsync("npm", package, "pack", "--pack-destination", work.FullName, "--silent");
            var tarball = Path.Combine(work.FullName, packed.Trim().Split('\n')[^1].Trim());
            var listing = await RunAsync("tar", work.FullName, "-tzf", tarball);
            Assert.Contains("package/index.d.ts", listing, StringComparison.Ordinal);
            Assert.Contains("package/package.json", listing, StringComparison.Ordinal);

            // A page script a developer would write, checked against the packed declarations.
            var modules = Path.Combine(work.FullName, "node_modules");
            Directory.CreateDirectory(modules);
            await RunAsync("tar", modules, "-xzf", tarball);
            Directory.Move(Path.Combine(modules, "package"), Path.Combine(modules, "dongyang-chat"));
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "page.ts"), """
                import type { DongyangChatElement } from "dongyang-chat";
                const chat: DongyangChatElement | null = document.querySelector("dongyang-chat");
                chat?.addEventListener("unread", (e) => console.log(e.detail.count + 1));
                chat?.addEventListener("error", (e) => console.log(e.detail.code.toUpperCase()));
                chat?.setUser({ id: "C-1024", hash: "abc" });
                chat?.setContext({ page: "/products/cancer", product: "무배당 암보험", plan: 3, renewal: true });
                (window.dongyangChat = window.dongyangChat || []).push(["setContext", { page: "/claims" }]);
                (window.dongyangChat = window.dongyangChat || []).push(["send", "보험금 청구는 어떻게 하나요?"]);
                export {};
                """);
            await RunAsync("tsc", work.FullName, "--noEmit", "--strict", "--target", "es2020", "--module", "es2020", "--moduleResolution", "bundler", "--lib", "es2020,dom", "page.ts");

            // And a mistake is caught: send takes text.
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "wrong.ts"), """
                import type { DongyangChatElement } from "dongyang-chat";
                declare const chat: DongyangChatElement;
                chat.send(42);
                export {};
                """);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync("tsc", work.FullName, "--noEmit", "--strict", "--module", "es2020", "--moduleResolution", "bundler", "--lib", "es2020,dom", "wrong.ts"));
            Assert.Contains("TS2345", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' is missing ({e.Message}): tests/test.sh installs it.", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await errors}");
            }

            return await output;
        }
    }

    private async Task<IPage> OpenPageAsync(IBrowserContext context, string name, string body)
    {
        var address = new Uri(browser.Site, $"made-up/{name}.html");
        await context.RouteAsync(address.ToString(), route => route.FulfillAsync(new()
        {
            ContentType = "text/html; charset=utf-8",
            Body = $"""
                <!doctype html>
                <html lang="ko"><head><meta charset="utf-8"><title>파트너몰</title>
                <script src="/widget/dongyang-chat.js" async></script></head>
                <body><h1>파트너몰</h1>{body}</body></html>
                """,
        }));
        var page = await context.NewPageAsync();
        await page.GotoAsync(address.ToString());
        return page;
    }

    /// <summary>The body of README's ```js block that starts with <paramref name="firstLine"/>.</summary>
    private static string Snippet(string readme, string firstLine)
    {
        var start = readme.IndexOf("```js\n" + firstLine, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README should show a js snippet starting with {firstLine}");
        start += "```js\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"## Embed on a partner site\s*Two lines:\s*```html\s*(.+?)```", RegexOptions.Singleline)]
    private static partial Regex EmbedSnippet();

    [GeneratedRegex(@"the page the partner renders for a signed-in customer:\s*```html\s*(.+?)```", RegexOptions.Singleline)]
    private static partial Regex SignedInSnippet();
}
