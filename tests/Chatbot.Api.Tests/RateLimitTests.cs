using System.Net;
using System.Net.Http.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>A server with small budgets, so the limits can be reached in a test.</summary>
public sealed class RateLimitedServerFixture : ChatServerFixture
{
    public const int PerIp = 8;
    public const int PerSite = 10;
    public const int HubPerConnection = 3;
    public const int HubPerSite = 5;
    public const int MaxMessagesPerConversation = 4;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            // The tests play the reverse proxy: only a configured proxy's X-Forwarded-For is believed.
            ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
            ["RateLimits__WindowSeconds"] = "300",
            ["RateLimits__PerIp"] = $"{PerIp}",
            ["RateLimits__PerSite"] = $"{PerSite}",
            ["RateLimits__HubPerConnection"] = $"{HubPerConnection}",
            ["RateLimits__HubPerSite"] = $"{HubPerSite}",
            ["Limits__MaxMessagesPerConversation"] = $"{MaxMessagesPerConversation}",
        });
}

/// <summary>
/// Budgets per client IP and per site key (HTTP) and per connection and per site (hub). Clients are told apart by
/// X-Forwarded-For, as behind the reverse proxy. Over budget, a customer gets a Korean message with the wait, and
/// everyone else carries on.
/// </summary>
public sealed class RateLimitTests(RateLimitedServerFixture fixture) : IClassFixture<RateLimitedServerFixture>
{
    [Fact]
    public async Task One_client_ip_over_its_budget_gets_429_with_a_retry_time_and_another_ip_is_unaffected()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://rl-ip.example");
        using var noisy = Client(site.PublicKey, "10.1.0.1");
        for (var i = 0; i < RateLimitedServerFixture.PerIp; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await noisy.GetAsync(UnknownConversation())).StatusCode);
        }

        using var limited = await noisy.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var seconds = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 300);
        var problem = await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(limited);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.Contains($"{seconds}초 후에 다시 시도해 주세요", problem.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var neighbour = Client(site.PublicKey, "10.1.0.2");
        using var fine = await neighbour.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task One_site_over_its_budget_gets_429_and_another_site_is_unaffected()
    {
        var busy = await TestSites.CreateAsync(fixture.Server, "https://rl-busy.example");
        var quiet = await TestSites.CreateAsync(fixture.Server, "https://rl-quiet.example");
        for (var i = 0; i < RateLimitedServerFixture.PerSite; i++)
        {
            using var customer = Client(busy.PublicKey, $"10.2.0.{i + 1}");
            Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(UnknownConversation())).StatusCode);
        }

        using var oneMore = Client(busy.PublicKey, "10.2.0.200");
        using var limited = await oneMore.GetAsync(UnknownConversation());
        using var otherSite = Client(quiet.PublicKey, "10.2.0.201");
        using var fine = await otherSite.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Hub_questions_are_limited_per_connection_and_per_site_with_a_customer_facing_error_event()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://rl-hub.example");
        var other = await TestSites.CreateAsync(fixture.Server, "https://rl-hub-other.example");
        await using var first = await ConnectAsync(site.PublicKey, "10.3.0.1");
        for (var i = 0; i < RateLimitedServerFixture.HubPerConnection; i++)
        {
            Assert.IsType<CompletedEvent>((await first.AskAllAsync(new ChatRequest("보험금 청구 방법")))[^1]);
        }

        var overConnection = Assert.IsType<ErrorEvent>(Assert.Single(await first.AskAllAsync(new ChatRequest("보험금 청구 방법"))));
        Assert.Equal("rate_limited", overConnection.Code);
        Assert.Matches(@"\d+초 후에 다시 시도해 주세요", overConnection.Message);
        Assert.Equal(HubConnectionState.Connected, first.State);

        // Same site, a second customer: the connection budget is theirs, the site budget is shared.
        await using var second = await ConnectAsync(site.PublicKey, "10.3.0.2");
        var siteLeft = RateLimitedServerFixture.HubPerSite - RateLimitedServerFixture.HubPerConnection;
        for (var i = 0; i < siteLeft; i++)
        {
            Assert.IsType<CompletedEvent>((await second.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?")))[^1]);
        }

        var overSite = Assert.IsType<ErrorEvent>(Assert.Single(await second.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?"))));
        Assert.Equal("rate_limited", overSite.Code);

        await using var elsewhere = await ConnectAsync(other.PublicKey, "10.3.0.3");
        Assert.IsType<CompletedEvent>((await elsewhere.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?")))[^1]);
    }

    [Fact]
    public async Task A_full_conversation_asks_the_customer_to_start_a_new_one_and_keeps_what_it_holds()
    {
        using var http = Client(ChatServer.LocalSiteKey, "10.4.0.1");
        var first = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("보험금 청구 방법"));
        await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("해지환급금은요?", first.ConversationId));

        using var full = await http.PostAsJsonAsync("/api/chat", new ChatRequest("하나 더", first.ConversationId));

        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("conversation_full", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(full)).GetProperty("code").GetString());
        var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{first.ConversationId}/messages", System.Text.Json.JsonSerializerOptions.Web);
        Assert.Equal(RateLimitedServerFixture.MaxMessagesPerConversation, history!.Messages.Count);
        using var fresh = await http.PostAsJsonAsync("/api/chat", new ChatRequest("하나 더"));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    private HttpClient Client(string siteKey, string ip)
    {
        var http = fixture.Server.CreateHttpClient(siteKey);
        http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return http;
    }

    private async Task<HubConnection> ConnectAsync(string siteKey, string ip)
    {
        var connection = fixture.Server.CreateHubConnection(siteKey, new Dictionary<string, string> { ["X-Forwarded-For"] = ip });
        await connection.StartAsync();
        return connection;
    }

    private static string UnknownConversation() => $"/api/conversations/{Guid.NewGuid()}/messages";
}
