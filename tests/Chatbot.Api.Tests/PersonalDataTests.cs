using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Tests;

internal static class PersonalDataSettings
{
    /// <summary>A test value of Privacy:UserIdKey, so the tests can compute what the server stores.</summary>
    public const string UserIdKey = "test-user-id-key-0123456789abcdef";

    public static IReadOnlyDictionary<string, string> Server { get; } = new Dictionary<string, string> { ["Privacy__UserIdKey"] = UserIdKey };

    /// <summary>What the server stores for a partner user id: hex(HMAC-SHA256(key, site key + '\n' + id)), as README documents.</summary>
    public static string StoredUserId(string siteKey, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(UserIdKey), Encoding.UTF8.GetBytes($"{siteKey}\n{userId}")));
}

public sealed class PersonalDataSqliteFixture : SqliteStoredRowsFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings => PersonalDataSettings.Server;
}

public sealed class PersonalDataPostgresFixture : PostgresStoredRowsFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings => PersonalDataSettings.Server;
}

/// <summary>
/// What a customer types reaches the database masked, whatever digits it is typed in, and a partner's customer id is
/// stored only as its keyed hash while their history still follows them.
/// </summary>
public abstract class PersonalDataTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StoredRowsFixture
{
    private const string MixedScriptQuestion = "주민번호 ٩٠0101-1٢٣٤٥٦٧ 로 보험금 청구 가능한가요?";

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_registration_number_in_mixed_script_digits_is_answered_and_stored_masked_over_HTTP()
    {
        using var http = Server.CreateHttpClient();

        // This once threw IndexOutOfRangeException in the masker: a 500 for the customer.
        using var response = await http.PostAsJsonAsync("/api/chat", new ChatRequest(MixedScriptQuestion));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
        Assert.Equal("주민번호 [주민등록번호] 로 보험금 청구 가능한가요?", await StoredQuestionAsync(answer.ConversationId));
        Assert.DoesNotContain("٢٣٤٥٦٧", Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registration_number_in_mixed_script_digits_is_answered_and_stored_masked_over_the_hub()
    {
        await using var connection = Server.CreateHubConnection();
        await connection.StartAsync();

        var events = await connection.AskAllAsync(new ChatRequest(MixedScriptQuestion));

        Assert.DoesNotContain(events, e => e is ErrorEvent);
        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.Equal("주민번호 [주민등록번호] 로 보험금 청구 가능한가요?", await StoredQuestionAsync(completed.ConversationId));
    }

    [Fact]
    public async Task A_feedback_comment_is_stored_masked()
    {
        using var http = Server.CreateHttpClient();
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest("보험금 청구 방법 알려주세요"));

        using var response = await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answer.MessageId, -1, "답이 틀렸어요. 010-2345-6780 이나 홍길동@회사.한국 으로 연락 주세요 (주민 900101.1234568)"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var database = fixture.OpenDatabase();
        var stored = await database.Feedback.Where(f => f.MessageId == answer.MessageId).Select(f => f.Comment).SingleAsync();
        Assert.Equal("답이 틀렸어요. [전화번호] 이나 [이메일] 으로 연락 주세요 (주민 [주민등록번호])", stored);
    }

    [Fact]
    public async Task A_verified_customer_is_stored_as_the_keyed_hash_of_their_id_and_still_finds_their_history()
    {
        var site = await TestSites.CreateAsync(Server, "https://partner-privacy.example");
        const string userId = "hong.gildong@example.com";
        using var phone = TestSites.CreateUserClient(Server, site, userId);
        var asked = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(phone, new ChatRequest("해지환급금이 뭐예요?"));

        using var laptop = TestSites.CreateUserClient(Server, site, userId);
        var history = await laptop.GetFromJsonAsync<JsonElement>("/api/me/conversations");

        Assert.Equal(asked.ConversationId, Assert.Single(history.EnumerateArray()).GetProperty("conversationId").GetGuid());
        await using var database = fixture.OpenDatabase();
        var stored = await database.Conversations.Where(c => c.Id == asked.ConversationId).Select(c => c.UserId).SingleAsync();
        Assert.Equal(PersonalDataSettings.StoredUserId(site.PublicKey, userId), stored);
        Assert.False(await database.Conversations.AnyAsync(c => c.UserId == userId));
    }

    [Fact]
    public async Task A_document_whose_name_holds_personal_data_is_refused_before_anything_is_written()
    {
        using var admin = Server.CreateAdminClient();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("# 청구서\n\n보험금 청구서입니다.\n")), "file", "홍길동 010-2345-6780 청구서.md" },
        };

        using var response = await admin.PostAsync("/api/admin/documents", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("personal_data_in_file_name", (await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(response)).GetProperty("code").GetString());
    }

    private async Task<string> StoredQuestionAsync(Guid conversationId)
    {
        await using var database = fixture.OpenDatabase();
        return await database.Messages.Where(m => m.ConversationId == conversationId && m.Role == Data.Entities.MessageRole.User).Select(m => m.Content).SingleAsync();
    }
}

public sealed class PersonalDataTestsOnSqlite(PersonalDataSqliteFixture fixture) : PersonalDataTests<PersonalDataSqliteFixture>(fixture);

public sealed class PersonalDataTestsOnPostgres(PersonalDataPostgresFixture fixture) : PersonalDataTests<PersonalDataPostgresFixture>(fixture);
