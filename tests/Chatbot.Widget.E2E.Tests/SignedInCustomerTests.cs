using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// <c>setUser({id, name, hash})</c> on the sample partner page, in Debian's Chromium against the real server; the hash
/// is computed here as the partner's server would, with the site's identity secret.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed class SignedInCustomerTests(WidgetBrowser browser)
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private const string PremiumQuestion = "보험료를 못 내면 어떻게 되나요?";
    private const string IdentityRefused = "로그인 정보를 확인할 수 없어 상담을 시작하지 못했습니다. 다시 로그인한 뒤 이용해 주세요.";

    [Fact]
    public async Task Signed_in_customer_finds_their_conversation_on_another_device()
    {
        var secret = browser.LocalSiteSecret;
        var id = "customer-" + Guid.NewGuid().ToString("N");
        var hash = Hash(secret, id);

        await using var phone = await browser.NewContextAsync(390, 844);
        var phonePage = await phone.NewPageAsync();
        var requests = new List<string>();
        phonePage.Request += (_, r) => requests.Add(r.Url);
        phonePage.WebSocket += (_, w) => requests.Add(w.Url);
        var crashes = WatchForCrashes(phonePage);
        var onPhone = new WidgetPage(phonePage);
        await phonePage.GotoAsync(browser.Site.ToString());
        await SetUserAsync(phonePage, id, "홍길동", hash);
        await phonePage.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.DoesNotContain(requests, u => u.Contains("/widget/app/", StringComparison.Ordinal));
        await onPhone.OpenAsync();
        await Expect(onPhone.Chat.Locator(".dc-bot .dc-bubble").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^홍길동님, 안녕하세요!"));
        await onPhone.AskAsync(ClaimQuestion);
        await onPhone.WaitForAnswersAsync(1);

        // The identity went in a POST to the session exchange: no URL the page loaded or opened holds the hash.
        Assert.Contains(requests, u => u.Contains("/hubs/chat", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, u => u.Contains(hash, StringComparison.OrdinalIgnoreCase) || u.Contains("userHash", StringComparison.OrdinalIgnoreCase));

        // Another device: a fresh browser profile, no local storage, the same customer, signed there with an expiry.
        await using var laptop = await browser.NewContextAsync();
        var laptopPage = await laptop.NewPageAsync();
        laptopPage.Request += (_, r) => requests.Add(r.Url);
        laptopPage.WebSocket += (_, w) => requests.Add(w.Url);
        var onLaptop = new WidgetPage(laptopPage);
        await laptopPage.GotoAsync(browser.Site.ToString());
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var expiringHash = Hash(secret, $"{id}.{expires}");
        await laptopPage.EvaluateAsync(
            "async (u) => { await customElements.whenDefined('dongyang-chat'); document.querySelector('dongyang-chat').setUser(u); }",
            new { id, name = "홍길동", hash = expiringHash, hashExpires = expires });
        await onLaptop.OpenAsync();

        await Expect(onLaptop.UserBubbles).ToHaveTextAsync([ClaimQuestion], new() { Timeout = 30_000 });
        await Expect(onLaptop.DoneAnswers).ToHaveCountAsync(1);

        // reset() still means "new conversation", now as the same customer: both stay in their history, newest first.
        await laptopPage.EvaluateAsync("() => document.querySelector('dongyang-chat').reset()");
        await Expect(onLaptop.UserBubbles).ToHaveCountAsync(0);
        await onLaptop.AskAsync(PremiumQuestion);
        await onLaptop.WaitForAnswersAsync(1);
        await Expect(onLaptop.UserBubbles).ToHaveTextAsync([PremiumQuestion]);
        using var http = browser.Server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("X-User-Id", id);
        http.DefaultRequestHeaders.Add("X-User-Hash", hash);
        using var history = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/me/conversations", UriKind.Relative)));
        Assert.Equal([PremiumQuestion, ClaimQuestion], history.RootElement.EnumerateArray().Select(c => c.GetProperty("firstQuestion").GetString()));
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));

        // Nor on the second device, nor in any request line that reached the server (what an access log keeps).
        Assert.DoesNotContain(requests, u => u.Contains(hash, StringComparison.OrdinalIgnoreCase) || u.Contains(expiringHash, StringComparison.OrdinalIgnoreCase) || u.Contains("userHash", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(browser.Relay.RequestLines, l => l.Contains(hash, StringComparison.OrdinalIgnoreCase) || l.Contains(expiringHash, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Forged_hash_shows_a_friendly_error_and_the_widget_keeps_working()
    {
        var secret = browser.LocalSiteSecret;
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var crashes = WatchForCrashes(page);
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());
        await page.EvaluateAsync(@"async () => {
            await customElements.whenDefined('dongyang-chat');
            window.errors = [];
            document.querySelector('dongyang-chat').addEventListener('error', (e) => window.errors.push(e.detail.message));
        }");

        await SetUserAsync(page, "customer-1", "홍길동", Hash(secret, "customer-2"));
        await widget.OpenAsync();

        var status = widget.Chat.Locator(".dc-status");
        await Expect(status).ToHaveTextAsync(IdentityRefused, new() { Timeout = 30_000 });
        await Expect(status).ToHaveAttributeAsync("data-state", "refused");
        Assert.Equal([IdentityRefused], await page.EvaluateAsync<string[]>("() => window.errors"));

        // Signing out (setUser with no id) brings the anonymous chat back.
        await SetUserAsync(page, "", "", "");
        await Expect(status).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await widget.AskAsync(ClaimQuestion);
        await widget.WaitForAnswersAsync(1);
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));
    }

    [Fact]
    public async Task A_question_sent_with_setUser_before_the_chat_loads_is_asked_once_as_that_customer()
    {
        var id = "customer-" + Guid.NewGuid().ToString("N");
        var hash = Hash(browser.LocalSiteSecret, id);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var crashes = WatchForCrashes(page);
        var widget = new WidgetPage(page);
        await page.GotoAsync(browser.Site.ToString());

        // All in one go, before any Blazor byte: the identity, then open, then a question through the JS API.
        await page.EvaluateAsync(
            @"async (u) => {
                await customElements.whenDefined('dongyang-chat');
                const chat = document.querySelector('dongyang-chat');
                chat.setUser(u);
                chat.open();
                chat.send(u.question);
            }",
            new { id, name = "김민수", hash, question = ClaimQuestion });

        await widget.WaitForAnswersAsync(1);
        await Expect(widget.UserBubbles).ToHaveTextAsync([ClaimQuestion]);
        await Expect(widget.Chat.Locator(".dc-bot .dc-bubble").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^김민수님"));
        using var http = browser.Server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("X-User-Id", id);
        http.DefaultRequestHeaders.Add("X-User-Hash", hash);
        using var history = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/me/conversations", UriKind.Relative)));
        var conversation = Assert.Single(history.RootElement.EnumerateArray());
        Assert.Equal(ClaimQuestion, conversation.GetProperty("firstQuestion").GetString());
        Assert.Equal(2, conversation.GetProperty("messageCount").GetInt32());
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));
    }

    /// <summary>What the chat app logs when something escapes it: it must never happen, whatever the identity.</summary>
    private static List<string> WatchForCrashes(IPage page)
    {
        var crashes = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Unhandled", StringComparison.OrdinalIgnoreCase) || m.Text.Contains("crit:", StringComparison.Ordinal))
            {
                crashes.Add(m.Text);
            }
        };
        page.PageError += (_, e) => crashes.Add(e);
        return crashes;
    }

    /// <summary>hex(HMAC-SHA256(key: the site's identity secret, message: the user id)), as the README's C# snippet computes it.</summary>
    private static string Hash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    private static async Task SetUserAsync(IPage page, string id, string name, string hash) =>
        await page.EvaluateAsync(
            "async (u) => { await customElements.whenDefined('dongyang-chat'); document.querySelector('dongyang-chat').setUser(u); }",
            new { id, name, hash });
}
