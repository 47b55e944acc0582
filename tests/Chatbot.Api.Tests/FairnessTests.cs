using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>
/// The shipped per-address defaults (120 HTTP requests, 20 hub connections, 2 answers per connection and 6 per
/// address at once) with small hub budgets, so that one address could use up a whole site's budget in a test if
/// nothing stopped it: 20 invocations per address, 40 per site, 5 per connection.
/// </summary>
public sealed class FairnessServerFixture : ChatServerFixture
{
    public const int PerIp = 120;
    public const int HubPerConnection = 5;
    public const int HubPerIp = 20;
    public const int HubPerSite = 40;
    public const int MaxConnectionsPerIp = 20;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
            ["RateLimits__WindowSeconds"] = "300",
            ["RateLimits__PerIp"] = $"{PerIp}",
            ["RateLimits__PerSite"] = "6000",
            ["RateLimits__HubPerConnection"] = $"{HubPerConnection}",
            ["RateLimits__HubPerIp"] = $"{HubPerIp}",
            ["RateLimits__HubPerSite"] = $"{HubPerSite}",
            ["RateLimits__MaxConnectionsPerIp"] = $"{MaxConnectionsPerIp}",
            ["RateLimits__MaxConcurrentAnswersPerConnection"] = "2",
            ["RateLimits__MaxConcurrentAnswersPerIp"] = "6",
        });
}

/// <summary>
/// Answers held open: ten seconds before every piece of text (the fault-drill delay), so an answer is in flight from
/// its <c>accepted</c> event until the test cancels it. The concurrency caps are the shipped defaults.
/// </summary>
public sealed class HeldAnswersServerFixture : ChatServerFixture
{
    public const int PerConnection = 2;
    public const int PerIp = 6;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["FaultInjection__AnswerPieceDelayMilliseconds"] = "10000",
            ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
            ["RateLimits__WindowSeconds"] = "300",
            ["RateLimits__PerIp"] = "120",
            ["RateLimits__HubPerConnection"] = "30",
            ["RateLimits__HubPerIp"] = "300",
            ["RateLimits__MaxConnectionsPerIp"] = "20",
            ["RateLimits__MaxConcurrentAnswersPerConnection"] = $"{PerConnection}",
            ["RateLimits__MaxConcurrentAnswersPerIp"] = $"{PerIp}",
        });
}

/// <summary>
/// One client cannot starve a site (issue 12, item 2), and requests the site-key check refuses are budgeted per
/// address before the check (item 7). Clients are told apart by X-Forwarded-For from the trusted loopback proxy.
/// </summary>
public sealed class FairnessTests(FairnessServerFixture fixture) : IClassFixture<FairnessServerFixture>
{
    [Fact]
    public async Task An_abuser_at_full_speed_from_one_address_does_not_starve_a_well_behaved_customer_of_the_same_site()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://fair-shared.example");
        await using var customer = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.20.0.2");

        // The abuser opens as many connections as it can and fires ten questions at once on each.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Hub.TryConnectAsync(fixture.Server, site.PublicKey, "10.20.0.1")));
        var abuser = attempts.OfType<HubConnection>().ToList();
        try
        {
            Assert.NotEmpty(abuser);
            var abuse = Task.WhenAll(abuser.SelectMany(c => Enumerable.Range(0, 10).Select(i => c.AskAllAsync(new ChatRequest($"보험금 청구 방법 {i}")))));

            // The customer asks while the abuse runs, and again once it is over.
            var during = new List<ChatStreamEvent>[2];
            for (var i = 0; i < during.Length; i++)
            {
                during[i] = await customer.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?"));
            }

            var abused = await abuse;
            var after = new List<ChatStreamEvent>[2];
            for (var i = 0; i < after.Length; i++)
            {
                after[i] = await customer.AskAllAsync(new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));
            }

            foreach (var events in during.Concat(after))
            {
                Assert.DoesNotContain(events, e => e is ErrorEvent);
                Assert.IsType<CompletedEvent>(events[^1]);
            }

            // The abuser was held to its own address's budget (and refused, so it really was over it).
            var answered = abused.Count(e => e[^1] is CompletedEvent);
            Assert.InRange(answered, 1, FairnessServerFixture.HubPerIp);
            Assert.Contains(abused, e => e is [ErrorEvent { Code: "rate_limited" }]);
        }
        finally
        {
            await Task.WhenAll(abuser.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task The_twenty_first_connection_from_one_address_is_refused_with_429_before_the_upgrade()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://fair-connections.example");
        var open = new List<HubConnection>();
        try
        {
            for (var i = 0; i < FairnessServerFixture.MaxConnectionsPerIp; i++)
            {
                open.Add(await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.21.0.1"));
            }

            // At negotiate, before any WebSocket: 429 with Retry-After and the customer's message.
            using var http = Client(site.PublicKey, "10.21.0.1");
            using var negotiate = await Negotiate(http);
            Assert.Equal(HttpStatusCode.TooManyRequests, negotiate.StatusCode);
            var seconds = int.Parse(Assert.Single(negotiate.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
            Assert.True(seconds >= 1);
            var problem = await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(negotiate);
            Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
            Assert.Contains("초 후에 다시 시도해 주세요", problem.GetProperty("message").GetString(), StringComparison.Ordinal);

            await using var twentyFirst = fixture.Server.CreateHubConnection(site.PublicKey, Hub.From("10.21.0.1"));
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => twentyFirst.StartAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

            // The twenty open ones still work, and another address is not affected.
            Assert.IsType<CompletedEvent>((await open[0].AskAllAsync(new ChatRequest("보험금 청구 방법")))[^1]);
            await using var neighbour = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.21.0.2");
            Assert.Equal(HubConnectionState.Connected, neighbour.State);

            // A closed connection gives its place back (the server lets go of it just after the close handshake).
            await open[^1].DisposeAsync();
            open.RemoveAt(open.Count - 1);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            HttpStatusCode status;
            do
            {
                await Task.Delay(200);
                using var again = await Negotiate(http);
                status = again.StatusCode;
            }
            while (status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

            Assert.Equal(HttpStatusCode.OK, status);
            open.Add(await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.21.0.1"));
        }
        finally
        {
            await Task.WhenAll(open.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Requests_refused_by_the_site_key_check_are_budgeted_per_address_before_the_check()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://fair-gate.example");

        // The issue's 300 requests with a key that does not exist, from one address.
        using var unknownKey = Client("pk_no_such_site_key", "10.23.0.1");
        var statuses = await SendAsync(unknownKey, 300);
        Assert.Equal(FairnessServerFixture.PerIp, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(300 - FairnessServerFixture.PerIp, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // A forged identity hash and a disallowed Origin are budgeted the same way.
        using var forged = TestSites.CreateUserClient(fixture.Server, site, "customer-1", hash: new string('0', 64));
        forged.DefaultRequestHeaders.Add("X-Forwarded-For", "10.23.0.2");
        var forgedStatuses = await SendAsync(forged, FairnessServerFixture.PerIp + 10);
        Assert.Equal(FairnessServerFixture.PerIp, forgedStatuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(10, forgedStatuses.Count(s => s == HttpStatusCode.TooManyRequests));

        using var badOrigin = Client(site.PublicKey, "10.23.0.3");
        badOrigin.DefaultRequestHeaders.Add("Origin", "https://evil.example");
        var originStatuses = await SendAsync(badOrigin, FairnessServerFixture.PerIp + 10);
        Assert.Equal(FairnessServerFixture.PerIp, originStatuses.Count(s => s == HttpStatusCode.Forbidden));
        Assert.Equal(10, originStatuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // Over budget the refusal says when to come back; the site's real customers elsewhere are not affected.
        using var last = await unknownKey.GetAsync(UnknownConversation());
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.True(last.Headers.Contains("Retry-After"));
        using var customer = Client(site.PublicKey, "10.23.0.4");
        using var fine = await customer.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    private static async Task<List<HttpStatusCode>> SendAsync(HttpClient http, int count)
    {
        var statuses = new List<HttpStatusCode>(count);
        for (var i = 0; i < count; i++)
        {
            using var response = await http.GetAsync(UnknownConversation());
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private static Task<HttpResponseMessage> Negotiate(HttpClient http) =>
        http.PostAsync($"{ChatEndpoints.HubPath}/negotiate?negotiateVersion=1", content: null);

    private HttpClient Client(string siteKey, string ip)
    {
        var http = fixture.Server.CreateHttpClient(siteKey);
        http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return http;
    }

    private static string UnknownConversation() => $"/api/conversations/{Guid.NewGuid()}/messages";
}

/// <summary>How many answers may be generated at once: per connection and per address, over the hub and REST alike.</summary>
public sealed class ConcurrentAnswerFairnessTests(HeldAnswersServerFixture fixture) : IClassFixture<HeldAnswersServerFixture>
{
    [Fact]
    public async Task A_third_answer_on_one_connection_is_refused_while_two_are_in_flight_and_the_connection_stays_open()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://fair-answers.example");
        await using var connection = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.22.0.1");
        var held = new List<HeldAnswer>();
        try
        {
            for (var i = 0; i < HeldAnswersServerFixture.PerConnection; i++)
            {
                held.Add(await HeldAnswer.StartAsync(connection, $"보험금 청구 방법 {i}"));
            }

            var third = Assert.IsType<ErrorEvent>(Assert.Single(await connection.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?"))));
            Assert.Equal("rate_limited", third.Code);
            Assert.Matches(@"\d+초 후에 다시 시도해 주세요", third.Message);
            Assert.True(third.RetryAfterSeconds >= 1);
            Assert.Equal(HubConnectionState.Connected, connection.State);

            // Another connection from the same address has its own two.
            await using var second = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.22.0.1");
            held.Add(await HeldAnswer.StartAsync(second, "보험계약대출 이자는 어떻게 되나요?"));
        }
        finally
        {
            await HeldAnswer.CancelAllAsync(held);
        }

        // Ended answers give their places back: the connection can ask again.
        Assert.IsType<AcceptedEvent>(await FirstEventOnceFreeAsync(connection));
    }

    [Fact]
    public async Task One_address_has_at_most_six_answers_at_once_over_the_hub_and_rest_and_another_address_is_unaffected()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://fair-answers-ip.example");
        var connections = new List<HubConnection>();
        var held = new List<HeldAnswer>();
        try
        {
            for (var c = 0; c < HeldAnswersServerFixture.PerIp / HeldAnswersServerFixture.PerConnection; c++)
            {
                var connection = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.22.1.1");
                connections.Add(connection);
                for (var i = 0; i < HeldAnswersServerFixture.PerConnection; i++)
                {
                    held.Add(await HeldAnswer.StartAsync(connection, $"보험금 청구 방법 {c}-{i}"));
                }
            }

            var fresh = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.22.1.1");
            connections.Add(fresh);
            var seventh = Assert.IsType<ErrorEvent>(Assert.Single(await fresh.AskAllAsync(new ChatRequest("해지환급금이 뭐예요?"))));
            Assert.Equal("rate_limited", seventh.Code);

            using var rest = fixture.Server.CreateHttpClient(site.PublicKey);
            rest.DefaultRequestHeaders.Add("X-Forwarded-For", "10.22.1.1");
            using var overRest = await rest.PostAsJsonAsync("/api/chat", new ChatRequest("해지환급금이 뭐예요?"));
            Assert.Equal(HttpStatusCode.TooManyRequests, overRest.StatusCode);
            Assert.True(overRest.Headers.Contains("Retry-After"));
            Assert.Equal("rate_limited", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(overRest)).GetProperty("code").GetString());

            var neighbour = await Hub.ConnectAsync(fixture.Server, site.PublicKey, "10.22.1.2");
            connections.Add(neighbour);
            held.Add(await HeldAnswer.StartAsync(neighbour, "보험계약대출 이자는 어떻게 되나요?"));
        }
        finally
        {
            await HeldAnswer.CancelAllAsync(held);
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The first event of a new question, asked again while the server is still letting go of cancelled answers.</summary>
    private static async Task<ChatStreamEvent> FirstEventOnceFreeAsync(HubConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var answer = await HeldAnswer.StartAsync(connection, "보험금 청구 방법", requireAccepted: false);
            await HeldAnswer.CancelAllAsync([answer]);
            if (answer.First is not ErrorEvent { Code: "rate_limited" } || DateTime.UtcNow > deadline)
            {
                return answer.First;
            }

            await Task.Delay(200);
        }
    }
}

/// <summary>An answer being generated: its first event has arrived and the rest is held back by the server.</summary>
internal sealed class HeldAnswer
{
    private readonly CancellationTokenSource cancel;
    private readonly IAsyncEnumerator<ChatStreamEvent> events;

    private HeldAnswer(CancellationTokenSource cancel, IAsyncEnumerator<ChatStreamEvent> events, ChatStreamEvent first)
    {
        this.cancel = cancel;
        this.events = events;
        First = first;
    }

    public ChatStreamEvent First { get; }

    public static async Task<HeldAnswer> StartAsync(HubConnection connection, string question, bool requireAccepted = true)
    {
        var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = connection.StreamAsync<ChatStreamEvent>(ChatEndpoints.AskMethod, new ChatRequest(question), cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await events.MoveNextAsync(), "The answer stream ended before its first event.");
        var held = new HeldAnswer(cancel, events, events.Current);
        if (requireAccepted)
        {
            Assert.IsType<AcceptedEvent>(held.First);
        }

        return held;
    }

    public static async Task CancelAllAsync(IEnumerable<HeldAnswer> answers)
    {
        foreach (var answer in answers)
        {
            await answer.cancel.CancelAsync();
            try
            {
                await answer.events.DisposeAsync();
            }
            catch (OperationCanceledException)
            {
                // Cancelled, as asked.
            }

            answer.cancel.Dispose();
        }
    }
}

/// <summary>Hub connections from a given client address, as the trusted proxy reports it.</summary>
internal static class Hub
{
    public static Dictionary<string, string> From(string ip) => new() { ["X-Forwarded-For"] = ip };

    public static async Task<HubConnection> ConnectAsync(ChatServer server, string siteKey, string ip)
    {
        var connection = server.CreateHubConnection(siteKey, From(ip));
        await connection.StartAsync();
        return connection;
    }

    /// <summary>The connection, or null when the server refused it.</summary>
    public static async Task<HubConnection?> TryConnectAsync(ChatServer server, string siteKey, string ip)
    {
        var connection = server.CreateHubConnection(siteKey, From(ip));
        try
        {
            await connection.StartAsync();
            return connection;
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.WebSockets.WebSocketException or AggregateException or InvalidOperationException)
        {
            await connection.DisposeAsync();
            return null;
        }
    }
}
