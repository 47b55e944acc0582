using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Tests;

public sealed class WidgetSupportSqliteFixture : SqliteStoredRowsFixture;

public sealed class WidgetSupportPostgresFixture : PostgresStoredRowsFixture;

/// <summary>
/// What the widget needs from the server beyond questions: the conversation as the customer left it (ratings,
/// counsellor requests, the page context), the cited sections in full, and a configuration that tells a page why
/// the chat cannot work there.
/// </summary>
public abstract class WidgetSupportTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StoredRowsFixture
{
    protected ChatServer Server => fixture.Server;

    [Fact]
    public async Task History_brings_back_ratings_handoff_requests_and_the_masked_page_context()
    {
        using var http = Server.CreateHttpClient();
        var first = await AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요")
        {
            Context = new Dictionary<string, string> { ["page"] = "/claims", ["memo"] = "연락처 010-1234-5678" },
        });
        var second = await AskAsync(http, new ChatRequest("해지환급금이 뭐예요?", first.ConversationId));
        (await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(first.MessageId, -1, "더 자세히"))).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(first.MessageId, 1))).EnsureSuccessStatusCode();
        using var handoff = await http.PostAsJsonAsync("/api/handoff", new HandoffRequest(first.ConversationId));
        var requested = (await handoff.Content.ReadFromJsonAsync<HandoffResponse>(JsonSerializerOptions.Web))!;

        var history = (await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{first.ConversationId}/messages", JsonSerializerOptions.Web))!;

        Assert.Equal(1, history.Messages.Single(m => m.Id == first.MessageId).Rating);
        Assert.Null(history.Messages.Single(m => m.Id == second.MessageId).Rating);
        var notice = Assert.Single(history.Handoffs);
        Assert.Equal((requested.RequestId, "1588-0000", "평일 09:00~18:00"), (notice.RequestId, notice.Phone, notice.Hours));
        Assert.True(notice.CreatedAt > history.Messages[^1].CreatedAt);
        Assert.NotNull(history.Context);
        Assert.Equal("/claims", history.Context["page"]);
        Assert.DoesNotContain("1234-5678", history.Context["memo"], StringComparison.Ordinal);
        await using var database = fixture.OpenDatabase();
        var stored = await database.Conversations.SingleAsync(c => c.Id == first.ConversationId);
        Assert.DoesNotContain("1234-5678", stored.ContextJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("too many keys")]
    [InlineData("key too long")]
    [InlineData("value too long")]
    [InlineData("empty key")]
    public async Task A_page_context_outside_the_limits_is_a_clear_400_and_nothing_is_stored(string breach)
    {
        using var http = Server.CreateHttpClient();
        var first = await AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요") { Context = new Dictionary<string, string> { ["page"] = "/claims" } });
        var context = breach switch
        {
            "too many keys" => Enumerable.Range(0, ChatLimits.MaxContextEntries + 1).ToDictionary(i => $"k{i}", i => "v"),
            "key too long" => new Dictionary<string, string> { [new string('키', ChatLimits.MaxContextKeyLength + 1)] = "v" },
            "value too long" => new Dictionary<string, string> { ["product"] = new string('암', ChatLimits.MaxContextValueLength + 1) },
            _ => new Dictionary<string, string> { [" "] = "v" },
        };

        using var response = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험료 납입 방법", first.ConversationId) { Context = context });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ChatErrorCodes.InvalidContext, problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("page context", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var history = (await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{first.ConversationId}/messages", JsonSerializerOptions.Web))!;
        Assert.Equal(2, history.Messages.Count);
        Assert.Equal(new Dictionary<string, string> { ["page"] = "/claims" }, history.Context);
    }

    [Fact]
    public async Task The_largest_page_context_the_limits_allow_is_stored_whole()
    {
        using var http = Server.CreateHttpClient();
        var largest = Enumerable.Range(0, ChatLimits.MaxContextEntries)
            .ToDictionary(i => $"{i:D2}{new string('키', ChatLimits.MaxContextKeyLength - 2)}", i => new string('암', ChatLimits.MaxContextValueLength));

        var answer = await AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요") { Context = largest });

        var history = (await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{answer.ConversationId}/messages", JsonSerializerOptions.Web))!;
        Assert.Equal(largest, history.Context);
    }

    [Fact]
    public async Task A_page_context_does_not_change_the_answer()
    {
        using var http = Server.CreateHttpClient();
        const string Question = "보험료 납입 방법 알려주세요";

        var plain = await AskAsync(http, new ChatRequest(Question));
        var withContext = await AskAsync(http, new ChatRequest(Question)
        {
            Context = new Dictionary<string, string> { ["page"] = "/surrender", ["product"] = "해지환급금 보험금 청구 서류 약관대출" },
        });

        Assert.Equal(plain.Answer, withContext.Answer);
        Assert.Equal(plain.Citations.Select(c => (c.DocumentId, c.Section)), withContext.Citations.Select(c => (c.DocumentId, c.Section)));
    }

    [Fact]
    public async Task Handoff_hours_come_from_the_counsellor_configuration_in_the_language_asked()
    {
        using var http = Server.CreateHttpClient();

        using var english = await http.PostAsJsonAsync("/api/handoff", new HandoffRequest(null) { Language = "en" });

        var answer = (await english.Content.ReadFromJsonAsync<HandoffResponse>(JsonSerializerOptions.Web))!;
        Assert.Equal(("1588-0000", "weekdays 09:00–18:00"), (answer.Phone, answer.Hours));
    }

    private static async Task<ChatResponse> AskAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<ChatResponse>(body, JsonSerializerOptions.Web)!;
    }
}

public sealed class WidgetSupportTestsOnSqlite(WidgetSupportSqliteFixture fixture) : WidgetSupportTests<WidgetSupportSqliteFixture>(fixture)
{
    [Fact]
    public async Task A_citation_opens_its_whole_section_with_title_article_and_page()
    {
        using var http = Server.CreateHttpClient();
        using var asked = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구할 때 필요한 서류는 뭐예요?"));
        var answer = (await asked.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
        var citation = answer.Citations[0];

        var url = $"{ChatEndpoints.SourcesPath}?documentId={Uri.EscapeDataString(citation.DocumentId)}&section={Uri.EscapeDataString(citation.Section ?? "")}";
        var section = (await http.GetFromJsonAsync<SourceSection>(url, JsonSerializerOptions.Web))!;

        Assert.Equal((citation.DocumentId, citation.Title), (section.DocumentId, section.Title));
        Assert.Contains(citation.Snippet.Trim()[..Math.Min(20, citation.Snippet.Trim().Length)], section.Text, StringComparison.Ordinal);
        Assert.True(section.Text.Length >= citation.Snippet.Length);
    }

    [Fact]
    public async Task Sources_need_the_site_key_and_an_unknown_section_is_404_source_not_found()
    {
        using var keyless = Server.CreateHttpClient(siteKey: null);
        using var http = Server.CreateHttpClient();

        using var withoutKey = await keyless.GetAsync($"{ChatEndpoints.SourcesPath}?documentId=claims-procedure");
        using var unknown = await http.GetAsync($"{ChatEndpoints.SourcesPath}?documentId=no-such-document");
        using var malformed = await http.GetAsync(ChatEndpoints.SourcesPath);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(ChatErrorCodes.SourceNotFound, await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Theory]
    [InlineData(null, "http://localhost:8080", null)]
    [InlineData("pk_local_dev", "http://localhost:8080", null)]
    [InlineData("pk_local_dev", "https://copycat.example", ChatErrorCodes.OriginNotAllowed)]
    [InlineData("pk_unknown_key_0000", "http://localhost:8080", ChatErrorCodes.SiteKeyInvalid)]
    [InlineData("", "http://localhost:8080", ChatErrorCodes.SiteKeyMissing)]
    public async Task Widget_configuration_tells_any_origin_whether_the_key_works_there_and_gives_the_counsellor_line(string? key, string origin, string? expected)
    {
        using var http = Server.CreateHttpClient(siteKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ChatEndpoints.WidgetConfigurationPath}?siteKey={key ?? ChatServer.LocalSiteKey}");
        request.Headers.Add("Origin", origin);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var configuration = (await response.Content.ReadFromJsonAsync<WidgetConfiguration>(JsonSerializerOptions.Web))!;
        Assert.Equal(expected, configuration.ErrorCode);
        Assert.Equal(expected is null, configuration.Fix is null);
        if (expected == ChatErrorCodes.OriginNotAllowed)
        {
            Assert.Contains("https://copycat.example", configuration.Fix, StringComparison.Ordinal);
            Assert.Contains("/origins", configuration.Fix, StringComparison.Ordinal);
        }

        Assert.Equal(("1588-0000", "평일 09:00~18:00"), (configuration.Counsellor.Phone, configuration.Counsellor.Hours));
    }

    [Fact]
    public async Task Widget_configuration_names_a_disabled_key_and_the_counsellor_line_follows_the_settings()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner.example");
        using var admin = Server.CreateAdminClient();
        (await admin.PostAsync(new Uri($"/api/admin/sites/{site.PublicKey}/disable", UriKind.Relative), null)).EnsureSuccessStatusCode();
        using var http = Server.CreateHttpClient(siteKey: null);

        var configuration = (await http.GetFromJsonAsync<WidgetConfiguration>($"{ChatEndpoints.WidgetConfigurationPath}?siteKey={site.PublicKey}&lang=en", JsonSerializerOptions.Web))!;

        Assert.Equal(ChatErrorCodes.SiteKeyDisabled, configuration.ErrorCode);
        Assert.Contains($"chatbot sites enable {site.PublicKey}", configuration.Fix, StringComparison.Ordinal);
        Assert.Equal("weekdays 09:00–18:00", configuration.Counsellor.Hours);
    }
}

public sealed class WidgetSupportTestsOnPostgres(WidgetSupportPostgresFixture fixture) : WidgetSupportTests<WidgetSupportPostgresFixture>(fixture);

/// <summary>The counsellor line is the server's configuration, whatever a client shows.</summary>
public sealed class CounsellorConfigurationTests
{
    [Fact]
    public async Task A_configured_line_reaches_the_widget_configuration_and_handoff_answers()
    {
        await using var server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Counsellor__Phone"] = "1577-1004",
            ["Counsellor__Hours"] = "Mon-Sat 08:30-17:30",
        });
        try
        {
            using var http = server.CreateHttpClient();
            var configuration = (await http.GetFromJsonAsync<WidgetConfiguration>($"{ChatEndpoints.WidgetConfigurationPath}?siteKey={ChatServer.LocalSiteKey}", JsonSerializerOptions.Web))!;
            using var handoff = await http.PostAsJsonAsync("/api/handoff", new HandoffRequest(null));
            var answer = (await handoff.Content.ReadFromJsonAsync<HandoffResponse>(JsonSerializerOptions.Web))!;

            Assert.Equal(("1577-1004", "월·화·수·목·금·토요일 08:30~17:30"), (configuration.Counsellor.Phone, configuration.Counsellor.Hours));
            Assert.Equal(("1577-1004", "월·화·수·목·금·토요일 08:30~17:30"), (answer.Phone, answer.Hours));
        }
        finally
        {
            Directory.Delete(server.DataDirectory, recursive: true);
        }
    }
}
