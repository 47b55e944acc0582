using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>
/// Issue 12, High 1 (anonymous callers): two anonymous callers of one site who send the same client message id with
/// the same text as a first question are two callers. Each has an anonymous session (<c>POST /api/session</c> without
/// an identity: a token with a random anonymous id of its own), so each is answered in its own conversation, over REST
/// and the hub, and neither learns (nor is pushed) the other's. A caller without a session shares the site's namespace:
/// a replayed id there is refused (409), never answered with another caller's conversation.
/// </summary>
public abstract class AnonymousSessionIsolationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ChatServerFixture
{
    private const int Trials = 50;
    private const string Question = "보험금 청구는 어떻게 하나요?";
    private const string FollowUp = "보험계약대출은 얼마까지 되나요?";

    [Fact]
    public async Task Two_anonymous_sessions_sending_the_same_id_and_text_at_once_over_rest_never_share_a_conversation()
    {
        var crossed = new List<string>();
        var conversationsA = new HashSet<Guid>();
        var conversationsB = new HashSet<Guid>();
        for (var trial = 0; trial < Trials; trial++)
        {
            // Fresh callers each trial, as two visitors of one partner page are.
            using var callerA = await fixture.Server.CreateAnonymousClientAsync();
            using var callerB = await fixture.Server.CreateAnonymousClientAsync();
            var id = $"anon-rest-{trial}-{Guid.NewGuid():N}";
            var a = AskAsync(callerA, new ChatRequest(Question, ClientMessageId: id));
            var b = AskAsync(callerB, new ChatRequest(Question, ClientMessageId: id));
            var (ra, rb) = (await a, await b);
            if (ra is null || rb is null)
            {
                crossed.Add($"trial {trial}: an anonymous caller was refused; each must be answered");
                continue;
            }

            conversationsA.Add(ra.ConversationId);
            conversationsB.Add(rb.ConversationId);
            if (ra.ConversationId == rb.ConversationId)
            {
                crossed.Add($"trial {trial}: both answered in conversation {ra.ConversationId}");
            }

            // The same caller's resend (no conversation named yet) still finds its own exchange, and only that.
            var resent = await AskAsync(callerA, new ChatRequest(Question, ClientMessageId: id));
            if ((resent?.ConversationId, resent?.MessageId) != (ra.ConversationId, ra.MessageId))
            {
                crossed.Add($"trial {trial}: A's resend was not its own stored answer ({resent?.ConversationId}/{resent?.MessageId})");
            }

            foreach (var (caller, response) in new[] { (callerA, ra), (callerB, rb) })
            {
                var history = await caller.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{response.ConversationId}/messages", JsonSerializerOptions.Web);
                if (history!.Messages is not [{ Role: "user" }, { Role: "assistant" } answer] || answer.Id != response.MessageId)
                {
                    crossed.Add($"trial {trial}: conversation {response.ConversationId} holds {history.Messages.Count} messages, not just its caller's exchange");
                }
            }
        }

        Assert.Empty(crossed);
        Assert.Empty(conversationsA.Intersect(conversationsB));
    }

    [Fact]
    public async Task Two_anonymous_sessions_sending_the_same_id_and_text_at_once_over_the_hub_never_share_or_cross_push()
    {
        var connections = new List<HubConnection>();
        var pushesA = new ConcurrentBag<MessageAdded>();
        var pushesB = new ConcurrentBag<MessageAdded>();
        var ownedByA = new HashSet<Guid>();
        var ownedByB = new HashSet<Guid>();
        var crossed = new List<string>();
        try
        {
            HubConnection connectionA = null!, connectionB = null!;
            HttpClient ownerA = null!, ownerB = null!;
            var owners = new List<HttpClient>();
            for (var trial = 0; trial < Trials; trial++)
            {
                // A connection has a budget of hub calls, so every ten trials a new pair of callers; all stay open to
                // the end, so a push that reaches any earlier connection is still seen.
                if (trial % 10 == 0)
                {
                    (connectionA, ownerA) = await OpenAsync(pushesA);
                    (connectionB, ownerB) = await OpenAsync(pushesB);
                    owners.AddRange([ownerA, ownerB]);
                }

                var id = $"anon-hub-{trial}-{Guid.NewGuid():N}";
                var a = connectionA.AskAllAsync(new ChatRequest(Question, ClientMessageId: id));
                var b = connectionB.AskAllAsync(new ChatRequest(Question, ClientMessageId: id));
                var (eventsA, eventsB) = (await a, await b);
                if (Completed(eventsA) is not { } ca || Completed(eventsB) is not { } cb)
                {
                    crossed.Add($"trial {trial}: a caller was not answered: [{string.Join(", ", eventsA)}] [{string.Join(", ", eventsB)}]");
                    continue;
                }

                if (ca.ConversationId == cb.ConversationId)
                {
                    crossed.Add($"trial {trial}: both answered in conversation {ca.ConversationId}");
                }

                ownedByA.Add(ca.ConversationId);
                ownedByB.Add(cb.ConversationId);

                // Each owner asks again in its conversation (over REST, with its own session), so a connection wrongly
                // watching the other's conversation would be pushed those messages.
                foreach (var (owner, conversationId) in new[] { (ownerA, ca.ConversationId), (ownerB, cb.ConversationId) })
                {
                    using var response = await owner.PostAsJsonAsync("/api/chat", new ChatRequest(FollowUp, conversationId));
                    if (!response.IsSuccessStatusCode)
                    {
                        crossed.Add($"trial {trial}: the owner could not ask again in {conversationId}: {(int)response.StatusCode}");
                    }
                }
            }

            // A follow-up's pushes reach other watchers before its REST answer returns; give stragglers a moment anyway.
            await Task.Delay(TimeSpan.FromSeconds(1));
            crossed.AddRange(pushesA.Where(p => !ownedByA.Contains(p.ConversationId)).Select(p => $"A was pushed {p.Role} of conversation {p.ConversationId}"));
            crossed.AddRange(pushesB.Where(p => !ownedByB.Contains(p.ConversationId)).Select(p => $"B was pushed {p.Role} of conversation {p.ConversationId}"));
            foreach (var owner in owners)
            {
                owner.Dispose();
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.Empty(crossed);
        Assert.Empty(ownedByA.Intersect(ownedByB));
        Assert.Equal(Trials, ownedByA.Count);
        Assert.Equal(Trials, ownedByB.Count);

        async Task<(HubConnection Connection, HttpClient Owner)> OpenAsync(ConcurrentBag<MessageAdded> pushes)
        {
            var session = await fixture.Server.CreateAnonymousSessionAsync();
            var connection = fixture.Server.CreateHubConnection(headers: Chatbot.Testing.ChatServer.SessionHeaders(session));
            connections.Add(connection);
            connection.On<MessageAdded>(ChatEndpoints.MessageAddedMethod, pushes.Add);
            await connection.StartAsync();
            var owner = fixture.Server.CreateHttpClient();
            owner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.Token);
            return (connection, owner);
        }
    }

    [Fact]
    public async Task Without_a_session_a_replayed_first_question_id_is_refused_never_answered_with_another_callers_conversation()
    {
        using var callerA = fixture.Server.CreateHttpClient();
        using var callerB = fixture.Server.CreateHttpClient();
        var crossed = new List<string>();
        for (var trial = 0; trial < Trials; trial++)
        {
            var id = $"tokenless-{trial}-{Guid.NewGuid():N}";
            var a = PostAsync(callerA, new ChatRequest(Question, ClientMessageId: id));
            var b = PostAsync(callerB, new ChatRequest(Question, ClientMessageId: id));
            var (ra, rb) = (await a, await b);
            if (ra.Response is { } answeredA && rb.Response is { } answeredB && answeredA.ConversationId == answeredB.ConversationId)
            {
                crossed.Add($"trial {trial}: both token-less callers answered in conversation {answeredA.ConversationId}");
            }

            if (ra.Response is null && rb.Response is null)
            {
                crossed.Add($"trial {trial}: neither was answered");
            }

            // A later replay of the id without a conversation is refused; naming its conversation, the owner gets it back.
            var replay = await PostAsync(callerB, new ChatRequest(Question, ClientMessageId: id));
            if (replay.Status != HttpStatusCode.Conflict)
            {
                crossed.Add($"trial {trial}: a token-less replay was answered ({replay.Response?.ConversationId}), not refused");
            }

            var owned = ra.Response ?? rb.Response!;
            var named = await PostAsync(callerA, new ChatRequest(Question, owned.ConversationId, id));
            if ((named.Response?.ConversationId, named.Response?.MessageId) != (owned.ConversationId, owned.MessageId))
            {
                crossed.Add($"trial {trial}: the resend naming its conversation was not the stored answer ({named.Status})");
            }
        }

        Assert.Empty(crossed);
    }

    [Fact]
    public async Task An_anonymous_session_renews_with_its_own_token_and_keeps_its_anonymous_id()
    {
        using var caller = await fixture.Server.CreateAnonymousClientAsync();
        var id = $"renew-{Guid.NewGuid():N}";
        var first = await AskAsync(caller, new ChatRequest(Question, ClientMessageId: id));

        // Renewed with the token it holds: the same anonymous caller, so the resend still finds its first question.
        using var renewal = await caller.PostAsync(ChatEndpoints.SessionPath, content: null);
        Assert.Equal(HttpStatusCode.OK, renewal.StatusCode);
        var renewed = (await renewal.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web))!;
        using var withRenewed = fixture.Server.CreateHttpClient();
        withRenewed.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", renewed.Token);
        var resent = await AskAsync(withRenewed, new ChatRequest(Question, ClientMessageId: id));

        // Another anonymous session is another caller: the same id and text are its own new first question.
        using var other = await fixture.Server.CreateAnonymousClientAsync();
        var others = await AskAsync(other, new ChatRequest(Question, ClientMessageId: id));

        Assert.NotNull(first);
        Assert.Equal((first.ConversationId, first.MessageId), (resent?.ConversationId, resent?.MessageId));
        Assert.NotEqual(first.ConversationId, others!.ConversationId);
    }

    private static CompletedEvent? Completed(List<ChatStreamEvent> events) => events is [.., CompletedEvent completed] ? completed : null;

    /// <summary>The answer, or null for a refusal (which, for these callers, must not happen).</summary>
    private static async Task<ChatResponse?> AskAsync(HttpClient http, ChatRequest request) => (await PostAsync(http, request)).Response;

    private static async Task<(HttpStatusCode Status, ChatResponse? Response)> PostAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var code = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
            Assert.Equal(ChatErrorCodes.ClientMessageIdConflict, code);
            return (response.StatusCode, null);
        }

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web));
    }
}

public sealed class AnonymousSessionIsolationTestsOnSqlite(SqliteChatServerFixture fixture) : AnonymousSessionIsolationTests<SqliteChatServerFixture>(fixture);

public sealed class AnonymousSessionIsolationTestsOnPostgres(PostgresChatServerFixture fixture) : AnonymousSessionIsolationTests<PostgresChatServerFixture>(fixture);
