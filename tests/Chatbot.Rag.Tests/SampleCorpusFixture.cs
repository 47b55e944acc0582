using Chatbot.Rag.Answering;
using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag.Tests;

/// <summary>The repository's sample knowledge, ingested once for all retrieval and answer tests.</summary>
public sealed class SampleCorpusFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();

    public EmbeddedVectorStoreCollection Store { get; private set; } = null!;

    public KnowledgeRetriever Retriever { get; private set; } = null!;

    public ExtractiveAnswerer Answerer { get; private set; } = null!;

    public IngestionSummary Summary { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var generator = new HashingEmbeddingGenerator();
        Store = TestSupport.NewStore(_directory);
        Summary = await TestSupport.NewIngestor(Store, generator).IngestDirectoryAsync(TestSupport.SampleKnowledgePath, null, default);
        Retriever = new KnowledgeRetriever(Store, generator);
        Answerer = new ExtractiveAnswerer(Retriever, Store);
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Store?.Dispose();
        _directory.Dispose();
    }
}
