using Chatbot.Testing;
using Dongyang.Chat.Client.Tests;
using Microsoft.EntityFrameworkCore;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>The component's PageContext goes with the question to the real server, which stores it masked.</summary>
public sealed class PageContextWidgetTests : BunitContext, IClassFixture<SharedServer>
{
    private readonly SharedServer fixture;

    public PageContextWidgetTests(SharedServer fixture)
    {
        this.fixture = fixture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = TimeSpan.FromSeconds(60);
    }

    [Fact]
    public async Task The_page_context_is_sent_with_the_question_and_stored_masked()
    {
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey)
            .Add(c => c.Embedded, true)
            .Add(c => c.PageContext, new Dictionary<string, string> { ["product"] = "무배당 암보험", ["memo"] = "연락처 010-2222-3333" }));

        await cut.InvokeAsync(() => cut.Instance.SendAsync("암보험 보장 내용이 궁금해요"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));

        await using var database = fixture.OpenDatabase();
        var conversationId = cut.Instance.ConversationId;
        var stored = await database.Conversations.SingleAsync(c => c.Id == conversationId);
        Assert.Contains("무배당 암보험", stored.ContextJson, StringComparison.Ordinal);
        Assert.Contains("연락처 [전화번호]", stored.ContextJson, StringComparison.Ordinal);
        Assert.DoesNotContain("2222-3333", stored.ContextJson, StringComparison.Ordinal);
    }
}
