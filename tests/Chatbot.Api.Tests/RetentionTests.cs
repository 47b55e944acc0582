using System.Net;
using System.Net.Http.Json;
using Chatbot.Data;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Tests;

internal static class RetentionSettings
{
    public const int Days = 30;

    public static IReadOnlyDictionary<string, string> Short { get; } = new Dictionary<string, string>
    {
        ["Retention__Days"] = $"{Days}",
        ["Retention__SweepIntervalSeconds"] = "1",
    };
}

public sealed class RetentionSqliteFixture : SqliteStoredRowsFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings => RetentionSettings.Short;
}

public sealed class RetentionPostgresFixture : PostgresStoredRowsFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings => RetentionSettings.Short;
}

/// <summary>
/// Conversations untouched for longer than Retention:Days disappear with their messages; customers delete their own.
/// The clock stays real: the test moves a conversation's last activity into the past instead.
/// </summary>
public abstract class RetentionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StoredRowsFixture
{
    [Fact]
    public async Task The_background_sweep_deletes_conversations_older_than_the_retention_and_keeps_the_rest()
    {
        using var http = fixture.Server.CreateHttpClient();
        var old = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요"));
        var borderline = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("해지환급금이 뭐예요?"));
        var recent = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("암보험 면책기간이 뭔가요?"));
        await AgeAsync(old.ConversationId, TimeSpan.FromDays(RetentionSettings.Days + 1));
        await AgeAsync(borderline.ConversationId, TimeSpan.FromDays(RetentionSettings.Days - 1));

        await WaitUntilGoneAsync(http, old.ConversationId);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Messages(borderline.ConversationId))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Messages(recent.ConversationId))).StatusCode);
        await using var database = fixture.OpenDatabase();
        Assert.Equal(0, await database.Messages.CountAsync(m => m.ConversationId == old.ConversationId));
        Assert.Equal(2, await database.Messages.CountAsync(m => m.ConversationId == recent.ConversationId));
    }

    [Fact]
    public async Task An_admin_triggered_sweep_reports_what_it_deleted()
    {
        using var http = fixture.Server.CreateHttpClient();
        var old = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("보험계약대출 이자는?"));
        await AgeAsync(old.ConversationId, TimeSpan.FromDays(365));
        using var admin = fixture.Server.CreateAdminClient();

        using var response = await admin.PostAsync("/api/admin/retention/sweep", null);

        response.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Messages(old.ConversationId))).StatusCode);
    }

    [Fact]
    public async Task A_customer_deletes_their_own_conversation_over_http_and_it_is_gone_with_its_messages()
    {
        using var http = fixture.Server.CreateHttpClient();
        var mine = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("수익자를 변경하려면 어떻게 해야 하나요?"));
        var kept = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("고객센터 상담 시간이 어떻게 되나요?"));

        using var deleted = await http.DeleteAsync($"/api/conversations/{mine.ConversationId}");
        using var again = await http.DeleteAsync($"/api/conversations/{mine.ConversationId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Messages(mine.ConversationId))).StatusCode);
        using var continued = await http.PostAsJsonAsync("/api/chat", new ChatRequest("이어서", mine.ConversationId));
        Assert.Equal(HttpStatusCode.NotFound, continued.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Messages(kept.ConversationId))).StatusCode);
        await using var database = fixture.OpenDatabase();
        Assert.Equal(0, await database.Messages.CountAsync(m => m.ConversationId == mine.ConversationId));
    }

    [Fact]
    public async Task A_customer_deletes_their_own_conversation_over_the_hub()
    {
        await using var connection = fixture.Server.CreateHubConnection();
        await connection.StartAsync();
        var events = await connection.AskAllAsync(new ChatRequest("실비 보험에서 도수치료도 보장되나요?"));
        var conversationId = Assert.IsType<AcceptedEvent>(events[0]).ConversationId;

        await connection.InvokeAsync("DeleteConversation", conversationId);

        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, conversationId));
        Assert.Contains("conversation_not_found", error.Message, StringComparison.Ordinal);
    }

    private async Task AgeAsync(Guid conversationId, TimeSpan age)
    {
        await using var database = fixture.OpenDatabase();
        var then = DateTime.UtcNow - age;
        Assert.Equal(1, await database.Conversations.Where(c => c.Id == conversationId)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UpdatedAtUtc, then).SetProperty(x => x.CreatedAtUtc, then)));
    }

    private static async Task WaitUntilGoneAsync(HttpClient http, Guid conversationId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await http.GetAsync(Messages(conversationId))).StatusCode != HttpStatusCode.NotFound)
        {
            Assert.True(DateTime.UtcNow < deadline, "The sweep did not delete the old conversation within 30 s.");
            await Task.Delay(250);
        }
    }

    private static string Messages(Guid conversationId) => $"/api/conversations/{conversationId}/messages";
}

public sealed class RetentionTestsOnSqlite(RetentionSqliteFixture fixture) : RetentionTests<RetentionSqliteFixture>(fixture);

public sealed class RetentionTestsOnPostgres(RetentionPostgresFixture fixture) : RetentionTests<RetentionPostgresFixture>(fixture);
