using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dongyang.Chat.Client.Tests;

/// <summary>A partner-signed customer (<see cref="DongyangChatUser"/>) through the client, against the real server.</summary>
public sealed class VerifiedUserTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string[] PartnerOrigins = ["https://partner.example"];

    [Fact]
    public async Task Verified_customer_finds_the_same_history_from_a_second_client_on_another_device()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var customer = new DongyangChatUser("customer-" + Guid.NewGuid().ToString("N"), "") { Name = "홍길동" };
        customer = customer with { Hash = SharedServer.IdentityHash(secret, customer.Id) };
        await using var phone = NewClient(siteKey, customer);
        await foreach (var _ in phone.AskAsync(ClaimQuestion))
        {
        }

        await using var laptop = NewClient(siteKey, customer);
        var conversations = await laptop.GetConversationsAsync().WaitAsync(Patience);
        var latest = Assert.Single(conversations);
        laptop.UseConversation(latest.ConversationId);
        var history = await laptop.GetHistoryAsync().WaitAsync(Patience);

        Assert.Equal(phone.ConversationId, latest.ConversationId);
        Assert.Equal(ClaimQuestion, latest.FirstQuestion);
        Assert.NotNull(history);
        Assert.Equal(["user", "assistant"], history.Messages.Select(m => m.Role));
        Assert.Equal(ClaimQuestion, history.Messages[0].Content);
        await using (var database = fixture.OpenDatabase())
        {
            var stored = await database.Conversations.SingleAsync(c => c.Id == latest.ConversationId);
            Assert.Equal(fixture.StoredUserId(siteKey, customer.Id), stored.UserId);
        }

        // Someone else on the same site, anonymous or another customer, neither lists it nor opens it.
        await using var stranger = NewClient(siteKey, null);
        Assert.Empty(await stranger.GetConversationsAsync());
        stranger.UseConversation(latest.ConversationId);
        await Assert.ThrowsAsync<HubException>(() => stranger.GetHistoryAsync());
        var otherId = "customer-" + Guid.NewGuid().ToString("N");
        await using var other = NewClient(siteKey, new DongyangChatUser(otherId, SharedServer.IdentityHash(secret, otherId)));
        Assert.Empty(await other.GetConversationsAsync());
    }

    [Fact]
    public async Task Customer_id_outside_ascii_is_verified_too()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var id = "홍길동-" + Guid.NewGuid().ToString("N")[..6];
        await using var chat = NewClient(siteKey, new DongyangChatUser(id, SharedServer.IdentityHash(secret, id)));

        await foreach (var _ in chat.AskAsync(ClaimQuestion))
        {
        }

        Assert.Equal(chat.ConversationId, Assert.Single(await chat.GetConversationsAsync()).ConversationId);
        await using var database = fixture.OpenDatabase();
        Assert.Equal(fixture.StoredUserId(siteKey, id), (await database.Conversations.SingleAsync(c => c.Id == chat.ConversationId)).UserId);
    }

    [Fact]
    public async Task A_customer_whose_id_no_header_can_carry_never_has_the_hash_in_a_url()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var id = "김민수-" + Guid.NewGuid().ToString("N")[..6];
        var hash = SharedServer.IdentityHash(secret, id);
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var chat = NewClient(siteKey, new DongyangChatUser(id, hash), relay.BaseAddress);

        await foreach (var _ in chat.AskAsync(ClaimQuestion))
        {
        }

        Assert.Equal(chat.ConversationId, Assert.Single(await chat.GetConversationsAsync()).ConversationId);
        var lines = relay.RequestLines;
        Assert.Contains(lines, l => l.StartsWith($"POST {ChatEndpoints.SessionPath} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"GET {ChatEndpoints.HubPath}", StringComparison.Ordinal) || l.StartsWith($"POST {ChatEndpoints.HubPath}", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(hash, StringComparison.OrdinalIgnoreCase) || l.Contains("userHash", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Anonymous_clients_get_a_session_of_their_own_before_the_first_question_so_a_shared_id_never_crosses()
    {
        var (siteKey, _) = await fixture.CreateSiteAsync();
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        await using var first = NewClient(siteKey, null, relay.BaseAddress);
        await using var second = NewClient(siteKey, null);

        // Two visitors whose integrator picked the same id for the same first question.
        var id = "shared-" + Guid.NewGuid().ToString("N");
        var answers = await Task.WhenAll(CompletedAsync(first, id), CompletedAsync(second, id)).WaitAsync(Patience);

        Assert.NotEqual(answers[0].ConversationId, answers[1].ConversationId);
        var lines = relay.RequestLines;
        var session = lines.ToList().FindIndex(l => l.StartsWith($"POST {ChatEndpoints.SessionPath} ", StringComparison.Ordinal));
        var hub = lines.ToList().FindIndex(l => l.Contains(ChatEndpoints.HubPath, StringComparison.Ordinal));
        Assert.InRange(session, 0, hub - 1);

        static async Task<CompletedEvent> CompletedAsync(DongyangChatClient chat, string clientMessageId)
        {
            ChatStreamEvent? last = null;
            await foreach (var e in chat.AskAsync(ClaimQuestion, clientMessageId))
            {
                last = e;
            }

            return Assert.IsType<CompletedEvent>(last);
        }
    }

    [Fact]
    public async Task An_expired_session_token_is_exchanged_again_when_the_client_reconnects()
    {
        await using var server = await ChatServer.StartAsync(settings: new Dictionary<string, string> { ["Sites__SessionTokenSeconds"] = "5" });
        try
        {
            using var admin = server.CreateAdminClient();
            using var created = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "짧은 세션", origins = PartnerOrigins });
            using var site = JsonDocument.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
            var siteKey = site.RootElement.GetProperty("publicKey").GetString()!;
            var id = "이영희-" + Guid.NewGuid().ToString("N")[..6];
            await using var relay = new TcpRelay(server.BaseAddress);
            await using var chat = new DongyangChatClient(new DongyangChatOptions
            {
                ServerUrl = relay.BaseAddress,
                SiteKey = siteKey,
                User = new DongyangChatUser(id, SharedServer.IdentityHash(site.RootElement.GetProperty("identitySecret").GetString()!, id)),
                ReconnectDelays = [TimeSpan.FromMilliseconds(200)],
            });
            var first = await chat.AskForAnswerAsync(ClaimQuestion).WaitAsync(Patience);

            // The server closes the connection when its token expires, and the network drops as well.
            await Task.Delay(TimeSpan.FromSeconds(6));
            relay.Cut();
            relay.Restore();
            var second = await chat.AskForAnswerAsync("보험료를 못 내면 어떻게 되나요?").WaitAsync(Patience);

            Assert.Equal(first.ConversationId, second.ConversationId);
            Assert.True(relay.RequestLines.Count(l => l.StartsWith($"POST {ChatEndpoints.SessionPath} ", StringComparison.Ordinal)) >= 2, string.Join("\n", relay.RequestLines));
        }
        finally
        {
            Directory.Delete(server.DataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_partner_signed_expiry_is_sent_and_an_expired_identity_is_refused_with_its_own_code()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var id = "customer-" + Guid.NewGuid().ToString("N");
        DongyangChatUser Signed(string userId, DateTimeOffset expires) =>
            new(userId, SharedServer.IdentityHash(secret, $"{userId}.{expires.ToUnixTimeSeconds()}")) { HashExpiresAt = expires };

        await using var valid = NewClient(siteKey, Signed(id, DateTimeOffset.UtcNow.AddHours(1)));
        await using var validOutsideAscii = NewClient(siteKey, Signed("박지성-" + id[^6..], DateTimeOffset.UtcNow.AddHours(1)));
        await using var expired = NewClient(siteKey, Signed(id, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await using var expiredOutsideAscii = NewClient(siteKey, Signed("박지성-" + id[^6..], DateTimeOffset.UtcNow.AddMinutes(-1)));

        await valid.ConnectAsync().WaitAsync(Patience);
        await validOutsideAscii.ConnectAsync().WaitAsync(Patience);
        var refused = await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(() => expired.ConnectAsync().WaitAsync(Patience));
        var refusedOutsideAscii = await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(() => expiredOutsideAscii.ConnectAsync().WaitAsync(Patience));

        Assert.Equal(ChatErrorCodes.IdentityExpired, refused.Code);
        Assert.True(refused.IsIdentityRefused);
        Assert.Equal(ChatErrorCodes.IdentityExpired, refusedOutsideAscii.Code);
        Assert.Equal(ChatConnectionState.Disconnected, expired.State);
    }

    [Fact]
    public async Task Forged_hash_fails_fast_with_a_clear_exception_instead_of_retrying()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var forged = new DongyangChatUser("customer-1", SharedServer.IdentityHash(secret, "customer-2"));
        await using var chat = NewClient(siteKey, forged);

        var refused = await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(() => chat.ConnectAsync().WaitAsync(Patience));

        Assert.Equal("identity_invalid", refused.Code);
        Assert.True(refused.IsIdentityRefused);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("로그인", refused.CustomerMessage, StringComparison.Ordinal);
        Assert.Equal(ChatConnectionState.Disconnected, chat.State);

        // Asking or listing says the same at once; the server stored nothing for the forged customer.
        var asking = await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(async () =>
        {
            await foreach (var _ in chat.AskAsync(ClaimQuestion).WithCancellation(new CancellationTokenSource(Patience).Token))
            {
            }
        });
        Assert.Equal("identity_invalid", asking.Code);
        Assert.Equal("identity_invalid", (await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(() => chat.GetConversationsAsync())).Code);
        await using var database = fixture.OpenDatabase();
        var forgedCustomer = fixture.StoredUserId(siteKey, "customer-1");
        Assert.False(await database.Conversations.AnyAsync(c => c.UserId == forgedCustomer && c.SiteKey == siteKey));
    }

    [Fact]
    public async Task Refused_site_key_names_its_reason()
    {
        await using var chat = new DongyangChatClient(new DongyangChatOptions { ServerUrl = fixture.Server.BaseAddress, SiteKey = "pk_no_such_site" });

        var refused = await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(() => chat.ConnectAsync().WaitAsync(Patience));

        Assert.Equal("site_key_invalid", refused.Code);
        Assert.False(refused.IsIdentityRefused);
    }

    [Fact]
    public async Task A_site_key_disabled_while_connected_ends_in_a_refusal_that_names_its_reason_not_endless_reconnecting()
    {
        var (siteKey, _) = await fixture.CreateSiteAsync();
        await using var chat = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = fixture.Server.BaseAddress,
            SiteKey = siteKey,
            ReconnectDelays = [TimeSpan.FromMilliseconds(100)],
        });
        var refused = new TaskCompletionSource<ChatConnectionStateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.StateChanged += (_, e) =>
        {
            if (e.Refusal is not null)
            {
                refused.TrySetResult(e);
            }
        };
        await chat.ConnectAsync().WaitAsync(Patience);

        using var admin = fixture.Server.CreateAdminClient();
        (await admin.PostAsync(new Uri($"/api/admin/sites/{siteKey}/disable", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var change = await refused.Task.WaitAsync(Patience);

        Assert.Equal(ChatConnectionState.Disconnected, change.State);
        Assert.Equal("site_key_disabled", change.Refusal!.Code);
        Assert.Equal(ChatConnectionState.Disconnected, chat.State);
        await Task.Delay(500);
        Assert.Equal(ChatConnectionState.Disconnected, chat.State);
    }

    [Fact]
    public void The_hash_stays_out_of_logs_and_an_incomplete_user_is_refused_up_front()
    {
        var user = new DongyangChatUser("customer-1", new string('a', 64)) { Name = "홍길동" };

        Assert.DoesNotContain(user.Hash, user.ToString(), StringComparison.Ordinal);
        Assert.Contains("customer-1", user.ToString(), StringComparison.Ordinal);
        Assert.True(user.IsSameIdentity(user with { Name = "다른 이름" }));
        Assert.False(user.IsSameIdentity(user with { Id = "customer-2" }));
        Assert.Throws<ArgumentException>(() => new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = fixture.Server.BaseAddress,
            User = new DongyangChatUser("customer-1", ""),
        }));
    }

    [Fact]
    public async Task Factory_serves_two_customers_at_once_in_one_process_each_with_their_own_conversation()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var services = new ServiceCollection();
        services.AddDongyangChat(o =>
        {
            o.ServerUrl = fixture.Server.BaseAddress;
            o.SiteKey = siteKey;
            o.ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)];
        });
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IDongyangChatFactory>();
        DongyangChatUser Customer()
        {
            var id = "customer-" + Guid.NewGuid().ToString("N");
            return new DongyangChatUser(id, SharedServer.IdentityHash(secret, id));
        }

        var (first, second) = (Customer(), Customer());
        await using var firstChat = factory.Create(first);
        await using var secondChat = factory.Create(second);
        var answers = await Task.WhenAll(
            firstChat.AskForAnswerAsync(ClaimQuestion),
            secondChat.AskForAnswerAsync("보험료를 못 내면 어떻게 되나요?")).WaitAsync(Patience);

        Assert.NotEqual(answers[0].ConversationId, answers[1].ConversationId);
        Assert.Equal(answers[0].ConversationId, Assert.Single(await firstChat.GetConversationsAsync()).ConversationId);
        Assert.Equal(answers[1].ConversationId, Assert.Single(await secondChat.GetConversationsAsync()).ConversationId);
        await using var again = factory.Create(first, answers[0].ConversationId);
        var history = await again.GetHistoryAsync().WaitAsync(Patience);
        Assert.NotNull(history);
        Assert.Equal(ClaimQuestion, history.Messages[0].Content);
    }

    private DongyangChatClient NewClient(string siteKey, DongyangChatUser? user, Uri? serverUrl = null) => new(new DongyangChatOptions
    {
        ServerUrl = serverUrl ?? fixture.Server.BaseAddress,
        SiteKey = siteKey,
        User = user,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
    });
}
