using System.Net.Http.Json;
using System.Text.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task Restart_keeps_conversations_and_does_not_re_embed_the_knowledge()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("chatbot-restart-").FullName;
        try
        {
            ChatResponse first;
            await using (var server = await ChatServer.StartAsync(dataDirectory))
            {
                using var http = server.CreateHttpClient();
                using var response = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));
                first = (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
                Assert.Matches(@"\d+ files, [1-9]\d* chunks embedded, 0 unchanged", server.Output);
            }

            Assert.True(File.Exists(Path.Combine(dataDirectory, "chatbot.db")), "the SQLite database lives in the data folder");

            await using (var restarted = await ChatServer.StartAsync(dataDirectory))
            {
                await AssertRemembersAsync(restarted, first);
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_on_postgres_keeps_conversations_and_the_index_in_the_database()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("restart");
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["Rag__VectorStore"] = "Postgres",
        };
        try
        {
            ChatResponse first;
            await using (var server = await ChatServer.StartAsync(settings: settings))
            {
                using var http = server.CreateHttpClient();
                using var response = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));
                first = (await response.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
                Assert.Matches(@"\d+ files, [1-9]\d* chunks embedded, 0 unchanged", server.Output);
                Assert.False(File.Exists(Path.Combine(server.DataDirectory, Chatbot.Rag.VectorStores.EmbeddedVectorStoreCollection.DefaultFileName)), "the index lives in PostgreSQL, not in a file");
                Assert.False(File.Exists(Path.Combine(server.DataDirectory, "chatbot.db")), "conversations live in PostgreSQL, not in SQLite");
                await server.StopAsync();
                Directory.Delete(server.DataDirectory, recursive: true);
            }

            // A fresh data folder: everything the second server knows comes from the database.
            await using var restarted = await ChatServer.StartAsync(settings: settings);
            try
            {
                await AssertRemembersAsync(restarted, first);
            }
            finally
            {
                await restarted.StopAsync();
                Directory.Delete(restarted.DataDirectory, recursive: true);
            }
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>A restarted server embeds nothing, still has the first conversation, and answers from its index.</summary>
    private static async Task AssertRemembersAsync(ChatServer restarted, ChatResponse first)
    {
        Assert.Matches(@"0 files, 0 chunks embedded, [1-9]\d* unchanged", restarted.Output);
        using var http = restarted.CreateHttpClient();
        var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{first.ConversationId}/messages", JsonSerializerOptions.Web);
        Assert.Equal(first.Answer, history!.Messages[1].Content);

        using var again = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험계약대출 이자는 어떻게 되나요?"));
        var answer = (await again.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
        Assert.True(answer.Grounded);
        Assert.Contains(answer.Citations, c => c.DocumentId == "policy-loan-guide");
    }
}
