using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>The shared conformance suite on the embedded store, plus what is particular to its file.</summary>
public sealed class EmbeddedVectorStoreCollectionTests : ChunkStoreConformanceTests<EmbeddedVectorStoreCollection>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<EmbeddedVectorStoreCollection> OpenEmptyStoreAsync() => Task.FromResult(Reopen());

    protected override EmbeddedVectorStoreCollection Reopen() => TestSupport.NewStore(_directory, Generator);

    /// <summary>Runs after <see cref="ChunkStoreConformanceTests{TStore}.DisposeAsync"/> has closed the store.</summary>
    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_collection_is_one_file_written_atomically()
    {
        Assert.False(File.Exists(Store.FilePath));
        await Store.EnsureCollectionExistsAsync();
        Assert.True(File.Exists(Store.FilePath));

        await Store.UpsertAsync(Sample());
        Assert.Equal(5, Store.Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Store.FilePath)!, "*.tmp"));

        using var reopened = Reopen();
        Assert.Equal(5, reopened.Count);
        await reopened.EnsureCollectionDeletedAsync();
        Assert.False(File.Exists(reopened.FilePath));
        Assert.Equal(0, reopened.Count);
    }

    [Fact]
    public async Task Filters_the_pgvector_store_cannot_translate_still_work_in_memory()
    {
        await Store.UpsertAsync(Sample());

        var results = await Store.SearchAsync("보험", 5, new Microsoft.Extensions.VectorData.VectorSearchOptions<IngestedChunk> { Filter = c => c.Text.StartsWith("암보험") }).ToListAsync();

        Assert.Equal("cancer#0", Assert.Single(results).Record.Key);
    }
}
