using Dongyang.Chat.Client;
using Dongyang.Chat.Client.Tests;
using Microsoft.EntityFrameworkCore;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>The component's <see cref="DongyangChat.User"/>: a partner-signed customer, rendered by bUnit against the real server.</summary>
public sealed class SignedInCustomerTests : BunitContext, IClassFixture<SharedServer>
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private const string PremiumQuestion = "보험료를 못 내면 어떻게 되나요?";
    private readonly SharedServer fixture;

    public SignedInCustomerTests(SharedServer fixture)
    {
        this.fixture = fixture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = TimeSpan.FromSeconds(60);
    }

    [Fact]
    public async Task Signed_in_customer_is_greeted_by_name_and_sees_their_latest_conversation_from_another_device()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var customer = Customer(secret, "홍길동");
        await using (var otherDevice = new DongyangChatClient(new DongyangChatOptions { ServerUrl = fixture.Server.BaseAddress, SiteKey = siteKey, User = customer }))
        {
            await foreach (var _ in otherDevice.AskAsync(ClaimQuestion))
            {
            }
        }

        Guid? stored = null;
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, siteKey)
            .Add(c => c.User, customer)
            .Add(c => c.Embedded, true)
            .Add(c => c.ConversationIdChanged, id => stored = id));

        Assert.StartsWith("홍길동님, 안녕하세요!", cut.Find(".dc-bot .dc-bubble").TextContent, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Equal(ClaimQuestion, cut.Find(".dc-user .dc-bubble").TextContent));
        Assert.Single(cut.FindAll(".dc-bot[data-status=done] .dc-citations"));
        Assert.NotNull(stored);
        Assert.Equal(stored, cut.Instance.ConversationId);
    }

    [Fact]
    public async Task A_site_key_disabled_mid_conversation_shows_why_instead_of_offline()
    {
        var (siteKey, _) = await fixture.CreateSiteAsync();
        var errors = new List<string>();
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, siteKey)
            .Add(c => c.Embedded, true)
            .Add(c => c.OnError, message => errors.Add(message)));
        await cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));

        using var admin = fixture.Server.CreateAdminClient();
        (await admin.PostAsync(new Uri($"/api/admin/sites/{siteKey}/disable", UriKind.Relative), null)).EnsureSuccessStatusCode();

        var refused = ChatStrings.For("ko").ErrorSiteRefused;
        cut.WaitForAssertion(() => Assert.Equal(refused, cut.Find(".dc-status").TextContent));
        Assert.Equal("refused", cut.Find(".dc-status").GetAttribute("data-state"));
        Assert.Contains(refused, errors);
        Assert.Equal(ClaimQuestion, cut.Find(".dc-user .dc-bubble").TextContent);
    }

    [Fact]
    public async Task Changing_the_user_clears_the_screen_and_reconnects_as_the_new_customer()
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var changes = new List<Guid?>();
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, siteKey)
            .Add(c => c.Embedded, true)
            .Add(c => c.ConversationIdChanged, id => changes.Add(id)));
        await cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));
        var anonymous = cut.Instance.ConversationId;

        var customer = Customer(secret, null);
        cut.Render(p => p.Add(c => c.User, customer));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));
        Assert.Empty(cut.FindAll(".dc-user"));
        Assert.Null(cut.Instance.ConversationId);
        Assert.Equal([anonymous, null], changes);
        await cut.InvokeAsync(() => cut.Instance.SendAsync(PremiumQuestion));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));
        await using (var database = fixture.OpenDatabase())
        {
            var conversation = await database.Conversations.SingleAsync(c => c.Id == cut.Instance.ConversationId);
            Assert.Equal(fixture.StoredUserId(siteKey, customer.Id), conversation.UserId);
        }

        // Signing out (no user) drops the customer's conversation from the screen too.
        cut.Render(p => p.Add(c => c.User, null));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".dc-status")));
        Assert.Empty(cut.FindAll(".dc-user"));
        Assert.Null(cut.Instance.ConversationId);
    }

    [Theory]
    [InlineData("ko")]
    [InlineData("en")]
    public async Task Forged_identity_shows_a_friendly_message_never_a_stack_trace(string lang)
    {
        var (siteKey, secret) = await fixture.CreateSiteAsync();
        var forged = new DongyangChatUser("customer-1", SharedServer.IdentityHash(secret, "customer-2"));
        var errors = new List<string>();
        var strings = ChatStrings.For(lang);

        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, siteKey)
            .Add(c => c.User, forged)
            .Add(c => c.Lang, lang)
            .Add(c => c.Embedded, true)
            .Add(c => c.OnError, message => errors.Add(message)));

        cut.WaitForAssertion(() => Assert.Equal("refused", cut.Find(".dc-status").GetAttribute("data-state")));
        Assert.Equal(strings.ErrorIdentity, cut.Find(".dc-status").TextContent);
        Assert.Equal([strings.ErrorIdentity], errors);

        // A question asked anyway gets the same friendly text, and the page shows no exception.
        await cut.InvokeAsync(() => cut.Instance.SendAsync(ClaimQuestion));
        cut.WaitForAssertion(() => Assert.Equal(strings.ErrorIdentity, cut.Find(".dc-bot[data-status=failed] .dc-markdown").TextContent.Trim()));
        Assert.DoesNotContain("Exception", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("401", cut.Markup, StringComparison.Ordinal);
    }

    private static DongyangChatUser Customer(string secret, string? name)
    {
        var id = "customer-" + Guid.NewGuid().ToString("N");
        return new DongyangChatUser(id, SharedServer.IdentityHash(secret, id)) { Name = name };
    }
}
