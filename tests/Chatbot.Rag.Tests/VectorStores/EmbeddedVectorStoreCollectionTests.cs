using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>The shared conformance suite on the embedded store, plus what is particular to its log.</summary>
public sealed class EmbeddedVectorStoreCollectionTests : ChunkStoreConformanceTests<EmbeddedVectorStoreCollection>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<EmbeddedVectorStoreCollection> OpenEmptyStoreAsync() => Task.FromResult(Reopen());

    protected override EmbeddedVectorStoreCollection Reopen() => TestSupport.NewStore(_directory);

    /// <summary>Runs after <see cref="ChunkStoreConformanceTests{TStore}.DisposeAsync"/> has closed the store.</summary>
    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Replacing_one_document_writes_that_document_not_the_whole_store()
    {
        await StoreAsync(Enumerable.Range(0, 50).SelectMany(d => Enumerable.Range(0, 4).Select(i => Chunk($"doc{d}", i, $"{d}번 문서 {i}번 조항: 보험금 청구와 보험료 납입 안내입니다."))));
        var before = Store.BytesWritten;
        var fileBefore = new FileInfo(Store.FilePath).Length;

        await Store.ReplaceDocumentAsync("doc7", [Chunk("doc7", 0, "7번 문서가 바뀌었습니다.")]);

        var written = Store.BytesWritten - before;
        Assert.True(written < fileBefore / 20, $"one small document cost {written} bytes of a {fileBefore}-byte store");
        Assert.Equal(fileBefore + written, new FileInfo(Store.FilePath).Length);
        Assert.Equal(197, Store.Count);
    }

    [Fact]
    public async Task A_record_torn_by_a_crash_is_cut_off_and_everything_before_it_kept()
    {
        await StoreAsync(Sample());
        await Store.ReplaceDocumentAsync("claims", [Chunk("claims", 0, "보험금 청구는 모바일 앱에서 할 수 있습니다.")]);
        Store.Dispose();
        var intact = new FileInfo(Store.FilePath).Length;
        await using (var log = new FileStream(Store.FilePath, FileMode.Append))
        {
            // The first bytes of a record whose write never finished: a length promising more than follows.
            await log.WriteAsync(new byte[] { 0x00, 0x10, 0x00, 0x00, 0x01, 0x02, 0x03 });
        }

        using var reopened = Reopen();

        Assert.Equal(intact, new FileInfo(reopened.FilePath).Length);
        Assert.Equal("보험금 청구는 모바일 앱에서 할 수 있습니다.", Assert.Single(await reopened.GetDocumentChunksAsync("claims")).Text);
        await reopened.DeleteDocumentAsync("cancer");
        reopened.Dispose();
        using var again = Reopen();
        Assert.Equal(["claims", "loan"], (await again.GetDocumentHashesAsync()).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_log_is_compacted_once_superseded_records_dominate()
    {
        using var store = new EmbeddedVectorStoreCollection(Store.FilePath) { CompactionSlackBytes = 0 };
        await store.ReplaceDocumentsAsync(Sample().GroupBy(c => c.DocumentId).Select(g => new DocumentChunks(g.Key, g.ToList())).ToList());
        long largest = 0;
        for (var i = 0; i < 30; i++)
        {
            await store.ReplaceDocumentAsync("claims", [Chunk("claims", 0, $"{i}번째로 고친 보험금 청구 안내입니다.")]);
            largest = Math.Max(largest, new FileInfo(store.FilePath).Length);
        }

        Assert.True(largest < 25_000, $"the log grew to {largest} bytes for 4 live chunks");
        store.Dispose();
        using var reopened = new EmbeddedVectorStoreCollection(Store.FilePath);
        Assert.Equal("29번째로 고친 보험금 청구 안내입니다.", Assert.Single(await reopened.GetDocumentChunksAsync("claims")).Text);
        Assert.Equal(4, reopened.Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(reopened.FilePath)!, "*.tmp"));
    }

    [Fact]
    public async Task The_whole_file_index_of_an_earlier_version_is_removed_for_a_rebuild()
    {
        Store.Dispose();
        var legacy = Path.Combine(Path.GetDirectoryName(Store.FilePath)!, "chunks.index.json");
        Directory.CreateDirectory(Path.GetDirectoryName(legacy)!);
        await File.WriteAllTextAsync(legacy, """{"format":1,"records":[]}""");

        using var reopened = Reopen();

        Assert.False(File.Exists(legacy));
        Assert.Empty(await reopened.GetDocumentHashesAsync());
    }
}
