using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Api.Tests;

/// <summary>Partner-site keys, origins, identities and the admin credential, against the real server.</summary>
public abstract class SiteAccessTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ChatServerFixture
{
    private static readonly string[] SomeOrigins = ["https://x.example"];

    private ChatServer Server => fixture.Server;

    [Theory]
    [InlineData("POST", "/api/chat")]
    [InlineData("POST", "/api/chat/stream")]
    [InlineData("GET", "/api/conversations/5f0c3c8e-3a1b-4e55-9a55-000000000000/messages")]
    [InlineData("DELETE", "/api/conversations/5f0c3c8e-3a1b-4e55-9a55-000000000000")]
    [InlineData("GET", "/api/me/conversations")]
    [InlineData("POST", "/hubs/chat/negotiate?negotiateVersion=1")]
    public async Task Without_a_site_key_every_customer_endpoint_answers_401(string method, string path)
    {
        using var http = Server.CreateHttpClient(siteKey: null);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new ChatRequest("보험금 청구")) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("site_key_missing", (await ProblemAsync(response)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("pk_does_not_exist")]
    [InlineData("sk_local_dev")]
    [InlineData("pk_local_dev' OR '1'='1")]
    [InlineData("pk_")]
    public async Task An_unknown_or_malformed_key_answers_401(string key)
    {
        using var http = Server.CreateHttpClient(siteKey: null);
        http.DefaultRequestHeaders.TryAddWithoutValidation(ChatEndpoints.SiteKeyHeader, key);

        using var response = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("site_key_invalid", (await ProblemAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_local_key_works_from_its_origins_and_without_an_origin_but_not_from_another_origin()
    {
        using var http = Server.CreateHttpClient();

        using var serverToServer = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        using var fromPage = await SendWithOriginAsync(http, "http://localhost:8080");
        using var fromOther = await SendWithOriginAsync(http, "https://evil.example");
        using var fromNullOrigin = await SendWithOriginAsync(http, "null");

        Assert.Equal(HttpStatusCode.OK, serverToServer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromPage.StatusCode);
        Assert.Equal("http://localhost:8080", fromPage.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, fromOther.StatusCode);
        Assert.Equal("origin_not_allowed", (await ProblemAsync(fromOther)).GetProperty("code").GetString());
        Assert.False(fromOther.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Forbidden, fromNullOrigin.StatusCode);
    }

    [Fact]
    public async Task The_servers_own_pages_may_use_a_valid_key_from_their_own_origin()
    {
        var partner = await TestSites.CreateAsync(Server, "https://partner-own.example");
        using var http = Server.CreateHttpClient(partner.PublicKey);

        using var sameOrigin = await SendWithOriginAsync(http, Server.BaseAddress.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
    }

    [Fact]
    public async Task Cors_preflight_is_granted_only_to_origins_a_site_lists()
    {
        using var http = Server.CreateHttpClient(siteKey: null);

        using var allowed = await PreflightAsync(http, "http://127.0.0.1:8080");
        using var refused = await PreflightAsync(http, "https://evil.example");

        Assert.Equal("http://127.0.0.1:8080", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-site-key", string.Join(',', allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_sites_origin_is_bound_to_its_own_key()
    {
        var partner = await TestSites.CreateAsync(Server, "https://partner-a.example");
        using var withPartnerKey = Server.CreateHttpClient(partner.PublicKey);
        using var withLocalKey = Server.CreateHttpClient();

        using var own = await SendWithOriginAsync(withPartnerKey, "https://partner-a.example");
        using var borrowed = await SendWithOriginAsync(withLocalKey, "https://partner-a.example");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, borrowed.StatusCode);
    }

    [Fact]
    public async Task A_conversation_is_invisible_to_another_sites_key()
    {
        var other = await TestSites.CreateAsync(Server, "https://partner-b.example");
        using var local = Server.CreateHttpClient();
        using var foreign = Server.CreateHttpClient(other.PublicKey);
        var answer = await AskAsync(local, new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));

        using var read = await foreign.GetAsync($"/api/conversations/{answer.ConversationId}/messages");
        using var write = await foreign.PostAsJsonAsync("/api/chat", new ChatRequest("이어서 질문", answer.ConversationId));
        using var delete = await foreign.DeleteAsync($"/api/conversations/{answer.ConversationId}");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        var history = await local.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{answer.ConversationId}/messages", JsonSerializerOptions.Web);
        Assert.Equal(2, history!.Messages.Count);
    }

    [Fact]
    public async Task A_verified_customer_sees_their_history_on_another_device_and_nobody_else_does()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-c.example");
        using var phone = TestSites.CreateUserClient(Server, site, "customer-1001");
        var asked = await AskAsync(phone, new ChatRequest("해지환급금이 뭐예요?"));

        using var laptop = TestSites.CreateUserClient(Server, site, "customer-1001");
        var mine = await laptop.GetFromJsonAsync<JsonElement>("/api/me/conversations");
        using var laptopHistory = await laptop.GetAsync($"/api/conversations/{asked.ConversationId}/messages");

        using var anonymous = Server.CreateHttpClient(site.PublicKey);
        using var anonymousList = await anonymous.GetAsync("/api/me/conversations");
        using var anonymousHistory = await anonymous.GetAsync($"/api/conversations/{asked.ConversationId}/messages");
        using var someoneElse = TestSites.CreateUserClient(Server, site, "customer-2002");
        var theirs = await someoneElse.GetFromJsonAsync<JsonElement>("/api/me/conversations");
        using var someoneElsesHistory = await someoneElse.GetAsync($"/api/conversations/{asked.ConversationId}/messages");

        Assert.Equal(asked.ConversationId, Assert.Single(mine.EnumerateArray()).GetProperty("conversationId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, laptopHistory.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousList.StatusCode);
        Assert.Equal("identity_required", (await ProblemAsync(anonymousList)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, anonymousHistory.StatusCode);
        Assert.Empty(theirs.EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, someoneElsesHistory.StatusCode);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-hex")]
    [InlineData("")]
    [InlineData("ZZ")]
    public async Task A_forged_identity_hash_is_refused(string forged)
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-d.example");
        using var http = Server.CreateHttpClient(site.PublicKey);
        http.DefaultRequestHeaders.Add("X-User-Id", "customer-1001");
        http.DefaultRequestHeaders.TryAddWithoutValidation("X-User-Hash", forged);

        using var response = await http.GetAsync("/api/me/conversations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("identity_invalid", (await ProblemAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_hash_made_with_another_sites_secret_or_for_another_id_is_refused()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-e.example");
        var other = await TestSites.CreateAsync(Server, "https://partner-f.example");

        using var otherSecret = TestSites.CreateUserClient(Server, site, "customer-1", TestSites.IdentityHash(other.IdentitySecret!, "customer-1"));
        using var otherId = TestSites.CreateUserClient(Server, site, "customer-1", TestSites.IdentityHash(site.IdentitySecret!, "customer-2"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await otherSecret.GetAsync("/api/me/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherId.GetAsync("/api/me/conversations")).StatusCode);
    }

    [Fact]
    public async Task Rotating_the_secret_invalidates_old_hashes_at_once()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-g.example");
        using var before = TestSites.CreateUserClient(Server, site, "customer-7");
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/me/conversations")).StatusCode);

        using var admin = Server.CreateAdminClient();
        using var rotate = await admin.PostAsync($"/api/admin/sites/{site.PublicKey}/rotate", null);
        var rotated = (await rotate.Content.ReadFromJsonAsync<CreatedSite>(JsonSerializerOptions.Web))!;

        using var stale = TestSites.CreateUserClient(Server, site, "customer-7");
        using var fresh = TestSites.CreateUserClient(Server, rotated, "customer-7");
        Assert.NotEqual(site.IdentitySecret, rotated.IdentitySecret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("/api/me/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/me/conversations")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_key_is_refused_at_once_including_an_open_hub_connection()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-h.example");
        await using var connection = Server.CreateHubConnection(site.PublicKey);
        var closed = connection.WhenClosed();
        await connection.StartAsync();
        Assert.IsType<CompletedEvent>((await connection.AskAllAsync(new ChatRequest("보험금 청구 방법")))[^1]);

        using var admin = Server.CreateAdminClient();
        (await admin.PostAsync($"/api/admin/sites/{site.PublicKey}/disable", null)).EnsureSuccessStatusCode();

        await closed.WaitAsync(TimeSpan.FromSeconds(10));
        using var http = Server.CreateHttpClient(site.PublicKey);
        using var refused = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("site_key_disabled", (await ProblemAsync(refused)).GetProperty("code").GetString());
        await using var again = Server.CreateHubConnection(site.PublicKey);
        await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());

        (await admin.PostAsync($"/api/admin/sites/{site.PublicKey}/enable", null)).EnsureSuccessStatusCode();
        using var back = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Browsers_can_pass_the_key_and_identity_in_the_hub_query_string()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-i.example");
        var hash = TestSites.IdentityHash(site.IdentitySecret!, "customer-q");
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, $"{ChatEndpoints.HubPath}?userId=customer-q&userHash={hash}"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(site.PublicKey))
            .AddJsonProtocol()
            .Build();
        await connection.StartAsync();

        var events = await connection.AskAllAsync(new ChatRequest("암보험 면책기간이 뭔가요?"));

        var conversationId = Assert.IsType<AcceptedEvent>(events[0]).ConversationId;
        using var user = TestSites.CreateUserClient(Server, site, "customer-q");
        var mine = await user.GetFromJsonAsync<JsonElement>("/api/me/conversations");
        Assert.Equal(conversationId, Assert.Single(mine.EnumerateArray()).GetProperty("conversationId").GetGuid());
    }

    [Theory]
    [InlineData("GET", "/api/admin/sites")]
    [InlineData("POST", "/api/admin/sites")]
    [InlineData("POST", "/api/admin/sites/pk_local_dev/disable")]
    [InlineData("POST", "/api/admin/sites/pk_local_dev/rotate")]
    [InlineData("GET", "/api/admin/conversations")]
    [InlineData("POST", "/api/admin/ingestion")]
    [InlineData("POST", "/api/admin/documents")]
    [InlineData("POST", "/api/admin/retention/sweep")]
    [InlineData("GET", "/api/admin/anything-else")]
    public async Task Admin_endpoints_answer_401_without_the_admin_credential(string method, string path)
    {
        foreach (var token in new[] { null, "wrong-admin-key-0123456789abcdef", ChatServer.AdminKey[..^1], "pk_local_dev" })
        {
            using var http = Server.CreateHttpClient();
            if (token is not null)
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { name = "x", origins = SomeOrigins }) });

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var local = Server.CreateHttpClient();
        using var stillThere = await local.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구"));
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task Secrets_never_appear_in_the_server_log()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-j.example");
        using var user = TestSites.CreateUserClient(Server, site, "customer-log");
        await AskAsync(user, new ChatRequest("보험금 청구 방법"));
        using var admin = Server.CreateAdminClient();
        await admin.GetAsync("/api/admin/sites");

        Assert.DoesNotContain(ChatServer.AdminKey, Server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(site.IdentitySecret!, Server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSites.IdentityHash(site.IdentitySecret!, "customer-log"), Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_list_shows_sites_without_their_secrets()
    {
        await TestSites.CreateAsync(Server, "https://partner-k.example");
        using var admin = Server.CreateAdminClient();

        var sites = await admin.GetFromJsonAsync<List<CreatedSite>>("/api/admin/sites", JsonSerializerOptions.Web);

        Assert.Contains(sites!, s => s.PublicKey == ChatServer.LocalSiteKey && s.Origins.SequenceEqual(["http://localhost:8080", "http://127.0.0.1:8080"]));
        Assert.All(sites!, s => Assert.Null(s.IdentitySecret));
    }

    internal static async Task<ChatResponse> AskAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
    }


    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<HttpResponseMessage> SendWithOriginAsync(HttpClient http, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new ChatRequest("보험금 청구 방법")) };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PreflightAsync(HttpClient http, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/chat/stream");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type,x-site-key");
        return http.SendAsync(request);
    }
}

public sealed class SiteAccessTestsOnSqlite(SqliteChatServerFixture fixture) : SiteAccessTests<SqliteChatServerFixture>(fixture);

public sealed class SiteAccessTestsOnPostgres(PostgresChatServerFixture fixture) : SiteAccessTests<PostgresChatServerFixture>(fixture);
