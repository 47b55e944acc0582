using Chatbot.Privacy;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Tests;

public sealed class ServiceRegistrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddChatbotRag(configuration).BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public async Task AddChatbotRag_wires_an_end_to_end_engine()
    {
        _directory.Write("knowledge/claims.md", "# 보험금 청구 안내\n\n## 1. 청구 방법\n\n보험금 청구는 모바일 앱이나 홈페이지에서 하실 수 있습니다.\n");
        await using var services = Build(new()
        {
            ["Rag:DataDirectory"] = _directory.Combine("data"),
            ["Rag:KnowledgePath"] = _directory.Combine("knowledge"),
            ["Counsellor:Phone"] = "1588-1234",
        });

        var summary = await services.GetRequiredService<KnowledgeIngestor>().IngestDirectoryAsync();
        var answer = await services.GetRequiredService<IChatAnswerer>().AnswerAsync("보험금 청구는 어떻게 하나요?").ToListAsync();
        var declined = await services.GetRequiredService<IChatAnswerer>().AnswerAsync("비트코인 시세").ToListAsync();

        Assert.Equal(1, summary.Files);
        Assert.True(((AnswerFinished)answer[^1]).Grounded);
        Assert.Contains("1588-1234", string.Concat(declined.OfType<AnswerDelta>().Select(d => d.Text)), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory.Combine("data"), EmbeddedVectorStoreCollection.DefaultFileName)));

        var store = services.GetRequiredService<EmbeddedVectorStoreCollection>();
        Assert.Same(store, services.GetRequiredService<IDocumentChunkStore>());
        Assert.NotNull(services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(services.GetRequiredService<KnowledgeRetriever>());
        Assert.NotNull(services.GetRequiredService<PersonalDataMasker>());
    }

    [Fact]
    public async Task Invalid_options_fail_validation()
    {
        await using var services = Build(new() { ["Rag:DeclineThreshold"] = "1.5", ["Rag:DataDirectory"] = _directory.Path });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RagOptions>>().Value);
    }

    [Fact]
    public async Task Rag_VectorStore_Postgres_wires_the_pgvector_store_on_the_shared_connection_string()
    {
        var connectionString = await Chatbot.Testing.TestPostgres.CreateDatabaseAsync("registration");
        try
        {
            _directory.Write("knowledge/claims.md", "# 보험금 청구 안내\n\n## 1. 청구 방법\n\n보험금 청구는 모바일 앱이나 홈페이지에서 하실 수 있습니다.\n");
            await using var services = Build(new()
            {
                ["Rag:VectorStore"] = "Postgres",
                ["ConnectionStrings:Chatbot"] = connectionString,
                ["Rag:DataDirectory"] = _directory.Combine("data"),
                ["Rag:KnowledgePath"] = _directory.Combine("knowledge"),
            });

            var store = services.GetRequiredService<PgVectorCollection>();
            Assert.Same(store, services.GetRequiredService<IDocumentChunkStore>());
            Assert.Equal(1, (await services.GetRequiredService<KnowledgeIngestor>().IngestDirectoryAsync()).Files);
            var answer = await services.GetRequiredService<IChatAnswerer>().AnswerAsync("보험금 청구는 어떻게 하나요?").ToListAsync();
            Assert.True(((AnswerFinished)answer[^1]).Grounded);
            Assert.False(File.Exists(Path.Combine(_directory.Combine("data"), EmbeddedVectorStoreCollection.DefaultFileName)));
        }
        finally
        {
            await Chatbot.Testing.TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public void A_postgres_vector_store_without_a_connection_string_or_an_unknown_store_fails_clearly()
    {
        var missing = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Rag:VectorStore"] = "Postgres" }));
        Assert.Contains("ConnectionStrings:Chatbot", missing.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Rag:VectorStore"] = "Pinecone" }));
        Assert.Contains("Embedded or Postgres", unknown.Message, StringComparison.Ordinal);
    }
}
