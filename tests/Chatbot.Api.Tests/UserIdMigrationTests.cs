using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chatbot.Data;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Chatbot.Api.Tests;

/// <summary>
/// A database written before partner user ids were hashed: on its first start the new server hashes the stored ids, so
/// those customers still find their history, and the raw ids are gone from the database.
/// </summary>
public abstract class UserIdMigrationTests
{
    private const string SiteKey = "pk_legacy_site_0001";
    private const string Secret = "legacy-identity-secret-0123456789";
    private const string UserId = "legacy-customer-1001@example.com";

    /// <summary>Settings that point the server at the database; the data folder is the server's own.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> PrepareAsync(string dataDirectory);

    protected abstract ChatDbContext Open();

    protected abstract Task<byte[]> RawStorageAsync(string dataDirectory);

    protected abstract Task ReleaseAsync();

    [Fact]
    public async Task Customers_stored_with_raw_ids_keep_their_history_and_the_raw_ids_leave_the_database()
    {
        var data = Directory.CreateTempSubdirectory("chatbot-userid-migration-").FullName;
        try
        {
            var settings = await PrepareAsync(data);
            var conversationId = Guid.NewGuid();
            await using (var old = Open())
            {
                // The schema as the previous release left it, with its rows written the way it wrote them.
                await old.GetService<IMigrator>().MigrateAsync("AddPartnerSites");
                var now = DateTime.UtcNow;
                await old.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO partner_sites ("Id", "PublicKey", "Name", "AllowedOrigins", "IdentitySecret", "CreatedAtUtc", "UpdatedAtUtc")
                    VALUES ({Guid.NewGuid()}, {SiteKey}, {"옛 파트너"}, {"https://legacy.example"}, {Secret}, {now}, {now})
                    """);
                await old.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO conversations ("Id", "SiteKey", "UserId", "CreatedAtUtc", "UpdatedAtUtc")
                    VALUES ({conversationId}, {SiteKey}, {UserId}, {now}, {now})
                    """);
                await old.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO messages ("Id", "ConversationId", "Sequence", "Role", "Content", "Status", "CreatedAtUtc")
                    VALUES ({Guid.NewGuid()}, {conversationId}, {1}, {"User"}, {"해지환급금이 뭐예요?"}, {"Complete"}, {now})
                    """);
            }

            JsonElement listed;
            ConversationHistory? history;
            await using (var server = await ChatServer.StartAsync(data, Merge(settings, PersonalDataSettings.Server)))
            {
                using var customer = server.CreateHttpClient(SiteKey);
                customer.DefaultRequestHeaders.Add("X-User-Id", UserId);
                customer.DefaultRequestHeaders.Add("X-User-Hash", TestSites.IdentityHash(Secret, UserId));
                listed = await customer.GetFromJsonAsync<JsonElement>("/api/me/conversations");
                history = await customer.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{conversationId}/messages", JsonSerializerOptions.Web);
                Assert.Contains("Hashed the partner user ids of 1 conversations", server.Output, StringComparison.Ordinal);
            }

            Assert.Equal(conversationId, Assert.Single(listed.EnumerateArray()).GetProperty("conversationId").GetGuid());
            Assert.Equal("해지환급금이 뭐예요?", Assert.Single(history!.Messages).Content);
            await using (var migrated = Open())
            {
                var row = await migrated.Conversations.AsNoTracking()
                    .Where(c => c.Id == conversationId)
                    .Select(c => new { c.UserId, Legacy = EF.Property<string?>(c, ChatDbContext.LegacyUserIdProperty) })
                    .SingleAsync();
                Assert.Equal(PersonalDataSettings.StoredUserId(SiteKey, UserId), row.UserId);
                Assert.Null(row.Legacy);
            }

            var stored = await RawStorageAsync(data);
            Assert.True(stored.Length > 0);
            Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(UserId)));
        }
        finally
        {
            await ReleaseAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// Client message ids stored while they were one global namespace get the scope the server now looks in, so a
    /// resend that straddles the upgrade (the customer's, an anonymous caller's with or without the conversation it
    /// was told, a counsellor's) still gets the stored exchange instead of a second answer.
    /// </summary>
    [Fact]
    public async Task Client_message_ids_stored_before_they_were_scoped_still_replay_to_their_caller()
    {
        const string customer = "scoped-customer-2002@example.com";
        var data = Directory.CreateTempSubdirectory("chatbot-scope-migration-").FullName;
        try
        {
            var settings = await PrepareAsync(data);
            var (customerConversation, anonymousConversation) = (Guid.NewGuid(), Guid.NewGuid());
            var (customerAnswer, firstAnswer, nextAnswer) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await using (var old = Open())
            {
                await old.GetService<IMigrator>().MigrateAsync("AddConversationContext");
                var now = DateTime.UtcNow;
                await old.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO partner_sites ("Id", "PublicKey", "Name", "AllowedOrigins", "IdentitySecret", "CreatedAtUtc", "UpdatedAtUtc")
                    VALUES ({Guid.NewGuid()}, {SiteKey}, {"옛 파트너"}, {"https://legacy.example"}, {Secret}, {now}, {now})
                    """);
                await old.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO conversations ("Id", "SiteKey", "UserId", "CreatedAtUtc", "UpdatedAtUtc")
                    VALUES ({customerConversation}, {SiteKey}, {PersonalDataSettings.StoredUserId(SiteKey, customer)}, {now}, {now}),
                           ({anonymousConversation}, {SiteKey}, {null}, {now}, {now})
                    """);
                var rows = new (Guid Id, Guid Conversation, int Sequence, string Role, string Content, string? ClientId)[]
                {
                    (Guid.NewGuid(), customerConversation, 1, "User", "해지환급금이 뭐예요?", "old-customer-q"),
                    (customerAnswer, customerConversation, 2, "Assistant", "해지환급금은 계약을 해지할 때 돌려받는 돈입니다.", null),
                    (Guid.NewGuid(), anonymousConversation, 1, "User", "보험금 청구는 어떻게 하나요?", "old-anon-first"),
                    (firstAnswer, anonymousConversation, 2, "Assistant", "청구서와 진단서를 제출하시면 됩니다.", null),
                    (Guid.NewGuid(), anonymousConversation, 3, "User", "보험료는 언제 내나요?", "old-anon-next"),
                    (nextAnswer, anonymousConversation, 4, "Assistant", "매월 약정일에 납입합니다.", null),
                    (Guid.NewGuid(), anonymousConversation, 5, "Counsellor", "상담원 연결되었습니다.", "old-counsel"),
                };
                for (var i = 0; i < rows.Length; i++)
                {
                    var row = rows[i];
                    var replyTo = row.Role == "Assistant" ? rows[i - 1].Id : (Guid?)null;
                    bool? grounded = row.Role == "Assistant" ? true : null;
                    await old.Database.ExecuteSqlInterpolatedAsync($"""
                        INSERT INTO messages ("Id", "ConversationId", "Sequence", "Role", "Content", "Status", "ClientMessageId", "ReplyToId", "Grounded", "CreatedAtUtc")
                        VALUES ({row.Id}, {row.Conversation}, {row.Sequence}, {row.Role}, {row.Content}, {"Complete"}, {row.ClientId}, {replyTo}, {grounded}, {now.AddSeconds(i)})
                        """);
                }
            }

            await using (var server = await ChatServer.StartAsync(data, Merge(settings, PersonalDataSettings.Server)))
            {
                using var verified = server.CreateHttpClient(SiteKey);
                verified.DefaultRequestHeaders.Add("X-User-Id", customer);
                verified.DefaultRequestHeaders.Add("X-User-Hash", TestSites.IdentityHash(Secret, customer));
                using var anonymous = server.CreateHttpClient(SiteKey);
                using var admin = server.CreateAdminClient();

                var customerResend = await AskAsync(verified, new ChatRequest("해지환급금이 뭐예요?", ClientMessageId: "old-customer-q"));
                // Without a session nothing tells one anonymous caller from another: a first question's unnamed resend is refused.
                using var firstResend = await anonymous.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구는 어떻게 하나요?", ClientMessageId: "old-anon-first"));
                var firstResendNamingConversation = await AskAsync(anonymous, new ChatRequest("보험금 청구는 어떻게 하나요?", anonymousConversation, "old-anon-first"));
                var nextResend = await AskAsync(anonymous, new ChatRequest("보험료는 언제 내나요?", anonymousConversation, "old-anon-next"));
                using var counsellorResend = await admin.PostAsJsonAsync($"/api/admin/conversations/{anonymousConversation}/messages", new { text = "상담원 연결되었습니다.", clientMessageId = "old-counsel" });

                Assert.Equal((customerConversation, customerAnswer), (customerResend.ConversationId, customerResend.MessageId));
                Assert.Equal(System.Net.HttpStatusCode.Conflict, firstResend.StatusCode);
                Assert.Equal((anonymousConversation, firstAnswer), (firstResendNamingConversation.ConversationId, firstResendNamingConversation.MessageId));
                Assert.Equal((anonymousConversation, nextAnswer), (nextResend.ConversationId, nextResend.MessageId));
                Assert.Equal(System.Net.HttpStatusCode.OK, counsellorResend.StatusCode);
                Assert.Equal(2, (await verified.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{customerConversation}/messages", JsonSerializerOptions.Web))!.Messages.Count);
                Assert.Equal(5, (await anonymous.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{anonymousConversation}/messages", JsonSerializerOptions.Web))!.Messages.Count);
            }
        }
        finally
        {
            await ReleaseAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<ChatResponse> AskAsync(HttpClient http, ChatRequest request)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", request);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for {request.ClientMessageId}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Concat(b).ToDictionary(p => p.Key, p => p.Value);
}

public sealed class UserIdMigrationTestsOnSqlite : UserIdMigrationTests
{
    private string database = "";

    protected override Task<IReadOnlyDictionary<string, string>> PrepareAsync(string dataDirectory)
    {
        database = Path.Combine(dataDirectory, "chatbot.db");
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
    }

    protected override ChatDbContext Open() =>
        new SqliteChatDbContext(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite($"Data Source={database};Pooling=False").Options);

    /// <summary>The database file and its write-ahead log, byte for byte: overwritten values may linger in free pages.</summary>
    protected override async Task<byte[]> RawStorageAsync(string dataDirectory)
    {
        var bytes = new List<byte>();
        foreach (var file in Directory.EnumerateFiles(dataDirectory, "chatbot.db*"))
        {
            bytes.AddRange(await File.ReadAllBytesAsync(file));
        }

        return [.. bytes];
    }

    protected override Task ReleaseAsync() => Task.CompletedTask;
}

public sealed class UserIdMigrationTestsOnPostgres : UserIdMigrationTests
{
    private string connectionString = "";

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareAsync(string dataDirectory)
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("userid");
        return new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["ConnectionStrings__Chatbot"] = connectionString };
    }

    protected override ChatDbContext Open() =>
        new PostgresChatDbContext(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>Every text value of every table, as PostgreSQL returns it.</summary>
    protected override async Task<byte[]> RawStorageAsync(string dataDirectory) =>
        Encoding.UTF8.GetBytes(await PostgresText.DumpAsync(connectionString));

    protected override Task ReleaseAsync() => connectionString.Length == 0 ? Task.CompletedTask : TestPostgres.DropDatabaseAsync(connectionString);
}
