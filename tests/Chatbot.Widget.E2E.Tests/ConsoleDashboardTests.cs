using System.Globalization;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>The analytics landing page at /console, on data made by real customers' questions, in Debian's Chromium.</summary>
public sealed class ConsoleDashboardTests
{
    private const string AdminEmail = "admin@example.com";
    private const string AdminPassword = "admin-pass-0123";
    private const string WeatherQuestion = "오늘 서울 날씨 어때요?";

    [Fact]
    public async Task The_dashboard_counts_match_what_customers_did_and_lists_the_declined_question()
    {
        await using var server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Console__BootstrapAdminEmail"] = AdminEmail,
            ["Console__BootstrapAdminPassword"] = AdminPassword,
        });

        // Customers ask on the real hub: one question the documents answer, the same off-topic question in two
        // wordings and another off-topic one (declined), a 👍, a 👎 and a request for a counsellor.
        await using var customer = server.CreateHubConnection();
        await customer.StartAsync();
        var answered = await AskAsync(customer, "보험금 청구는 어떻게 하나요?");
        var weather = await AskAsync(customer, WeatherQuestion);
        var weatherAgain = await AskAsync(customer, "오늘 서울 날씨 어때요");
        var coin = await AskAsync(customer, "비트코인 시세 알려줘");
        Assert.True(answered.Grounded);
        Assert.All([weather, weatherAgain, coin], c => Assert.False(c.Grounded));
        await customer.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(answered.MessageId, 1));
        await customer.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(weather.MessageId, -1));
        await customer.InvokeAsync<HandoffResponse>(ChatEndpoints.HandoffMethod, new HandoffRequest(weather.ConversationId));

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseAddress, "/console").ToString());
        await page.FillAsync("#email", AdminEmail);
        await page.FillAsync("#password", AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/console");

        // Today in Seoul (the default Counsellor:TimeZone) is the last day of the default 14-day range.
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var row = page.Locator($"#daily tbody tr[data-day='{today}'][data-site='{ChatServer.LocalSiteKey}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await ExpectCellsAsync(row, questions: 4, answeredCount: 1, declined: 3, up: 1, down: 1, handoffs: 1);
        await ExpectCellsAsync(page.Locator("#daily-total"), questions: 4, answeredCount: 1, declined: 3, up: 1, down: 1, handoffs: 1);
        await Assertions.Expect(row.Locator("[data-col=up-share]")).ToHaveTextAsync("50%");
        Assert.Equal(today, await page.InputValueAsync("#to"));

        // The two wordings of the weather question are one group, first, linking to its declined conversations.
        var top = page.Locator("#top-declined > li").First;
        await Assertions.Expect(top).ToContainTextAsync(WeatherQuestion);
        await Assertions.Expect(top.Locator("[data-col=count]")).ToHaveTextAsync("2회");
        var link = await top.Locator("a").GetAttributeAsync("href");
        // The two wordings are each asked once, so either may stand for the group; the link searches for the one shown.
        var shown = await top.Locator("a").InnerTextAsync();
        Assert.StartsWith("오늘 서울 날씨 어때요", shown, StringComparison.Ordinal);
        Assert.Equal("console/conversations?declined=true&q=" + Uri.EscapeDataString(shown), link);
        await Assertions.Expect(page.Locator("#top-declined > li")).ToHaveCountAsync(2);

        // The chart library's script and styles are served. (Not yet asserted: that the charts draw; they did not in
        // the first run, see README.)
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var asset in new[] { "/_content/Radzen.Blazor/Radzen.Blazor.js", "/_content/Radzen.Blazor/css/default-base.css" })
        {
            using var response = await http.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{asset}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_counsellor_is_sent_to_the_inbox_and_never_sees_the_analytics()
    {
        await using var server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Console__BootstrapAdminEmail"] = AdminEmail,
            ["Console__BootstrapAdminPassword"] = AdminPassword,
        });
        await using var customer = server.CreateHubConnection();
        await customer.StartAsync();
        await AskAsync(customer, WeatherQuestion);

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, server, AdminEmail, AdminPassword);
        await admin.GotoAsync(new Uri(server.BaseAddress, "/console/users").ToString());
        await admin.FillAsync("#new-email", "counsellor@example.com");
        await admin.FillAsync("#new-password", "counsellor-pass-1");
        await admin.ClickAsync("button.primary");
        await Assertions.Expect(admin.Locator("table")).ToContainTextAsync("counsellor@example.com");

        var counsellor = await browser.NewPageAsync();
        await SignInAsync(counsellor, server, "counsellor@example.com", "counsellor-pass-1");
        await Assertions.Expect(counsellor.Locator("nav a[href='console']")).ToHaveCountAsync(0);
        var response = await counsellor.GotoAsync(new Uri(server.BaseAddress, "/console").ToString());
        await counsellor.WaitForURLAsync("**/console/inbox");
        Assert.DoesNotContain(WeatherQuestion, await response!.TextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(counsellor.Locator("#daily")).ToHaveCountAsync(0);
        await Assertions.Expect(counsellor.Locator("#top-declined")).ToHaveCountAsync(0);
    }

    private static async Task<CompletedEvent> AskAsync(HubConnection customer, string question) =>
        (await customer.AskAllAsync(new ChatRequest(question))).OfType<CompletedEvent>().Single();

    private static async Task ExpectCellsAsync(ILocator row, int questions, int answeredCount, int declined, int up, int down, int handoffs)
    {
        await Assertions.Expect(row.Locator("[data-col=questions]")).ToHaveTextAsync(questions.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("[data-col=answered]")).ToHaveTextAsync(answeredCount.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("[data-col=declined]")).ToHaveTextAsync(declined.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("[data-col=up]")).ToHaveTextAsync(up.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("[data-col=down]")).ToHaveTextAsync(down.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("[data-col=handoffs]")).ToHaveTextAsync(handoffs.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task SignInAsync(IPage page, ChatServer server, string email, string password)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/signin").ToString());
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console/inbox");
    }
}
