using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>
/// Every personal-data case of the masking corpus, sent through the real server the ways customers and operators send
/// text (questions over REST and the hub, feedback comments, handoff requests, counsellor replies, an uploaded
/// document), with answers from a model: afterwards no raw value is in the database, the index, the server's log or
/// anything the model was sent, and the partner's customer id is stored only as its keyed hash.
/// </summary>
public abstract class PersonalDataEndToEndTests
{
    /// <summary>Partners often use the customer's e-mail address as their id.</summary>
    private const string UserId = "hong.gildong.e2e@example.com";

    /// <summary>A word only the uploaded document holds, to show its chunks reached the model.</summary>
    private const string DocumentMarker = "점검표지어";

    /// <summary>Settings that choose this variant's storage.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync();

    /// <summary>Everything the database holds, as text.</summary>
    protected abstract Task<string> StoredTextAsync(string dataDirectory);

    protected abstract Task ReleaseStorageAsync();

    [Fact]
    public async Task No_raw_personal_data_reaches_the_database_the_logs_or_the_model()
    {
        var cases = PersonalDataCorpus.Read().Where(c => c.IsPersonalData).ToList();
        var knowledge = HostileSettings.CopyKnowledge();
        await using var model = await FakeOpenAiServer.StartAsync();
        var settings = new Dictionary<string, string>(await PrepareStorageAsync())
        {
            ["Ai__OpenAI__BaseUrl"] = model.BaseUrl.ToString(),
            ["Ai__OpenAI__ApiKey"] = "sk-e2e-privacy",
            ["Ai__OpenAI__MaxRetries"] = "0",
            ["Ai__OpenAI__FirstTokenTimeoutSeconds"] = "10",
            ["Rag__KnowledgePath"] = knowledge,
            ["RateLimits__PerIp"] = "1000000",
            ["RateLimits__PerSite"] = "1000000",
            ["RateLimits__HubPerConnection"] = "1000000",
        };
        var server = await ChatServer.StartAsync(settings: settings);
        try
        {
            var siteKey = await SendEverythingAsync(server, cases);

            var raw = cases.SelectMany(c => c.RawValues).Append(UserId).Distinct().ToList();
            var stored = await StoredTextAsync(server.DataDirectory);
            var logged = server.Output;
            var sent = string.Join('\n', model.ChatRequests.Concat(model.EmbeddingRequests).SelectMany(StringsOf));

            var leaks = raw.SelectMany(value => new[] { ("database", stored), ("log", logged), ("model", sent) }
                    .Where(place => place.Item2.Contains(value, StringComparison.Ordinal))
                    .Select(place => $"{place.Item1}: '{value}'"))
                .ToList();
            Assert.True(leaks.Count == 0, $"{leaks.Count} raw values of {raw.Count} leaked:\n{string.Join('\n', leaks)}");

            // And the text did go everywhere, masked: the checks above looked where the data was.
            Assert.Contains("[주민등록번호]", stored, StringComparison.Ordinal);
            Assert.Contains("[주민등록번호]", sent, StringComparison.Ordinal);
            Assert.Contains(model.ChatRequests, r => FakeOpenAiServer.MessageText(r, "user").Contains(DocumentMarker, StringComparison.Ordinal));
            Assert.Contains(DocumentMarker, string.Join('\n', model.EmbeddingRequests.SelectMany(StringsOf)), StringComparison.Ordinal);
            var key = Convert.FromBase64String(await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "user-id.key")));
            Assert.Contains(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{siteKey}\n{UserId}"))), stored, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(server.DataDirectory, recursive: true);
            Directory.Delete(knowledge, recursive: true);
            await ReleaseStorageAsync();
        }
    }

    /// <summary>Sends every case every way, then stops the server so that everything it wrote is on disk.</summary>
    private static async Task<string> SendEverythingAsync(ChatServer server, List<PersonalDataCase> cases)
    {
        try
        {
            var site = await TestSites.CreateAsync(server, "https://partner-privacy-e2e.example");
            using var customer = TestSites.CreateUserClient(server, site, UserId);
            using var admin = server.CreateAdminClient();
            await using var hub = server.CreateHubConnection(site.PublicKey, new Dictionary<string, string>
            {
                ["X-User-Id"] = UserId,
                ["X-User-Hash"] = TestSites.IdentityHash(site.IdentitySecret!, UserId),
            });
            await hub.StartAsync();

            // An operator's upload with personal data in it. Documents keep the insurer's landlines and e-mail
            // addresses (its contact points), so the document holds the other kinds, and mobile numbers.
            var inDocument = cases.Where(c => !c.Labels.Any(l => l is "[전화번호]" or "[이메일]")).ToList();
            var document = $"# 개인정보 {DocumentMarker} 문서\n\n{DocumentMarker}: 청구 사례 모음입니다.\n\n"
                + string.Join('\n', inDocument.Select((c, i) => $"- 사례 {i + 1}: {c.Input.Replace('\n', ' ')}"))
                + "\n\n담당 설계사 휴대폰 010-2345-6780, 해외에서는 +82 10-2345-6785\n";
            using (var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(document)), "file", "privacy-check.md" } })
            using (var uploaded = await admin.PostAsync("/api/admin/documents", form))
            {
                Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            }

            for (var i = 0; i < cases.Count; i++)
            {
                var text = cases[i].Input;
                var (conversationId, answerId) = i % 5 == 0 ? await AskOverHubAsync(hub, text) : await AskOverHttpAsync(customer, text);

                using (var rated = await customer.PostAsJsonAsync("/api/feedback", new FeedbackRequest(answerId, -1, text)))
                {
                    Assert.Equal(HttpStatusCode.NoContent, rated.StatusCode);
                }

                using (var handoff = await customer.PostAsJsonAsync("/api/handoff", new HandoffRequest(conversationId)))
                {
                    Assert.Equal(HttpStatusCode.OK, handoff.StatusCode);
                }

                using (var reply = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text }))
                {
                    Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
                }
            }

            var aboutDocument = await AskOverHttpAsync(customer, $"개인정보 {DocumentMarker} 문서의 청구 사례를 알려주세요");
            Assert.NotEqual(Guid.Empty, aboutDocument.ConversationId);

            // History is looked up by the hash: the newest conversations, as many as one page lists.
            var history = await customer.GetFromJsonAsync<JsonElement>("/api/me/conversations");
            Assert.Equal(Math.Min(100, cases.Count + 1), history.GetArrayLength());
            return site.PublicKey;
        }
        finally
        {
            await server.StopAsync();
        }
    }

    /// <summary>Every string in a JSON request, unescaped, wherever it sits.</summary>
    protected static IEnumerable<string> StringsOf(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => StringsOf(p.Value)),
        JsonArray a => a.SelectMany(StringsOf),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static async Task<(Guid ConversationId, Guid AnswerId)> AskOverHttpAsync(HttpClient http, string text)
    {
        var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest(text));
        return (answer.ConversationId, answer.MessageId);
    }

    private static async Task<(Guid ConversationId, Guid AnswerId)> AskOverHubAsync(Microsoft.AspNetCore.SignalR.Client.HubConnection hub, string text)
    {
        var events = await hub.AskAllAsync(new ChatRequest(text));
        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        return (completed.ConversationId, completed.MessageId);
    }
}

public sealed class PersonalDataEndToEndTestsOnSqlite : PersonalDataEndToEndTests
{
    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    /// <summary>
    /// Every file of the data folder but the key: the SQLite database and its write-ahead log byte for byte (text is
    /// UTF-8 there), and the strings of the JSON vector index, unescaped.
    /// </summary>
    protected override async Task<string> StoredTextAsync(string dataDirectory)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "user-id.key"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            text.AppendLine(file.EndsWith(".json", StringComparison.Ordinal)
                ? string.Join('\n', StringsOf(JsonNode.Parse(bytes)))
                : Encoding.UTF8.GetString(bytes));
        }

        Assert.Contains("chatbot.db", string.Join(' ', Directory.EnumerateFiles(dataDirectory)), StringComparison.Ordinal);
        return text.ToString();
    }

    protected override Task ReleaseStorageAsync() => Task.CompletedTask;
}

public sealed class PersonalDataEndToEndTestsOnPostgres : PersonalDataEndToEndTests
{
    private string connectionString = "";

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("privacy");
        return new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["Rag__VectorStore"] = "Postgres",
        };
    }

    /// <summary>Every text value of every table (conversations, messages, feedback, handoffs, sites and the pgvector chunks).</summary>
    protected override Task<string> StoredTextAsync(string dataDirectory) => PostgresText.DumpAsync(connectionString);

    protected override Task ReleaseStorageAsync() => connectionString.Length == 0 ? Task.CompletedTask : TestPostgres.DropDatabaseAsync(connectionString);
}
