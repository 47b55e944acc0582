using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Deque.AxeCore.Playwright;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Npgsql;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// /console/conversations, the transcript page, the CSV export and the audit log, on conversations made by real
/// customers on the chat hub, against the real Api process, in Debian's Chromium.
/// </summary>
public sealed class ConsoleConversationsTests
{
    private const string AdminEmail = "admin@example.com";
    private const string AdminPassword = "admin-pass-0123";
    private const string CounsellorEmail = "counsellor@example.com";
    private const string CounsellorPassword = "counsellor-pass-1";
    private const string ClaimQuestion = "보험금 청구는 어떻게 하나요?";
    private const string WeatherQuestion = "오늘 서울 날씨 어때요?";
    private const string FormulaQuestion = "=1+1 보험료는 언제 내나요?";
    private const string CounsellorReply = "상담원이 날씨 대신 보험 상담을 도와드릴게요.";

    private static Dictionary<string, string> Bootstrap() => new()
    {
        ["Console__BootstrapAdminEmail"] = AdminEmail,
        ["Console__BootstrapAdminPassword"] = AdminPassword,
    };

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Conversations_are_filtered_in_the_database_and_a_transcript_shows_everything(string provider)
    {
        var settings = Bootstrap();
        string? database = null;
        if (provider == "Postgres")
        {
            database = await TestPostgres.CreateDatabaseAsync("conversations");
            settings["Database__Provider"] = "Postgres";
            settings["ConnectionStrings__Chatbot"] = database;
        }

        try
        {
            await using var server = await ChatServer.StartAsync(settings: settings);

            // Two customers' conversations: an answered one rated 👎 and then 👍 (so its last rating is 👍), and a
            // declined one rated 👎, handed off and answered by a counsellor.
            await using var customer = server.CreateHubConnection();
            await customer.StartAsync();
            var claim = await AskAsync(customer, ClaimQuestion);
            Assert.True(claim.Grounded);
            await customer.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(claim.MessageId, -1));
            await customer.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(claim.MessageId, 1));
            var weather = await AskAsync(customer, WeatherQuestion);
            Assert.False(weather.Grounded);
            Assert.NotEqual(claim.ConversationId, weather.ConversationId);
            await customer.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(weather.MessageId, -1));
            await customer.InvokeAsync<HandoffResponse>(ChatEndpoints.HandoffMethod, new HandoffRequest(weather.ConversationId));
            using (var admin = server.CreateAdminClient())
            {
                using var replied = await admin.PostAsJsonAsync(new Uri($"/api/admin/conversations/{weather.ConversationId}/messages", UriKind.Relative), new { text = CounsellorReply });
                replied.EnsureSuccessStatusCode();
            }

            await using var browser = await ConsoleBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();
            await SignInAsync(page, server, AdminEmail, AdminPassword);

            await OpenAsync(page, server, "/console/conversations");
            await ExpectTotalAsync(page, 2);
            await ExpectAccessibleAsync(page);

            // The filter form: "declined only" leaves the weather question.
            await page.CheckAsync("#declined");
            await page.ClickAsync("#search");
            await page.WaitForURLAsync(url => url.Contains("declined=true", StringComparison.Ordinal));
            await ExpectTotalAsync(page, 1);
            await Assertions.Expect(page.Locator("#conversations tbody")).ToContainTextAsync(WeatherQuestion);

            // The dashboard's link to a declined question, and each other filter, as addresses.
            var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var tomorrow = DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await ExpectRowsAsync(page, server, "?declined=true&q=" + Uri.EscapeDataString("서울 날씨"), weather.ConversationId);
            await ExpectRowsAsync(page, server, "?down=true", weather.ConversationId);
            await ExpectRowsAsync(page, server, "?handoff=true", weather.ConversationId);
            await ExpectRowsAsync(page, server, "?q=" + Uri.EscapeDataString("보험금 청구"), claim.ConversationId);
            await ExpectRowsAsync(page, server, $"?from={today}&to={today}&site={ChatServer.LocalSiteKey}", weather.ConversationId, claim.ConversationId);
            await ExpectRowsAsync(page, server, $"?from={tomorrow}");
            await ExpectRowsAsync(page, server, "?site=pk_no_such_site");

            // The declined conversation's transcript: the question, the declined answer, the 👎, the handoff request
            // and the counsellor's reply.
            await OpenAsync(page, server, "/console/conversations?handoff=true");
            await page.ClickAsync("#conversations tbody a");
            await page.WaitForURLAsync($"**/console/conversations/{weather.ConversationId}");
            var transcript = page.Locator("#transcript");
            await Assertions.Expect(transcript.Locator($"li[data-role='{MessageRoles.User}']")).ToContainTextAsync(WeatherQuestion);
            await Assertions.Expect(transcript.Locator($"li[data-role='{MessageRoles.Assistant}']")).ToContainTextAsync("챗봇 (답변 불가)");
            await Assertions.Expect(transcript.Locator("[data-rating='-1']")).ToHaveCountAsync(1);
            // The rating draws as a named inline SVG, not an emoji (an empty box without a colour-emoji font).
            await Assertions.Expect(transcript.Locator("[data-rating='-1'] svg[role='img']")).ToHaveAttributeAsync("aria-label", "싫어요 (thumbs down)");
            Assert.DoesNotMatch(@"[\u2600-\u27BF]|\uD83C[\uDF00-\uDFFF]|\uD83D[\uDC00-\uDEFF]|\uD83E[\uDD00-\uDEFF]", await transcript.InnerTextAsync());
            await Assertions.Expect(transcript.Locator("li.handoff")).ToHaveCountAsync(1);
            await Assertions.Expect(transcript.Locator($"li[data-role='{MessageRoles.Counsellor}']")).ToContainTextAsync(CounsellorReply);
            await ExpectAccessibleAsync(page);

            // The answered one: its citations, and the customer's last rating (👍).
            await OpenAsync(page, server, $"/console/conversations/{claim.ConversationId}");
            await Assertions.Expect(page.Locator("#transcript .citations li").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#transcript [data-rating='1']")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#transcript li.handoff")).ToHaveCountAsync(0);

            await OpenAsync(page, server, $"/console/conversations/{Guid.NewGuid()}");
            await Assertions.Expect(page.Locator("#transcript-missing")).ToBeVisibleAsync();

            // The reply through the admin API is in the audit log too (the admin key is no account: "admin-api").
            await OpenAsync(page, server, "/console/audit?action=admin_api");
            var adminCalls = page.Locator("#audit tbody tr[data-action='admin_api']");
            await Assertions.Expect(adminCalls).ToHaveCountAsync(1);
            await Assertions.Expect(adminCalls.Locator("[data-col=actor]")).ToHaveTextAsync("admin-api");
            await Assertions.Expect(adminCalls.Locator("[data-col=target]")).ToHaveTextAsync($"conversationId={weather.ConversationId}");
            await Assertions.Expect(adminCalls.Locator("[data-col=detail]")).ToHaveTextAsync("POST /api/admin/conversations/{conversationId:guid}/messages");
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
    public async Task An_admin_exports_the_filtered_list_as_csv_for_excel_and_every_export_is_audited()
    {
        await using var server = await ChatServer.StartAsync(settings: Bootstrap());
        await using var customer = server.CreateHubConnection();
        await customer.StartAsync();
        var claim = await AskAsync(customer, ClaimQuestion);
        var formula = await AskAsync(customer, FormulaQuestion);

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await SignInAsync(page, server, AdminEmail, AdminPassword);
        await OpenAsync(page, server, "/console/conversations");
        await ExpectTotalAsync(page, 2);

        var csv = await DownloadAsync(page);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("대화 ID (Conversation),사이트 (Site),", lines[0], StringComparison.Ordinal);
        Assert.Contains("첫 질문 (First question)", lines[0], StringComparison.Ordinal);
        var claimLine = Assert.Single(lines, l => l.StartsWith(claim.ConversationId.ToString(), StringComparison.Ordinal));
        Assert.Contains("," + ClaimQuestion + ",", claimLine, StringComparison.Ordinal);
        var formulaLine = Assert.Single(lines, l => l.StartsWith(formula.ConversationId.ToString(), StringComparison.Ordinal));

        // Excel would run "=1+1 …" as a formula: the cell is written as text, with a leading apostrophe.
        Assert.Contains(",\"'" + FormulaQuestion + "\",", formulaLine, StringComparison.Ordinal);
        Assert.DoesNotContain("," + FormulaQuestion, formulaLine, StringComparison.Ordinal);

        // The export of a filtered list holds only its rows.
        await OpenAsync(page, server, "/console/conversations?q=" + Uri.EscapeDataString("보험금 청구"));
        await ExpectTotalAsync(page, 1);
        var filtered = Encoding.UTF8.GetString(await DownloadAsync(page));
        Assert.Contains(ClaimQuestion, filtered, StringComparison.Ordinal);
        Assert.DoesNotContain(FormulaQuestion, filtered, StringComparison.Ordinal);

        // Each export is in the audit log: who, from where, which filter, how many rows.
        await OpenAsync(page, server, "/console/audit?action=conversations.export");
        var exports = page.Locator("#audit tbody tr[data-action='conversations.export']");
        await Assertions.Expect(exports).ToHaveCountAsync(2);
        var latest = exports.First;
        await Assertions.Expect(latest.Locator("[data-col=actor]")).ToHaveTextAsync(AdminEmail);
        await Assertions.Expect(latest.Locator("[data-col=address]")).ToHaveTextAsync("127.0.0.1");
        await Assertions.Expect(latest.Locator("[data-col=target]")).ToHaveTextAsync("q=보험금 청구");
        await Assertions.Expect(latest.Locator("[data-col=detail]")).ToHaveTextAsync("rows=1");
        await Assertions.Expect(exports.Nth(1).Locator("[data-col=target]")).ToHaveTextAsync("all");
        await Assertions.Expect(exports.Nth(1).Locator("[data-col=detail]")).ToHaveTextAsync("rows=2");
        await ExpectAccessibleAsync(page);

        // A post that carries the admin's cookie but no antiforgery token (what another site's form could send if the
        // cookie went along) is refused, and nothing is exported or audited.
        var forged = await page.APIRequest.PostAsync(new Uri(server.BaseAddress, "/console/conversations/export").ToString(), new()
        {
            Form = page.APIRequest.CreateFormData().Set("q", "보험금"),
            MaxRedirects = 0,
        });
        Assert.Equal(400, forged.Status);
        Assert.DoesNotContain(ClaimQuestion, await forged.TextAsync(), StringComparison.Ordinal);

        // The sign-in form refuses a post without its token too.
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress })
        {
            using var signIn = await http.PostAsync(new Uri("/console/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "signin",
                ["Input.Email"] = AdminEmail,
                ["Input.Password"] = AdminPassword,
            }));
            Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
            Assert.False(signIn.Headers.Contains("Set-Cookie"), "a forged sign-in must not set a cookie");
        }

        await OpenAsync(page, server, "/console/audit?action=conversations.export");
        await Assertions.Expect(exports).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task A_counsellor_reads_conversations_but_cannot_export_or_open_the_audit_log()
    {
        await using var server = await ChatServer.StartAsync(settings: Bootstrap());
        await using var customer = server.CreateHubConnection();
        await customer.StartAsync();
        await AskAsync(customer, ClaimQuestion);

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, server, AdminEmail, AdminPassword);
        await OpenAsync(admin, server, "/console/users");
        await admin.FillAsync("#new-email", CounsellorEmail);
        await admin.FillAsync("#new-password", CounsellorPassword);
        await admin.ClickAsync("button.primary");
        await Assertions.Expect(admin.Locator("table")).ToContainTextAsync(CounsellorEmail);

        var counsellor = await browser.NewPageAsync();
        await SignInAsync(counsellor, server, CounsellorEmail, CounsellorPassword);
        await OpenAsync(counsellor, server, "/console/conversations");
        await ExpectTotalAsync(counsellor, 1);
        await Assertions.Expect(counsellor.Locator("#export")).ToHaveCountAsync(0);
        await Assertions.Expect(counsellor.Locator("nav a[href='console/audit']")).ToHaveCountAsync(0);

        var refused = await counsellor.GotoAsync(new Uri(server.BaseAddress, "/console/audit").ToString());
        Assert.Equal(403, refused!.Status);
        Assert.DoesNotContain("account.add", await refused.TextAsync(), StringComparison.Ordinal);

        // Even with a valid antiforgery token (from the sign-out form every page has), the export is the admins'.
        await OpenAsync(counsellor, server, "/console/conversations");
        var token = await counsellor.Locator("form.signout input[name='__RequestVerificationToken']").GetAttributeAsync("value");
        var export = await counsellor.APIRequest.PostAsync(new Uri(server.BaseAddress, "/console/conversations/export").ToString(), new()
        {
            Form = counsellor.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!),
            MaxRedirects = 0,
        });
        Assert.Equal(403, export.Status);

        // The counsellor changes their password: audited too.
        await OpenAsync(counsellor, server, "/console/account/password");
        await counsellor.FillAsync("#current", CounsellorPassword);
        await counsellor.FillAsync("#new", "counsellor-pass-2");
        await counsellor.ClickAsync("button.primary");
        await Assertions.Expect(counsellor.Locator(".notice")).ToContainTextAsync("비밀번호를 변경했습니다");

        // The admin sees both accounts' creation and the password change in the audit log, and no export.
        await OpenAsync(admin, server, "/console/audit");
        var changed = admin.Locator("#audit tbody tr[data-action='account.password_change']");
        await Assertions.Expect(changed).ToHaveCountAsync(1);
        await Assertions.Expect(changed.Locator("[data-col=actor]")).ToHaveTextAsync(CounsellorEmail);
        await Assertions.Expect(changed.Locator("[data-col=address]")).ToHaveTextAsync("127.0.0.1");
        var added = admin.Locator("#audit tbody tr[data-action='account.add']");
        await Assertions.Expect(added).ToHaveCountAsync(2);
        await Assertions.Expect(added.First.Locator("[data-col=actor]")).ToHaveTextAsync(AdminEmail);
        await Assertions.Expect(added.First.Locator("[data-col=target]")).ToHaveTextAsync(CounsellorEmail);
        await Assertions.Expect(added.First.Locator("[data-col=detail]")).ToHaveTextAsync("role=counsellor");
        await Assertions.Expect(added.Nth(1).Locator("[data-col=actor]")).ToHaveTextAsync("system");
        await Assertions.Expect(admin.Locator("#audit tbody tr[data-action='conversations.export']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_audit_log_is_append_only_on_postgres()
    {
        var database = await TestPostgres.CreateDatabaseAsync("audit");
        try
        {
            var settings = Bootstrap();
            settings["Database__Provider"] = "Postgres";
            settings["ConnectionStrings__Chatbot"] = database;
            await using (var server = await ChatServer.StartAsync(settings: settings))
            {
                // Starting made the bootstrap admin, which is the first audit line.
            }

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM console_audit"));

            foreach (var statement in new[]
            {
                """UPDATE console_audit SET "ActorName" = 'someone else'""",
                "DELETE FROM console_audit",
                "TRUNCATE console_audit",
            })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, statement));
                Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
            }

            // Adding still works, and nothing was changed or removed.
            await ScalarAsync(connection, """INSERT INTO console_audit ("AtUtc", "ActorName", "Action") VALUES (now(), 'test', 'test.insert')""");
            Assert.Equal(2L, await ScalarAsync(connection, "SELECT COUNT(*) FROM console_audit"));
            Assert.Equal("system", await ScalarAsync(connection, """SELECT "ActorName" FROM console_audit WHERE "Action" = 'account.add'"""));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    /// <summary>axe-core finds no violations on the page.</summary>
    private static async Task ExpectAccessibleAsync(IPage page)
    {
        var results = await page.RunAxe();
        Assert.True(results.Violations.Length == 0, page.Url + "\n" + string.Join("\n", results.Violations.Select(v =>
            $"{v.Id}: {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<byte[]> DownloadAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        return await File.ReadAllBytesAsync((await download.PathAsync())!);
    }

    private static async Task ExpectRowsAsync(IPage page, ChatServer server, string query, params Guid[] conversations)
    {
        await OpenAsync(page, server, "/console/conversations" + query);
        await ExpectTotalAsync(page, conversations.Length);
        if (conversations.Length == 0)
        {
            await Assertions.Expect(page.Locator("#conversations-empty")).ToBeVisibleAsync();
            return;
        }

        var rows = page.Locator("#conversations tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(conversations.Length);
        foreach (var id in conversations)
        {
            await Assertions.Expect(page.Locator($"#conversations tbody tr[data-conversation='{id}']")).ToHaveCountAsync(1);
        }
    }

    private static Task ExpectTotalAsync(IPage page, int total) =>
        Assertions.Expect(page.Locator("#conversation-total")).ToHaveTextAsync(total.ToString(CultureInfo.InvariantCulture));

    private static async Task OpenAsync(IPage page, ChatServer server, string path)
    {
        var response = await page.GotoAsync(new Uri(server.BaseAddress, path).ToString());
        Assert.Equal(200, response!.Status);
    }

    private static async Task<CompletedEvent> AskAsync(HubConnection customer, string question) =>
        (await customer.AskAllAsync(new ChatRequest(question))).OfType<CompletedEvent>().Single();

    private static async Task SignInAsync(IPage page, ChatServer server, string email, string password)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, "/console/signin").ToString());
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console/inbox");
    }
}
