using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>
/// Access is decided by the endpoint a request reaches (its route group's policies and limits), not by how its path is
/// spelled: against the real server.
/// </summary>
public sealed class SiteAccessPolicyTests(SqliteChatServerFixture fixture) : IClassFixture<SqliteChatServerFixture>
{
    private ChatServer Server => fixture.Server;

    [Theory]
    [InlineData("/API/CHAT")]
    [InlineData("/Api/Chat/")]
    [InlineData("/api/chat/")]
    [InlineData("/api/%63hat")]
    public async Task Every_spelling_that_reaches_the_chat_endpoint_meets_its_policy(string path)
    {
        using var anonymous = Server.CreateHttpClient(siteKey: null);
        using var withKey = Server.CreateHttpClient();

        using var refused = await anonymous.PostAsJsonAsync(path, new ChatRequest("보험금 청구 방법"));
        using var admitted = await withKey.PostAsJsonAsync(path, new ChatRequest("보험금 청구 방법"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(ChatErrorCodes.SiteKeyMissing, (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(refused)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await admitted.Content.ReadFromJsonAsync<ChatResponse>())?.Answer));
    }

    [Theory]
    [InlineData("/api//chat")]
    [InlineData("//api/chat")]
    [InlineData("/api/chat//")]
    public async Task An_odd_spelling_never_reaches_the_chat_without_a_key(string path)
    {
        using var anonymous = Server.CreateHttpClient(siteKey: null);
        var address = new Uri(Server.BaseAddress.GetLeftPart(UriPartial.Authority) + path);

        using var response = await anonymous.PostAsJsonAsync(address, new ChatRequest("보험금 청구 방법"));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Under_api_the_endpoint_decides_health_and_widget_configuration_are_public_and_admin_wants_the_admin_key()
    {
        using var anonymous = Server.CreateHttpClient(siteKey: null);
        using var withSiteKey = Server.CreateHttpClient();

        using var health = await anonymous.GetAsync("/api/health");
        using var configuration = await anonymous.GetAsync($"{ChatEndpoints.WidgetConfigurationPath}?siteKey={ChatServer.LocalSiteKey}");
        using var adminWithSiteKey = await withSiteKey.GetAsync("/api/admin/sites");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, configuration.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, adminWithSiteKey.StatusCode);
        Assert.Equal("admin_unauthorized", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(adminWithSiteKey)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_counsellor_reply_is_admin_because_of_its_group_and_the_site_key_never_admits_it()
    {
        using var customer = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(customer, new ChatRequest("보험금 청구 방법"));
        var path = $"/api/admin/conversations/{answer.ConversationId}/messages";
        using var bearerSiteKey = Server.CreateHttpClient(siteKey: null);
        bearerSiteKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ChatServer.LocalSiteKey);
        using var admin = Server.CreateAdminClient();

        using var bySiteKey = await customer.PostAsJsonAsync(path, new { text = "상담원입니다." });
        using var bySiteKeyAsBearer = await bearerSiteKey.PostAsJsonAsync(path, new { text = "상담원입니다." });
        using var byAdmin = await admin.PostAsJsonAsync(path, new { text = "상담원입니다." });

        Assert.Equal(HttpStatusCode.Unauthorized, bySiteKey.StatusCode);
        Assert.Equal("admin_unauthorized", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(bySiteKey)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, bySiteKeyAsBearer.StatusCode);
        Assert.True(byAdmin.IsSuccessStatusCode, $"{(int)byAdmin.StatusCode}: {await byAdmin.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// The limit is the endpoint's (its group's metadata), so a body that hides its size (chunked) is refused at the limit
    /// with the same problem as one that declares it. Before, a chunked body got a bare 413 without the code.
    /// </summary>
    [Fact]
    public async Task A_chunked_body_over_the_customer_limit_gets_the_request_too_large_problem()
    {
        using var http = Server.CreateHttpClient();
        var json = Encoding.UTF8.GetBytes($$"""{"message":"{{new string('b', 200_000)}}"}""");
        using var declared = new ByteArrayContent(json);
        declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var chunkedResponse = await http.PostAsync("/api/feedback", new ChunkedJson(json));
        using var declaredResponse = await http.PostAsync("/api/feedback", declared);

        foreach (var response in new[] { chunkedResponse, declaredResponse })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(response);
            Assert.Equal(ChatErrorCodes.RequestTooLarge, problem.GetProperty("code").GetString());
            Assert.StartsWith("요청이 너무 큽니다.", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>A body sent with chunked transfer encoding, so the server cannot refuse it by its Content-Length.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] bytes;

        public ChunkedJson(byte[] bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
