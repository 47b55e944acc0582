using System.Net;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>The counsellor console at /console, against the real Api process, in Debian's Chromium.</summary>
public sealed class ConsoleTests
{
    private const string AdminEmail = "admin@example.com";
    private const string AdminPassword = "admin-pass-0123";

    private static Dictionary<string, string> Bootstrap() => new()
    {
        ["Console__BootstrapAdminEmail"] = AdminEmail,
        ["Console__BootstrapAdminPassword"] = AdminPassword,
    };

    [Fact]
    public async Task An_unauthenticated_console_page_redirects_to_sign_in()
    {
        await using var server = await ChatServer.StartAsync(settings: Bootstrap());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync(new Uri("/console/inbox", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    // This failed on both providers while the chat hub's site filter ran for every hub: it refused the console's
    // Blazor circuit (/_blazor) with site_key_missing, so the inbox never became interactive or live.
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_counsellor_answers_a_handoff_live_and_resolves_it(string provider)
    {
        var settings = Bootstrap();
        string? database = null;
        if (provider == "Postgres")
        {
            database = await TestPostgres.CreateDatabaseAsync("console");
            settings["Database__Provider"] = "Postgres";
            settings["ConnectionStrings__Chatbot"] = database;
        }

        try
        {
            await using var server = await ChatServer.StartAsync(settings: settings);
            await using var browser = await ConsoleBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();

            await page.GotoAsync(new Uri(server.BaseAddress, "/console/inbox").ToString());
            Assert.Contains("/console/signin", page.Url, StringComparison.Ordinal);
            await page.FillAsync("#email", AdminEmail);
            await page.FillAsync("#password", AdminPassword);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync("**/console/inbox");
            await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();

            // The customer, on the real SignalR client, asks and then asks for a counsellor.
            await using var customer = server.CreateHubConnection();
            var replies = new List<MessageAdded>();
            var replied = new TaskCompletionSource<MessageAdded>(TaskCreationOptions.RunContinuationsAsynchronously);
            customer.On<MessageAdded>(ChatEndpoints.MessageAddedMethod, added =>
            {
                if (added.Role == MessageRoles.Counsellor)
                {
                    replied.TrySetResult(added);
                }
            });
            await customer.StartAsync();
            var events = await customer.AskAllAsync(new ChatRequest("보험금 청구는 어떻게 하나요?"));
            var conversationId = events.OfType<CompletedEvent>().Single().ConversationId;
            var handoffId = (await customer.InvokeAsync<HandoffResponse>(ChatEndpoints.HandoffMethod, new HandoffRequest(conversationId))).RequestId;

            // Without a reload, the request shows up with the customer's question.
            var request = page.Locator("button.request");
            await Assertions.Expect(request).ToHaveCountAsync(1, new() { Timeout = 15_000 });
            await Assertions.Expect(request).ToContainTextAsync("보험금 청구는 어떻게 하나요?");
            await request.ClickAsync();
            await Assertions.Expect(page.Locator("#transcript")).ToContainTextAsync("보험금 청구는 어떻게 하나요?");
            await page.ClickAsync("#claim");
            await page.FillAsync("#reply", "안녕하세요, 상담원입니다. 청구 서류를 안내해 드릴게요.");
            await page.ClickAsync("#send-reply");

            var reply = await replied.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(conversationId, reply.ConversationId);
            Assert.Equal("안녕하세요, 상담원입니다. 청구 서류를 안내해 드릴게요.", reply.Text);
            await Assertions.Expect(page.Locator("#transcript")).ToContainTextAsync("청구 서류를 안내해 드릴게요");

            await page.FillAsync("#note", "서류 안내 완료");
            await page.ClickAsync("#resolve");
            await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync(new() { Timeout = 15_000 });

            // Each step is in the audit log, by this counsellor, on this request; newest first.
            await page.GotoAsync(new Uri(server.BaseAddress, "/console/audit").ToString());
            var handoffSteps = page.Locator("#audit tbody tr[data-action^='handoff.']");
            await Assertions.Expect(handoffSteps).ToHaveCountAsync(3);
            string[] steps = ["handoff.resolve", "handoff.reply", "handoff.claim"];
            for (var i = 0; i < steps.Length; i++)
            {
                var step = handoffSteps.Nth(i);
                Assert.Equal(steps[i], await step.GetAttributeAsync("data-action"));
                await Assertions.Expect(step.Locator("[data-col=actor]")).ToHaveTextAsync(AdminEmail);
                await Assertions.Expect(step.Locator("[data-col=target]")).ToHaveTextAsync(handoffId.ToString());

                // From the interactive page, the address is that of the Blazor circuit's connection.
                await Assertions.Expect(step.Locator("[data-col=address]")).ToHaveTextAsync("127.0.0.1");
            }
        }
        finally
        {
            if (database is not null)
            {
                await TestPostgres.DropDatabaseAsync(database);
            }
        }
    }

    [Fact]
    public async Task A_counsellor_gets_403_on_an_admin_page_and_repeated_failures_lock_an_account()
    {
        await using var server = await ChatServer.StartAsync(settings: Bootstrap());
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await SignInAsync(page, server, AdminEmail, AdminPassword);
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/users").ToString());
        await page.FillAsync("#new-email", "counsellor@example.com");
        await page.FillAsync("#new-password", "counsellor-pass-1");
        await page.ClickAsync("button.primary");
        await Assertions.Expect(page.Locator("table")).ToContainTextAsync("counsellor@example.com");

        var counsellor = await browser.NewPageAsync();
        await SignInAsync(counsellor, server, "counsellor@example.com", "counsellor-pass-1");
        var refused = await counsellor.GotoAsync(new Uri(server.BaseAddress, "/console/users").ToString());
        Assert.Equal(403, refused!.Status);

        // Five wrong passwords lock the account: then even the right one is refused, saying why.
        var stranger = await browser.NewPageAsync();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await TrySignInAsync(stranger, server, "counsellor@example.com", "wrong-password-" + attempt);
            await Assertions.Expect(stranger.Locator(".error")).ToBeVisibleAsync();
        }

        await TrySignInAsync(stranger, server, "counsellor@example.com", "counsellor-pass-1");
        await Assertions.Expect(stranger.Locator(".error")).ToContainTextAsync("잠겼습니다");
        Assert.Contains("/console/signin", stranger.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bootstrap_admin_is_ignored_once_an_account_exists()
    {
        var data = Directory.CreateTempSubdirectory("chatbot-console-").FullName;
        try
        {
            await using (var first = await ChatServer.StartAsync(data, Bootstrap()))
            {
            }

            var other = new Dictionary<string, string>
            {
                ["Console__BootstrapAdminEmail"] = "second@example.com",
                ["Console__BootstrapAdminPassword"] = "second-pass-0123",
            };
            await using var second = await ChatServer.StartAsync(data, other);
            await using var browser = await ConsoleBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();
            await TrySignInAsync(page, second, "second@example.com", "second-pass-0123");
            await Assertions.Expect(page.Locator(".error")).ToBeVisibleAsync();
            await SignInAsync(page, second, AdminEmail, AdminPassword);
            Assert.Contains("ignored", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task TrySignInAsync(IPage page, ChatServer server, string email, string password)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/signin").ToString());
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    private static async Task SignInAsync(IPage page, ChatServer server, string email, string password)
    {
        await TrySignInAsync(page, server, email, password);
        await page.WaitForURLAsync("**/console/inbox");
    }
}

/// <summary>Debian's Chromium, one per test (the console tests start their own servers).</summary>
internal sealed class ConsoleBrowser : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = WidgetBrowser.ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
        return new ConsoleBrowser(playwright, browser);
    }

    /// <summary>A page in a fresh context (its own cookies), Korean locale.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ko-KR" });
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
