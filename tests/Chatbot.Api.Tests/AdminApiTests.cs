using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>The operator endpoints with the admin credential.</summary>
public sealed class AdminApiTests(SqliteChatServerFixture fixture) : IClassFixture<SqliteChatServerFixture>
{
    private static readonly string[] PathOrigin = ["https://a.example/path"];
    private static readonly string[] GoodOrigin = ["https://a.example"];

    [Fact]
    public async Task Export_returns_a_sites_conversations_with_their_messages()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://export.example");
        using var customer = fixture.Server.CreateHttpClient(site.PublicKey);
        var asked = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(customer, new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));
        using var admin = fixture.Server.CreateAdminClient();

        var export = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/conversations?site={site.PublicKey}&since=2000-01-01T00:00:00Z");

        var conversation = Assert.Single(export.EnumerateArray());
        Assert.Equal(asked.ConversationId, conversation.GetProperty("conversationId").GetGuid());
        Assert.Equal(site.PublicKey, conversation.GetProperty("siteKey").GetString());
        Assert.Equal(["User", "Assistant"], conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Ingestion_can_be_triggered_and_reports_what_it_did()
    {
        using var admin = fixture.Server.CreateAdminClient();

        using var response = await admin.PostAsync("/api/admin/ingestion", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(summary.GetProperty("skipped").GetInt32() > 0, "unchanged documents are skipped");
        Assert.Equal(0, summary.GetProperty("failed").GetArrayLength());
    }

    [Fact]
    public async Task Bad_site_definitions_get_400_and_unknown_keys_404()
    {
        using var admin = fixture.Server.CreateAdminClient();

        using var noOrigins = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "x", origins = Array.Empty<string>() });
        using var pathOrigin = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "x", origins = PathOrigin });
        using var taken = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "x", origins = GoodOrigin, publicKey = ChatServer.LocalSiteKey });
        using var unknown = await admin.PostAsync("/api/admin/sites/pk_nobody/rotate", null);

        Assert.Equal(HttpStatusCode.BadRequest, noOrigins.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, pathOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
