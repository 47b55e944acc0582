using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Tests;

public sealed class FeedbackSqliteFixture : SqliteStoredRowsFixture;

public sealed class FeedbackPostgresFixture : PostgresStoredRowsFixture;

/// <summary>
/// 👍/👎 on answers and "상담원 연결" requests, over HTTP and the hub: stored with the message, and only for
/// conversations the caller may see — another site or another verified customer is told "not found".
/// </summary>
public abstract class FeedbackTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StoredRowsFixture
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_rating_with_a_comment_is_stored_with_the_answer_and_a_second_rating_replaces_it()
    {
        using var http = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요"));

        using var first = await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, -1, "  서류 목록이 더 자세했으면 좋겠어요  "));
        using var second = await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, 1, "다시 보니 충분합니다"));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        await using var database = fixture.OpenDatabase();
        var stored = Assert.Single(await database.Feedback.Where(f => f.MessageId == answer.MessageId).ToListAsync());
        Assert.Equal(1, stored.Rating);
        Assert.Equal("다시 보니 충분합니다", stored.Comment);
    }

    [Theory]
    [InlineData(0, null, "invalid_rating")]
    [InlineData(5, null, "invalid_rating")]
    [InlineData(1, "too-long", "comment_too_long")]
    public async Task A_bad_rating_or_an_overlong_comment_is_a_clear_400_and_keeps_the_earlier_rating(int rating, string? comment, string code)
    {
        using var http = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("해지환급금이 뭐예요?"));
        (await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, 1, "좋아요"))).EnsureSuccessStatusCode();

        var text = comment == "too-long" ? new string('가', FeedbackLimits.MaxCommentLength + 1) : comment;
        using var response = await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, rating, text));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(response)).GetProperty("code").GetString());
        await using var database = fixture.OpenDatabase();
        var kept = Assert.Single(await database.Feedback.Where(f => f.MessageId == answer.MessageId).ToListAsync());
        Assert.Equal((1, "좋아요"), (kept.Rating, kept.Comment));
    }

    [Fact]
    public async Task Rating_a_question_an_unknown_message_or_another_sites_answer_is_not_found()
    {
        using var local = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(local, new ChatRequest("보험료 납입 방법이 궁금해요"));
        var partner = await TestSites.CreateAsync(Server, "https://partner.example");
        using var otherSite = Server.CreateHttpClient(partner.PublicKey);
        await using var database = fixture.OpenDatabase();
        var questionId = await database.Messages.Where(m => m.ConversationId == answer.ConversationId && m.ReplyToId == null).Select(m => m.Id).SingleAsync();

        foreach (var (http, messageId) in new[] { (local, questionId), (local, Guid.NewGuid()), (otherSite, answer.MessageId) })
        {
            using var response = await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(messageId, -1, "남의 답변"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("message_not_found", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(response)).GetProperty("code").GetString());
        }

        Assert.False(await database.Feedback.AnyAsync(f => f.MessageId == answer.MessageId || f.MessageId == questionId));
    }

    [Fact]
    public async Task A_verified_customers_answer_can_be_rated_by_that_customer_only()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner.example");
        using var owner = TestSites.CreateUserClient(Server, site, "customer-1001");
        using var otherCustomer = TestSites.CreateUserClient(Server, site, "customer-2002");
        using var anonymous = Server.CreateHttpClient(site.PublicKey);
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(owner, new ChatRequest("약관대출 이자는 어떻게 되나요?"));

        using var byOther = await otherCustomer.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, -1));
        using var byAnonymous = await anonymous.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, -1));
        using var byOwner = await owner.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, 1));

        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byOwner.StatusCode);
    }

    [Fact]
    public async Task Feedback_over_the_hub_is_stored_and_another_sites_answer_is_refused()
    {
        using var http = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("암보험 면책기간이 뭔가요?"));
        var partner = await TestSites.CreateAsync(Server, "https://partner.example");
        await using var localHub = Server.CreateHubConnection();
        await using var partnerHub = Server.CreateHubConnection(partner.PublicKey);
        await localHub.StartAsync();
        await partnerHub.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => partnerHub.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(answer.MessageId, -1)));
        await localHub.InvokeAsync(ChatEndpoints.FeedbackMethod, new FeedbackRequest(answer.MessageId, 1, "도움이 됐어요"));

        Assert.Contains("message_not_found", refused.Message, StringComparison.Ordinal);
        await using var database = fixture.OpenDatabase();
        var stored = Assert.Single(await database.Feedback.Where(f => f.MessageId == answer.MessageId).ToListAsync());
        Assert.Equal((1, "도움이 됐어요"), (stored.Rating, stored.Comment));
    }

    [Fact]
    public async Task A_handoff_request_is_recorded_with_its_conversation_and_answers_the_counsellor_line()
    {
        using var http = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요"));

        using var response = await http.PostAsJsonAsync("/api/handoff", new HandoffRequest(answer.ConversationId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var handoff = (await response.Content.ReadFromJsonAsync<HandoffResponse>(JsonSerializerOptions.Web))!;
        Assert.Equal("1588-0000", handoff.Phone);
        Assert.False(string.IsNullOrWhiteSpace(handoff.Hours));
        await using var database = fixture.OpenDatabase();
        var stored = await database.Handoffs.SingleAsync(h => h.Id == handoff.RequestId);
        Assert.Equal((answer.ConversationId, ChatServer.LocalSiteKey), (stored.ConversationId, stored.SiteKey));
    }

    [Fact]
    public async Task A_handoff_for_an_unknown_or_another_sites_conversation_is_not_found_and_records_nothing()
    {
        using var local = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(local, new ChatRequest("보험료 납입 방법이 궁금해요"));
        var partner = await TestSites.CreateAsync(Server, "https://partner.example");
        using var otherSite = Server.CreateHttpClient(partner.PublicKey);
        await using var database = fixture.OpenDatabase();
        var before = await database.Handoffs.CountAsync();

        using var unknown = await local.PostAsJsonAsync("/api/handoff", new HandoffRequest(Guid.NewGuid()));
        using var foreign = await otherSite.PostAsJsonAsync("/api/handoff", new HandoffRequest(answer.ConversationId));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("conversation_not_found", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(foreign)).GetProperty("code").GetString());
        Assert.Equal(before, await database.Handoffs.CountAsync());
    }
}

public sealed class FeedbackTestsOnSqlite(FeedbackSqliteFixture fixture) : FeedbackTests<FeedbackSqliteFixture>(fixture);

public sealed class FeedbackTestsOnPostgres(FeedbackPostgresFixture fixture) : FeedbackTests<FeedbackPostgresFixture>(fixture);
