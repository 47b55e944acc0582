using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>
/// Issue 12, High 1: two callers who send the same client message id at the same moment never get each other's
/// conversation or answer, over REST or the hub, and the hub's loser is not subscribed to the winner's conversation.
/// A caller is a site key (two tenants) or a verified customer (two customers of one tenant).
/// </summary>
public abstract class ClientMessageIdIsolationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ChatServerFixture
{
    private const int Trials = 50;
    private const string QuestionA = "보험금 청구는 어떻게 하나요?";
    private const string QuestionB = "해지환급금이 뭐예요?";

    [Fact]
    public async Task Same_id_from_two_sites_at_once_over_rest_never_crosses()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://second.example");
        using var callerA = fixture.Server.CreateHttpClient();
        using var callerB = fixture.Server.CreateHttpClient(site.PublicKey);
        await RaceOverRestAsync(callerA, callerB);
    }

    [Fact]
    public async Task Same_id_from_two_customers_of_one_site_at_once_over_rest_never_crosses()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://customers.example");
        using var callerA = TestSites.CreateUserClient(fixture.Server, site, "customer-a-" + Guid.NewGuid().ToString("N"));
        using var callerB = TestSites.CreateUserClient(fixture.Server, site, "customer-b-" + Guid.NewGuid().ToString("N"));
        await RaceOverRestAsync(callerA, callerB);
    }

    [Fact]
    public async Task Same_id_from_two_sites_at_once_over_the_hub_never_crosses()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://second-hub.example");
        using var followUpA = fixture.Server.CreateHttpClient();
        using var followUpB = fixture.Server.CreateHttpClient(site.PublicKey);
        await RaceOverHubAsync(() => fixture.Server.CreateHubConnection(), followUpA, () => fixture.Server.CreateHubConnection(site.PublicKey), followUpB);
    }

    [Fact]
    public async Task Same_id_from_two_customers_of_one_site_at_once_over_the_hub_never_crosses()
    {
        var site = await TestSites.CreateAsync(fixture.Server, "https://customers-hub.example");
        var (userA, userB) = ("customer-a-" + Guid.NewGuid().ToString("N"), "customer-b-" + Guid.NewGuid().ToString("N"));
        using var followUpA = TestSites.CreateUserClient(fixture.Server, site, userA);
        using var followUpB = TestSites.CreateUserClient(fixture.Server, site, userB);
        await RaceOverHubAsync(
            () => fixture.Server.CreateHubConnection(site.PublicKey, Identity(site, userA)),
            followUpA,
            () => fixture.Server.CreateHubConnection(site.PublicKey, Identity(site, userB)),
            followUpB);
    }

    private static Dictionary<string, string> Identity(CreatedSite site, string userId) => new()
    {
        [ChatEndpoints.UserIdHeader] = userId,
        [ChatEndpoints.UserHashHeader] = TestSites.IdentityHash(site.IdentitySecret!, userId),
    };

    private static async Task RaceOverRestAsync(HttpClient callerA, HttpClient callerB)
    {
        var crossed = new List<string>();
        var answered = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var id = $"race-rest-{trial}-{Guid.NewGuid():N}";
            var a = AskOverRestAsync(callerA, new ChatRequest(QuestionA, ClientMessageId: id));
            var b = AskOverRestAsync(callerB, new ChatRequest(QuestionB, ClientMessageId: id));
            var (resultA, resultB) = (await a, await b);
            answered += (resultA.Response is null ? 0 : 1) + (resultB.Response is null ? 0 : 1);
            if (resultA.Response is { } ra && resultB.Response is { } rb && ra.ConversationId == rb.ConversationId)
            {
                crossed.Add($"trial {trial}: both answered in conversation {ra.ConversationId}");
            }

            // An answer in a conversation the caller cannot read is someone else's answer.
            foreach (var (caller, result) in new[] { (callerA, resultA), (callerB, resultB) })
            {
                if (result.Response is { } response && !await CanReadAsync(caller, response.ConversationId))
                {
                    crossed.Add($"trial {trial}: answered from unreadable conversation {response.ConversationId}");
                }
            }
        }

        Assert.Empty(crossed);
        Assert.True(answered >= Trials, $"only {answered} of {2 * Trials} requests were answered; each trial needs a winner");
    }

    /// <summary>The answer, or null for a refused request, which must be the conflict code.</summary>
    private static async Task<(ChatResponse? Response, string? Code)> AskOverRestAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var code = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
            Assert.Equal(ChatErrorCodes.ClientMessageIdConflict, code);
            return (null, code);
        }

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return ((await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!, null);
    }

    private static async Task<bool> CanReadAsync(HttpClient http, Guid conversationId)
    {
        using var response = await http.GetAsync($"/api/conversations/{conversationId}/messages");
        return response.IsSuccessStatusCode;
    }

    private static async Task RaceOverHubAsync(Func<HubConnection> connectA, HttpClient followUpA, Func<HubConnection> connectB, HttpClient followUpB)
    {
        // A connection has a budget of hub calls, so each block of trials gets a fresh pair; all stay open to the end,
        // so a push that reaches any earlier loser is still seen.
        var connections = new List<HubConnection>();
        var pushesA = new ConcurrentBag<MessageAdded>();
        var pushesB = new ConcurrentBag<MessageAdded>();
        HubConnection connectionA = null!, connectionB = null!;
        try
        {
            await RaceAsync();
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        async Task<HubConnection> OpenAsync(Func<HubConnection> connect, ConcurrentBag<MessageAdded> pushes)
        {
            var connection = connect();
            connections.Add(connection);
            connection.On<MessageAdded>(ChatEndpoints.MessageAddedMethod, pushes.Add);
            await connection.StartAsync();
            return connection;
        }

        async Task RaceAsync()
        {
        var crossed = new List<string>();
        var ownedByA = new HashSet<Guid>();
        var ownedByB = new HashSet<Guid>();
        for (var trial = 0; trial < Trials; trial++)
        {
            if (trial % 10 == 0)
            {
                connectionA = await OpenAsync(connectA, pushesA);
                connectionB = await OpenAsync(connectB, pushesB);
            }

            var id = $"race-hub-{trial}-{Guid.NewGuid():N}";
            var a = connectionA.AskAllAsync(new ChatRequest(QuestionA, ClientMessageId: id));
            var b = connectionB.AskAllAsync(new ChatRequest(QuestionB, ClientMessageId: id));
            var (eventsA, eventsB) = (await a, await b);
            var conversationA = Outcome(eventsA);
            var conversationB = Outcome(eventsB);
            if (conversationA is { } ca && conversationB is { } cb && ca == cb)
            {
                crossed.Add($"trial {trial}: both answered in conversation {ca}");
            }

            if (conversationA is { } ownA)
            {
                ownedByA.Add(ownA);
                await FollowUpAsync(followUpA, ownA, crossed);
            }

            if (conversationB is { } ownB)
            {
                ownedByB.Add(ownB);
                await FollowUpAsync(followUpB, ownB, crossed);
            }

            if (conversationA is null && conversationB is null)
            {
                crossed.Add($"trial {trial}: neither caller was answered");
            }
        }

        // A follow-up's pushes reach other watchers before its REST answer returns; give stragglers a moment anyway.
        await Task.Delay(TimeSpan.FromSeconds(1));
        crossed.AddRange(pushesA.Where(p => !ownedByA.Contains(p.ConversationId)).Select(p => $"A was pushed {p.Role} of conversation {p.ConversationId}"));
        crossed.AddRange(pushesB.Where(p => !ownedByB.Contains(p.ConversationId)).Select(p => $"B was pushed {p.Role} of conversation {p.ConversationId}"));
        Assert.Empty(crossed);
        Assert.Empty(ownedByA.Intersect(ownedByB));
        }
    }

    /// <summary>The conversation a hub caller was answered in, or null when it was refused with the conflict code.</summary>
    private static Guid? Outcome(List<ChatStreamEvent> events)
    {
        if (events is [ErrorEvent error])
        {
            Assert.Equal(ChatErrorCodes.ClientMessageIdConflict, error.Code);
            return null;
        }

        return Assert.IsType<CompletedEvent>(events[^1]).ConversationId;
    }

    /// <summary>The owner asks again in its conversation, so anyone wrongly watching it would be pushed the messages.</summary>
    private static async Task FollowUpAsync(HttpClient owner, Guid conversationId, List<string> crossed)
    {
        using var response = await owner.PostAsJsonAsync("/api/chat", new ChatRequest("보험계약대출은 얼마까지 되나요?", conversationId));
        if (!response.IsSuccessStatusCode)
        {
            crossed.Add($"the owner could not ask again in its conversation {conversationId}: {(int)response.StatusCode}");
        }
    }
}

public sealed class ClientMessageIdIsolationTestsOnSqlite(SqliteChatServerFixture fixture) : ClientMessageIdIsolationTests<SqliteChatServerFixture>(fixture);

public sealed class ClientMessageIdIsolationTestsOnPostgres(PostgresChatServerFixture fixture) : ClientMessageIdIsolationTests<PostgresChatServerFixture>(fixture);
