using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Dongyang.Chat.Protocol;
using Microsoft.Playwright;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>/console/sites against the real Api process, in Debian's Chromium: what the page changes holds for the chat API at once.</summary>
public sealed partial class ConsoleSitesTests
{
    private const string AdminEmail = "admin@example.com";
    private const string AdminPassword = "admin-pass-0123";
    private const string CounsellorEmail = "counsellor@example.com";
    private const string CounsellorPassword = "counsellor-pass-1";
    private const string PartnerOrigin = "https://partner-a.example";
    private const string SecondOrigin = "https://partner-b.example";
    private const string OtherOrigin = "https://other.example";

    // A long cache: only the page's invalidation (not the cache running out) can make a change hold within the test.
    private static Dictionary<string, string> Settings() => new()
    {
        ["Console__BootstrapAdminEmail"] = AdminEmail,
        ["Console__BootstrapAdminPassword"] = AdminPassword,
        ["Sites__CacheSeconds"] = "300",
    };

    [Fact]
    public async Task An_admin_adds_edits_disables_enables_and_rotates_a_site_and_the_chat_api_follows_at_once()
    {
        await using var server = await ChatServer.StartAsync(settings: Settings());
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await SignInAsync(page, server, AdminEmail, AdminPassword);
        await Assertions.Expect(page.Locator("nav a[href='console/sites']")).ToHaveCountAsync(1);
        await OpenAsync(page, server);
        await Assertions.Expect(page.Locator("#site-count")).ToHaveTextAsync("1");
        await ExpectAccessibleAsync(page);

        // Add: the secret is shown once, with the key and the embed snippet.
        await page.FillAsync("#site-name", "파트너 보험몰");
        await page.FillAsync("#site-origins", PartnerOrigin);
        await page.ClickAsync("#add-site");
        await Assertions.Expect(page.Locator("#site-message")).ToContainTextAsync("사이트를 추가했습니다");
        await Assertions.Expect(page.Locator("#site-count")).ToHaveTextAsync("2");
        var secret = await page.Locator("#new-secret").TextContentAsync();
        Assert.Matches(SecretPattern(), secret);
        var row = page.Locator("#sites tbody tr:not([data-site='pk_local_dev'])");
        var key = await row.GetAttributeAsync("data-site");
        Assert.NotNull(key);
        await Assertions.Expect(row.Locator("[data-col=origins]")).ToHaveTextAsync(PartnerOrigin);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-enabled", "true");
        var snippet = $"<script src=\"{server.BaseAddress.GetLeftPart(UriPartial.Authority)}/widget/dongyang-chat.js\" async></script>\n<dongyang-chat site-key=\"{key}\"></dongyang-chat>";
        await Assertions.Expect(page.Locator("#embed-snippet")).ToHaveTextAsync(snippet);
        await page.ClickAsync("#copy-snippet");
        await Assertions.Expect(page.Locator("#site-message")).ToContainTextAsync("설치 코드를 복사했습니다");
        Assert.Equal(snippet, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await ExpectAccessibleAsync(page);

        // The new key answers from its origin over the real API, and refuses another origin (both now cached).
        using var http = server.CreateHttpClient(key);
        await ExpectAnsweredAsync(http, PartnerOrigin);
        await ExpectRefusedAsync(http, SecondOrigin, HttpStatusCode.Forbidden, "origin_not_allowed");
        await ExpectRefusedAsync(http, OtherOrigin, HttpStatusCode.Forbidden, "origin_not_allowed");

        // Edit the origins: the second origin is admitted at once.
        await row.Locator("button[data-action=edit]").ClickAsync();
        await page.FillAsync("#edit-origins", $"{PartnerOrigin}\n{SecondOrigin}/");
        await page.ClickAsync("#save-origins");
        await Assertions.Expect(page.Locator("#site-message")).ToContainTextAsync("허용 출처를 바꿨습니다");
        await Assertions.Expect(row.Locator("[data-col=origins] li")).ToHaveTextAsync([PartnerOrigin, SecondOrigin]);
        await ExpectAnsweredAsync(http, SecondOrigin);
        await ExpectRefusedAsync(http, OtherOrigin, HttpStatusCode.Forbidden, "origin_not_allowed");

        // Disable asks first, saying the consequence; 취소 (cancel) changes nothing: the key still answers.
        var confirm = page.Locator("#confirm-panel");
        await row.Locator("button[data-action=disable]").ClickAsync();
        await Assertions.Expect(confirm).ToHaveAttributeAsync("data-kind", "disable");
        await Assertions.Expect(confirm).ToHaveAttributeAsync("data-site", key!);
        await Assertions.Expect(confirm).ToContainTextAsync("상담이 즉시 거절되어 제휴 사이트의 챗봇이 멈춥니다");
        await Assertions.Expect(confirm).ToContainTextAsync("the partner's chat stops");
        await Assertions.Expect(page.Locator("#confirm-cancel")).ToBeFocusedAsync();
        await ExpectAccessibleAsync(page);
        await page.ClickAsync("#confirm-cancel");
        await Assertions.Expect(confirm).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#site-message")).ToContainTextAsync("아무것도 바꾸지 않았습니다");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-enabled", "true");
        await ExpectAnsweredAsync(http, PartnerOrigin);

        // Rotate asks too; cancelled, the secret shown at add is still the one shown, and no new one is made.
        await row.Locator("button[data-action=rotate]").ClickAsync();
        await Assertions.Expect(confirm).ToHaveAttributeAsync("data-kind", "rotate");
        await Assertions.Expect(confirm).ToContainTextAsync("비밀키를 바꾸면 파트너가 새 키로 서명하기 전까지 로그인 고객 확인이 실패합니다");
        await Assertions.Expect(confirm).ToContainTextAsync("until the partner signs with the new secret");
        await ExpectAccessibleAsync(page);
        await page.ClickAsync("#confirm-cancel");
        await Assertions.Expect(confirm).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#site-message")).ToContainTextAsync("아무것도 바꾸지 않았습니다");
        await Assertions.Expect(page.Locator("#new-secret")).ToHaveTextAsync(secret!);

        // Neither cancel wrote an audit line (the two changes so far are add and origins).
        var audited = await page.Context.NewPageAsync();
        await audited.GotoAsync(new Uri(server.BaseAddress, "/console/audit").ToString());
        await Assertions.Expect(audited.Locator("#audit tbody tr[data-action^='site.']")).ToHaveCountAsync(2);
        await Assertions.Expect(audited.Locator("#audit tbody tr[data-action='site.disable'], #audit tbody tr[data-action='site.rotate']")).ToHaveCountAsync(0);
        await audited.CloseAsync();

        // Disable, confirmed: the API refuses the key at once; enable (no confirm needed): it answers again.
        await row.Locator("button[data-action=disable]").ClickAsync();
        await page.ClickAsync("#confirm-action");
        await Assertions.Expect(confirm).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-enabled", "false");
        await ExpectRefusedAsync(http, PartnerOrigin, HttpStatusCode.Forbidden, "site_key_disabled");
        await row.Locator("button[data-action=enable]").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-enabled", "true");
        await ExpectAnsweredAsync(http, PartnerOrigin);

        // Rotate, confirmed: a new secret, shown once; a reload shows none.
        await row.Locator("button[data-action=rotate]").ClickAsync();
        await Assertions.Expect(confirm).ToHaveAttributeAsync("data-kind", "rotate");
        await page.ClickAsync("#confirm-action");
        await Assertions.Expect(page.Locator("#site-message")).ToContainTextAsync("비밀 키를 교체했습니다");
        var rotated = await page.Locator("#new-secret").TextContentAsync();
        Assert.Matches(SecretPattern(), rotated);
        Assert.NotEqual(secret, rotated);
        await OpenAsync(page, server);
        await Assertions.Expect(page.Locator("#site-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#new-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(rotated!, await page.ContentAsync(), StringComparison.Ordinal);

        // The admin API sees the same site (one owner).
        using (var admin = server.CreateAdminClient())
        {
            var listed = (await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/admin/sites", UriKind.Relative))).EnumerateArray().Single(s => s.GetProperty("publicKey").GetString() == key);
            Assert.Equal("파트너 보험몰", listed.GetProperty("name").GetString());
            Assert.Equal([PartnerOrigin, SecondOrigin], listed.GetProperty("origins").EnumerateArray().Select(o => o.GetString()));
            Assert.True(listed.GetProperty("enabled").GetBoolean());
        }

        // Every change is in the audit log, by this admin, on this key, newest first, and no secret is.
        var audit = await page.GotoAsync(new Uri(server.BaseAddress, "/console/audit").ToString());
        Assert.Equal(200, audit!.Status);
        var lines = page.Locator("#audit tbody tr[data-action^='site.']");
        await Assertions.Expect(lines).ToHaveCountAsync(5);
        string[] actions = ["site.rotate", "site.enable", "site.disable", "site.origins", "site.add"];
        for (var i = 0; i < actions.Length; i++)
        {
            var line = lines.Nth(i);
            Assert.Equal(actions[i], await line.GetAttributeAsync("data-action"));
            await Assertions.Expect(line.Locator("[data-col=actor]")).ToHaveTextAsync(AdminEmail);
            await Assertions.Expect(line.Locator("[data-col=address]")).ToHaveTextAsync("127.0.0.1");
            await Assertions.Expect(line.Locator("[data-col=target]")).ToHaveTextAsync(key!);
        }

        await Assertions.Expect(lines.Nth(3).Locator("[data-col=detail]")).ToHaveTextAsync($"origins={PartnerOrigin} {SecondOrigin}");
        await Assertions.Expect(lines.Nth(4).Locator("[data-col=detail]")).ToHaveTextAsync($"name=파트너 보험몰 origins={PartnerOrigin}");
        var content = await page.ContentAsync();
        Assert.DoesNotContain(secret!, content, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated!, content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_shows_why_and_stores_nothing_and_a_counsellor_gets_403()
    {
        await using var server = await ChatServer.StartAsync(settings: Settings());
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await SignInAsync(page, server, AdminEmail, AdminPassword);
        await OpenAsync(page, server);

        // An origin with a path, and one that is not http(s): refused with the rule, Korean first.
        await page.FillAsync("#site-name", "잘못된 사이트");
        await page.FillAsync("#site-origins", "https://partner.example/shop");
        await page.ClickAsync("#add-site");
        await Assertions.Expect(page.Locator("#site-error")).ToContainTextAsync("출처(origin) 형식이 아닙니다");
        await Assertions.Expect(page.Locator("#site-error")).ToContainTextAsync("is not an origin such as https://www.example.co.kr");
        await Assertions.Expect(page.Locator("#site-count")).ToHaveTextAsync("1");
        await ExpectAccessibleAsync(page);

        await page.FillAsync("#site-origins", "");
        await page.ClickAsync("#add-site");
        await Assertions.Expect(page.Locator("#site-error")).ToContainTextAsync("허용 출처는 1~50개를 입력하세요");

        await page.FillAsync("#site-name", " ");
        await page.FillAsync("#site-origins", "https://partner.example");
        await page.ClickAsync("#add-site");
        await Assertions.Expect(page.Locator("#site-error")).ToContainTextAsync("사이트 이름은 1~200자로 입력하세요");

        // Editing the local key's origins to something invalid leaves them as they were.
        var local = page.Locator($"#sites tbody tr[data-site='{ChatServer.LocalSiteKey}']");
        await local.Locator("button[data-action=edit]").ClickAsync();
        await page.FillAsync("#edit-origins", "ftp://partner.example");
        await page.ClickAsync("#save-origins");
        await Assertions.Expect(page.Locator("#site-error")).ToContainTextAsync("'ftp://partner.example'은(는) 출처(origin) 형식이 아닙니다");

        using (var admin = server.CreateAdminClient())
        {
            var site = (await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/admin/sites", UriKind.Relative))).EnumerateArray().Single();
            Assert.Equal(ChatServer.LocalSiteKey, site.GetProperty("publicKey").GetString());
            Assert.Equal(["http://localhost:8080", "http://127.0.0.1:8080"], site.GetProperty("origins").EnumerateArray().Select(o => o.GetString()));
        }

        await page.GotoAsync(new Uri(server.BaseAddress, "/console/audit").ToString());
        await Assertions.Expect(page.Locator("#audit tbody tr[data-action='account.add']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit tbody tr[data-action^='site.']")).ToHaveCountAsync(0);

        // A counsellor: no menu link, and 403 at the page.
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/users").ToString());
        await page.FillAsync("#new-email", CounsellorEmail);
        await page.FillAsync("#new-password", CounsellorPassword);
        await page.ClickAsync("button.primary");
        await Assertions.Expect(page.Locator("table")).ToContainTextAsync(CounsellorEmail);

        var counsellor = await browser.NewPageAsync();
        await SignInAsync(counsellor, server, CounsellorEmail, CounsellorPassword);
        await Assertions.Expect(counsellor.Locator("nav a[href='console/sites']")).ToHaveCountAsync(0);
        var refused = await counsellor.GotoAsync(new Uri(server.BaseAddress, "/console/sites").ToString());
        Assert.Equal(403, refused!.Status);
        Assert.DoesNotContain(ChatServer.LocalSiteKey, await refused.TextAsync(), StringComparison.Ordinal);
    }

    private static async Task ExpectAnsweredAsync(HttpClient http, string origin)
    {
        using var response = await SendWithOriginAsync(http, origin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private static async Task ExpectRefusedAsync(HttpClient http, string origin, HttpStatusCode status, string code)
    {
        using var response = await SendWithOriginAsync(http, origin);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    private static Task<HttpResponseMessage> SendWithOriginAsync(HttpClient http, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/chat", UriKind.Relative)) { Content = JsonContent.Create(new ChatRequest("보험금 청구 방법")) };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return http.SendAsync(request);
    }

    /// <summary>Opens the page and waits until it is interactive (its buttons are enabled only then).</summary>
    private static async Task OpenAsync(IPage page, ChatServer server)
    {
        var response = await page.GotoAsync(new Uri(server.BaseAddress, "/console/sites").ToString());
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator("#add-site")).ToBeEnabledAsync(new() { Timeout = 15_000 });
    }

    private static async Task ExpectAccessibleAsync(IPage page)
    {
        var results = await page.RunAxe();
        Assert.True(results.Violations.Length == 0, page.Url + "\n" + string.Join("\n", results.Violations.Select(v =>
            $"{v.Id}: {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    private static async Task SignInAsync(IPage page, ChatServer server, string email, string password)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/signin").ToString());
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console/inbox");
    }

    [GeneratedRegex("^sk_[0-9a-f]{64}$")]
    private static partial Regex SecretPattern();
}
