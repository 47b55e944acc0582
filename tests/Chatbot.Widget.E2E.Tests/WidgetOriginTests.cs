using System.Net.Http.Json;
using Chatbot.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// A site key works only on the origins it allows. The browser enforces it: the chat frame's policy lists the key's
/// origins as the only pages (besides the chat server's own) that may frame it. The partner pages are served by the
/// browser's own routing, so their origins exist only inside this Chromium.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed class WidgetOriginTests(WidgetBrowser browser)
{
    private const string PartnerOrigin = "http://partner.example";

    [Fact]
    public async Task A_partner_page_on_an_allowed_origin_embeds_the_widget_and_gets_an_answer()
    {
        var siteKey = await CreateSiteAsync(PartnerOrigin);
        await using var context = await browser.NewContextAsync();
        var page = await OpenPartnerPageAsync(context, PartnerOrigin, siteKey);
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, r) => requests.Enqueue($"{r.Method} {r.Url}");
        var widget = new WidgetPage(page);

        await widget.OpenAsync();
        await widget.AskAsync("보험금 청구할 때 필요한 서류는 뭐예요?");
        await widget.WaitForAnswersAsync(1);

        await Expect(widget.DoneAnswers.First).ToContainTextAsync("[1]");

        // An anonymous visitor: the chat frame got a session of its own before its first hub request (negotiate).
        var seen = requests.ToList();
        var session = seen.FindIndex(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("/api/session", StringComparison.Ordinal));
        var hub = seen.FindIndex(r => r.Contains("/hubs/", StringComparison.Ordinal));
        Assert.InRange(session, 0, hub - 1);
    }

    [Fact]
    public async Task The_same_key_copied_onto_another_origin_gets_no_chat_frame_and_reaches_no_hub()
    {
        var siteKey = await CreateSiteAsync(PartnerOrigin);
        await using var context = await browser.NewContextAsync();
        var page = await OpenPartnerPageAsync(context, "http://copycat.example", siteKey);
        var hubRequests = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/hubs/", StringComparison.Ordinal))
            {
                hubRequests.Add(r.Url);
            }
        };
        var widget = new WidgetPage(page);

        var refusal = page.WaitForConsoleMessageAsync(new()
        {
            Predicate = m => m.Text.Contains("frame-ancestors", StringComparison.Ordinal),
            Timeout = 30_000,
        });
        await widget.Launcher.ClickAsync();
        var message = await refusal;

        Assert.Contains($"frame-ancestors 'self' {PartnerOrigin}", message.Text, StringComparison.Ordinal);
        Assert.Contains("blocked", message.Text, StringComparison.Ordinal);
        await Expect(widget.Input).Not.ToBeVisibleAsync();
        Assert.Empty(hubRequests);

        // The customer is told why, instead of looking at an empty panel or "연결 중…", with the counsellor line the
        // server is configured with; the page hears an error event with the distinct code.
        var alert = page.Locator("dongyang-chat [role=alert]");
        await Expect(alert).ToContainTextAsync("이 웹사이트에는 상담 챗봇 사용이 허용되어 있지 않아", new() { Timeout = 30_000 });
        await Expect(alert).ToContainTextAsync($"고객센터 {(await ConfigurationAsync(siteKey)).GetProperty("counsellor").GetProperty("phone").GetString()}");
        Assert.Equal("origin_not_allowed", await page.EvaluateAsync<string>("() => window.chatErrors[0]"));
    }

    [Fact]
    public async Task A_refused_origin_tells_the_developer_the_fix_in_the_console()
    {
        var siteKey = await CreateSiteAsync(PartnerOrigin);
        await using var context = await browser.NewContextAsync();
        var page = await OpenPartnerPageAsync(context, "http://copycat.example", siteKey);
        var warning = page.WaitForConsoleMessageAsync(new()
        {
            Predicate = m => m.Type == "warning" && m.Text.Contains("Dongyang Chat", StringComparison.Ordinal),
            Timeout = 30_000,
        });

        await new WidgetPage(page).Launcher.ClickAsync();

        var text = (await warning).Text;
        Assert.Contains("origin_not_allowed", text, StringComparison.Ordinal);
        Assert.Contains("http://copycat.example", text, StringComparison.Ordinal);
        Assert.Contains($"/api/admin/sites/{siteKey}/origins", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_site_key_says_so_to_the_customer_and_the_developer_instead_of_connecting_forever()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenPartnerPageAsync(context, PartnerOrigin, "pk_not_a_real_key");
        var warning = page.WaitForConsoleMessageAsync(new()
        {
            Predicate = m => m.Type == "warning" && m.Text.Contains("Dongyang Chat", StringComparison.Ordinal),
            Timeout = 30_000,
        });

        await new WidgetPage(page).Launcher.ClickAsync();

        var alert = page.Locator("dongyang-chat [role=alert]");
        await Expect(alert).ToContainTextAsync("이 사이트에서는 상담을 이용할 수 없습니다", new() { Timeout = 30_000 });
        await Expect(alert).Not.ToContainTextAsync("연결 중");
        Assert.Equal("site_key_invalid", await page.EvaluateAsync<string>("() => window.chatErrors[0]"));
        var text = (await warning).Text;
        Assert.Contains("site_key_invalid", text, StringComparison.Ordinal);
        Assert.Contains("chatbot sites add", text, StringComparison.Ordinal);
    }

    private async Task<System.Text.Json.JsonElement> ConfigurationAsync(string siteKey)
    {
        using var http = browser.Server.CreateHttpClient();
        return await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/widget/config?siteKey={siteKey}");
    }

    private async Task<string> CreateSiteAsync(string origin)
    {
        using var admin = browser.Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "파트너몰", origins = new[] { origin } });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return created.GetProperty("publicKey").GetString()!;
    }

    /// <summary>A partner's page, with the two-line embed pointing at the chat server.</summary>
    private async Task<IPage> OpenPartnerPageAsync(IBrowserContext context, string origin, string siteKey)
    {
        var loader = new Uri(browser.Site, "widget/dongyang-chat.js");
        await context.RouteAsync($"{origin}/**", route => route.FulfillAsync(new()
        {
            ContentType = "text/html; charset=utf-8",
            Body = $"""
                <!doctype html>
                <html lang="ko"><head><meta charset="utf-8"><title>파트너몰</title>
                <script src="{loader}" async></script></head>
                <body><h1>파트너몰</h1><dongyang-chat site-key="{siteKey}"></dongyang-chat></body></html>
                """,
        }));
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{origin}/");
        await page.EvaluateAsync(@"async () => {
            await customElements.whenDefined('dongyang-chat');
            window.chatErrors = [];
            document.querySelector('dongyang-chat').addEventListener('error', (e) => window.chatErrors.push(e.detail.code));
        }");
        await Expect(new WidgetPage(page).Launcher).ToBeVisibleAsync();
        return page;
    }
}
