using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Api.Tests;

/// <summary>
/// The session token a browser exchanges the partner's identity hash for (<c>POST /api/session</c>), so that the hash
/// never travels in a URL, and identities with an expiry signed by the partner. Against the real server, through a
/// relay that records the request lines an access log would keep.
/// </summary>
public sealed class SiteAccessSessionTests(SqliteChatServerFixture fixture) : IClassFixture<SqliteChatServerFixture>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_browser_style_hub_connection_through_the_session_token_puts_the_identity_hash_in_no_request_line()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-token.example");
        var userId = "customer-" + Guid.NewGuid().ToString("N");
        var hash = TestSites.IdentityHash(site.IdentitySecret!, userId);
        await using var relay = new TcpRelay(Server.BaseAddress);

        // The exchange: a POST, the identity in headers.
        using var exchanger = new HttpClient { BaseAddress = relay.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatEndpoints.SessionPath);
        request.Headers.Add(ChatEndpoints.SiteKeyHeader, site.PublicKey);
        request.Headers.Add(ChatEndpoints.UserIdHeader, userId);
        request.Headers.Add(ChatEndpoints.UserHashHeader, hash);
        using var exchanged = await exchanger.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        Assert.Contains("no-store", exchanged.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var session = (await exchanged.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web))!;
        Assert.InRange(session.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
        Assert.DoesNotContain(hash, session.Token, StringComparison.OrdinalIgnoreCase);

        // What a browser's WebSocket does: no headers, the site key and SignalR's access_token in the query string.
        await using (var connection = new HubConnectionBuilder()
            .WithUrl(
                new Uri(relay.BaseAddress, $"{ChatEndpoints.HubPath}?siteKey={site.PublicKey}&access_token={Uri.EscapeDataString(session.Token)}"),
                options =>
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.SkipNegotiation = true;
                })
            .AddJsonProtocol()
            .Build())
        {
            await connection.StartAsync();
            var events = await connection.AskAllAsync(new ChatRequest("암보험 면책기간이 뭔가요?"));
            var conversationId = Assert.IsType<AcceptedEvent>(events[0]).ConversationId;

            // The connection was this verified customer's: the conversation is in their history.
            using var user = TestSites.CreateUserClient(Server, site, userId);
            var mine = await user.GetFromJsonAsync<JsonElement>("/api/me/conversations");
            Assert.Equal(conversationId, Assert.Single(mine.EnumerateArray()).GetProperty("conversationId").GetGuid());
        }

        var lines = relay.RequestLines;
        Assert.Contains(lines, l => l.StartsWith($"POST {ChatEndpoints.SessionPath} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"GET {ChatEndpoints.HubPath}?", StringComparison.Ordinal) && l.Contains("access_token=", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(hash, StringComparison.OrdinalIgnoreCase) || l.Contains("userHash", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(hash, Server.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_identity_may_come_in_the_json_body_which_carries_ids_no_header_can()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-body.example");
        var userId = "홍길동-" + Guid.NewGuid().ToString("N")[..8];
        using var http = Server.CreateHttpClient(site.PublicKey);

        using var exchanged = await http.PostAsJsonAsync(ChatEndpoints.SessionPath, new SessionRequest(userId, TestSites.IdentityHash(site.IdentitySecret!, userId)));
        using var forged = await http.PostAsJsonAsync(ChatEndpoints.SessionPath, new SessionRequest(userId, TestSites.IdentityHash(site.IdentitySecret!, userId + "x")));

        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var session = (await exchanged.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web))!;
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(ChatErrorCodes.IdentityInvalid, await CodeAsync(forged));

        // The token alone (no site key, no identity) is the customer.
        using var withToken = Server.CreateHttpClient(siteKey: null);
        withToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        using var ask = await withToken.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var mine = await withToken.GetFromJsonAsync<JsonElement>(ChatEndpoints.MyConversationsPath);
        Assert.Single(mine.EnumerateArray());
    }

    [Fact]
    public async Task The_identity_hash_is_never_taken_from_the_query_string_of_the_exchange()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-query.example");
        var hash = TestSites.IdentityHash(site.IdentitySecret!, "customer-q");
        using var http = Server.CreateHttpClient(site.PublicKey);

        using var response = await http.PostAsync($"{ChatEndpoints.SessionPath}?userId=customer-q&userHash={hash}", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ChatErrorCodes.IdentityInQuery, await CodeAsync(response));
    }

    [Fact]
    public async Task An_expired_session_token_is_refused_and_a_token_cannot_renew_itself()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-expired.example");
        var userId = "customer-" + Guid.NewGuid().ToString("N");

        // A session never outlives the identity it was made from: two seconds here.
        var expires = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeSeconds();
        var session = await ExchangeAsync(site, userId, ExpiringHash(site.IdentitySecret!, userId, expires), expires);
        Assert.Equal(expires, session.ExpiresAt.ToUnixTimeSeconds());
        using var withToken = Server.CreateHttpClient(siteKey: null);
        withToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        using var renewed = await withToken.PostAsync(ChatEndpoints.SessionPath, null);
        Assert.Equal(HttpStatusCode.Unauthorized, renewed.StatusCode);
        Assert.Equal(ChatErrorCodes.SessionNotRenewable, await CodeAsync(renewed));

        await Task.Delay(TimeSpan.FromSeconds(3));
        using var late = await withToken.GetAsync(ChatEndpoints.MyConversationsPath);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, $"{ChatEndpoints.HubPath}?access_token={Uri.EscapeDataString(session.Token)}"))
            .AddJsonProtocol()
            .Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Equal(ChatErrorCodes.SessionExpired, await CodeAsync(late));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_token_of_one_site_is_refused_on_another_and_a_tampered_token_is_refused()
    {
        var siteA = await TestSites.CreateAsync(Server, "https://partner-a-token.example");
        var siteB = await TestSites.CreateAsync(Server, "https://partner-b-token.example");
        var userId = "customer-" + Guid.NewGuid().ToString("N");
        var token = (await ExchangeAsync(siteA, userId, TestSites.IdentityHash(siteA.IdentitySecret!, userId))).Token;

        using var onB = Server.CreateHttpClient(siteB.PublicKey);
        onB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var withKeyOfB = await onB.GetAsync(ChatEndpoints.MyConversationsPath);
        using var anonymous = Server.CreateHttpClient(siteKey: null);
        using var fromOriginOfB = await SendAsync(anonymous, token, origin: "https://partner-b-token.example");
        using var fromOriginOfA = await SendAsync(anonymous, token, origin: "https://partner-a-token.example");
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        using var withTampered = await SendAsync(anonymous, tampered, origin: null);
        using var withSiteKeyAsIdentity = await SendAsync(anonymous, "dcs1." + siteA.PublicKey, origin: null);

        Assert.Equal(HttpStatusCode.Unauthorized, withKeyOfB.StatusCode);
        Assert.Equal(ChatErrorCodes.SessionInvalid, await CodeAsync(withKeyOfB));
        Assert.Equal(HttpStatusCode.Forbidden, fromOriginOfB.StatusCode);
        Assert.Equal(ChatErrorCodes.OriginNotAllowed, await CodeAsync(fromOriginOfB));
        Assert.Equal(HttpStatusCode.OK, fromOriginOfA.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withTampered.StatusCode);
        Assert.Equal(ChatErrorCodes.SessionInvalid, await CodeAsync(withTampered));
        Assert.Equal(HttpStatusCode.Unauthorized, withSiteKeyAsIdentity.StatusCode);
        Assert.Equal(ChatErrorCodes.SessionInvalid, await CodeAsync(withSiteKeyAsIdentity));

        static async Task<HttpResponseMessage> SendAsync(HttpClient http, string token, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ChatEndpoints.MyConversationsPath);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return await http.SendAsync(request);
        }
    }

    [Fact]
    public async Task A_partner_signed_expiry_is_accepted_until_it_passes_and_cannot_be_moved()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-expiry.example");
        var userId = "customer-" + Guid.NewGuid().ToString("N");
        var later = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var earlier = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var valid = ExpiringHash(site.IdentitySecret!, userId, later);

        using var accepted = await GetMineAsync(site, userId, valid, later.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var expired = await GetMineAsync(site, userId, ExpiringHash(site.IdentitySecret!, userId, earlier), earlier.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var moved = await GetMineAsync(site, userId, ExpiringHash(site.IdentitySecret!, userId, earlier), later.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var dropped = await GetMineAsync(site, userId, valid, expires: null);
        using var malformed = await GetMineAsync(site, userId, valid, "soon");
        using var http = Server.CreateHttpClient(site.PublicKey);
        using var exchangedExpired = await http.PostAsJsonAsync(ChatEndpoints.SessionPath, new SessionRequest(userId, ExpiringHash(site.IdentitySecret!, userId, earlier), earlier));
        using var exchangedValid = await http.PostAsJsonAsync(ChatEndpoints.SessionPath, new SessionRequest(userId, valid, later));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        var expiredProblem = await TestProblem(expired);
        Assert.Equal(ChatErrorCodes.IdentityExpired, expiredProblem.GetProperty("code").GetString());
        Assert.Contains("로그인", expiredProblem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(ChatErrorCodes.IdentityInvalid, await CodeAsync(moved));
        Assert.Equal(ChatErrorCodes.IdentityInvalid, await CodeAsync(dropped));
        Assert.Equal(ChatErrorCodes.IdentityInvalid, await CodeAsync(malformed));
        Assert.Equal(ChatErrorCodes.IdentityExpired, await CodeAsync(exchangedExpired));
        Assert.Equal(HttpStatusCode.OK, exchangedValid.StatusCode);

        // A session from a long-lived identity still lasts only the session lifetime.
        var session = (await exchangedValid.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web))!;
        Assert.True(session.ExpiresAt < DateTimeOffset.UtcNow.AddMinutes(16));
    }

    private async Task<HttpResponseMessage> GetMineAsync(CreatedSite site, string userId, string hash, string? expires)
    {
        using var http = TestSites.CreateUserClient(Server, site, userId, hash);
        if (expires is not null)
        {
            http.DefaultRequestHeaders.Add(ChatEndpoints.UserHashExpiresHeader, expires);
        }

        return await http.GetAsync(ChatEndpoints.MyConversationsPath);
    }

    private async Task<SessionResponse> ExchangeAsync(CreatedSite site, string userId, string hash, long? expires = null)
    {
        using var http = TestSites.CreateUserClient(Server, site, userId, hash);
        if (expires is not null)
        {
            http.DefaultRequestHeaders.Add(ChatEndpoints.UserHashExpiresHeader, expires.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await http.PostAsync(ChatEndpoints.SessionPath, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web))!;
    }

    /// <summary>The README's recipe: hex(HMAC-SHA256(key: identity secret, message: user id + "." + unix seconds)).</summary>
    private static string ExpiringHash(string secret, string userId, long expiresAt) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{userId}.{expiresAt}")));

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await TestProblem(response)).GetProperty("code").GetString();

    private static async Task<JsonElement> TestProblem(HttpResponseMessage response) =>
        await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(response);
}
