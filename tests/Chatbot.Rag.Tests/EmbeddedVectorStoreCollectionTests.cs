using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.VectorData;

namespace Chatbot.Rag.Tests;

public sealed class EmbeddedVectorStoreCollectionTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly HashingEmbeddingGenerator _generator = new();

    public void Dispose() => _directory.Dispose();

    private IngestedChunk Chunk(string documentId, int ordinal, string text, string section = "") => new()
    {
        Key = $"{documentId}#{ordinal}",
        DocumentId = documentId,
        DocumentTitle = documentId,
        Section = section,
        Ordinal = ordinal,
        Text = text,
        DocumentHash = $"hash-{documentId}",
        Vector = _generator.Embed(text),
    };

    private IngestedChunk[] Sample() =>
    [
        Chunk("claims", 0, "보험금 청구 시 필요한 서류는 보험금 청구서와 신분증 사본입니다."),
        Chunk("claims", 1, "보험금은 청구 서류를 접수한 날부터 3영업일 이내에 지급합니다."),
        Chunk("loan", 0, "보험계약대출 이자는 매월 대출일에 납입합니다."),
        Chunk("loan", 1, "보험계약대출 한도는 해지환급금의 일정 비율 이내입니다."),
        Chunk("cancer", 0, "암보험의 면책기간은 계약일부터 90일입니다."),
    ];

    [Fact]
    public async Task Empty_collection_returns_nothing()
    {
        using var store = TestSupport.NewStore(_directory);

        Assert.False(await store.CollectionExistsAsync());
        Assert.Null(await store.GetAsync("missing#0"));
        Assert.Empty(await store.SearchAsync("보험금", 5).ToListAsync());
        Assert.Empty(await store.HybridSearchAsync("보험금", ["보험금"], 5).ToListAsync());
        Assert.Empty(await store.GetDocumentHashesAsync());

        await store.EnsureCollectionExistsAsync();
        Assert.True(await store.CollectionExistsAsync());
        Assert.True(File.Exists(store.FilePath));
    }

    [Fact]
    public async Task Upsert_get_overwrite_and_delete()
    {
        using var store = TestSupport.NewStore(_directory);
        await store.UpsertAsync(Sample());

        var got = await store.GetAsync("loan#0");
        Assert.NotNull(got);
        Assert.Equal("보험계약대출 이자는 매월 대출일에 납입합니다.", got.Text);
        Assert.True(got.Vector.IsEmpty, "vectors are only returned on request");
        var withVector = await store.GetAsync("loan#0", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal(IngestedChunk.VectorDimensions, withVector!.Vector.Length);

        await store.UpsertAsync(Chunk("loan", 0, "보험계약대출 이자는 자동이체로 납입할 수 있습니다."));
        Assert.Equal("보험계약대출 이자는 자동이체로 납입할 수 있습니다.", (await store.GetAsync("loan#0"))!.Text);
        Assert.Equal(5, store.Count);

        var many = await store.GetAsync(["claims#0", "nope", "cancer#0"]).ToListAsync();
        Assert.Equal(["claims#0", "cancer#0"], many.Select(r => r.Key));

        await store.DeleteAsync("claims#0");
        await store.DeleteAsync(["loan#0", "loan#1"]);
        Assert.Null(await store.GetAsync("claims#0"));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task Delete_document_removes_all_of_its_chunks_only()
    {
        using var store = TestSupport.NewStore(_directory);
        await store.UpsertAsync(Sample());

        await store.DeleteDocumentAsync("loan");

        var hashes = await store.GetDocumentHashesAsync();
        Assert.Equal(["cancer", "claims"], hashes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("hash-claims", hashes["claims"]);
        Assert.Empty(await store.GetDocumentChunksAsync("loan"));
        Assert.Equal(2, (await store.GetDocumentChunksAsync("claims")).Count);
    }

    [Fact]
    public async Task Replace_document_swaps_its_chunks_in_one_step()
    {
        using var store = TestSupport.NewStore(_directory);
        await store.UpsertAsync(Sample());

        await store.ReplaceDocumentAsync("claims", [Chunk("claims", 0, "보험금 청구는 모바일 앱에서 할 수 있습니다.")]);

        var chunks = await store.GetDocumentChunksAsync("claims");
        var only = Assert.Single(chunks);
        Assert.Equal("보험금 청구는 모바일 앱에서 할 수 있습니다.", only.Text);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceDocumentAsync("claims", [Chunk("loan", 5, "다른 문서입니다.")]));
        Assert.Single(await store.GetDocumentChunksAsync("claims"));
    }

    [Fact]
    public async Task Vector_search_orders_by_cosine_and_honours_filter_threshold_skip_and_top()
    {
        using var store = TestSupport.NewStore(_directory);
        await store.UpsertAsync(Sample());

        var all = await store.SearchAsync("보험계약대출 이자 납입", 5).ToListAsync();
        Assert.Equal("loan#0", all[0].Record.Key);
        Assert.Equal(all.Select(r => r.Score).OrderByDescending(s => s), all.Select(r => r.Score));
        Assert.All(all, r => Assert.InRange(r.Score!.Value, -1.0, 1.0));

        var filtered = await store.SearchAsync("보험계약대출 이자 납입", 5, new VectorSearchOptions<IngestedChunk> { Filter = c => c.DocumentId == "claims" }).ToListAsync();
        Assert.Equal(2, filtered.Count);
        Assert.All(filtered, r => Assert.Equal("claims", r.Record.DocumentId));

        var threshold = all[1].Score!.Value;
        var above = await store.SearchAsync("보험계약대출 이자 납입", 5, new VectorSearchOptions<IngestedChunk> { ScoreThreshold = threshold }).ToListAsync();
        Assert.Equal(all.Take(2).Select(r => r.Record.Key), above.Select(r => r.Record.Key));

        var skipped = await store.SearchAsync("보험계약대출 이자 납입", 2, new VectorSearchOptions<IngestedChunk> { Skip = 1 }).ToListAsync();
        Assert.Equal(all.Skip(1).Take(2).Select(r => r.Record.Key), skipped.Select(r => r.Record.Key));

        var byVector = await store.SearchAsync(_generator.Embed("보험계약대출 이자 납입"), 1).ToListAsync();
        Assert.Equal("loan#0", byVector[0].Record.Key);
        var byMemory = await store.SearchAsync(new ReadOnlyMemory<float>(_generator.Embed("암보험 면책기간")), 1, new VectorSearchOptions<IngestedChunk> { IncludeVectors = true }).ToListAsync();
        Assert.Equal("cancer#0", byMemory[0].Record.Key);
        Assert.False(byMemory[0].Record.Vector.IsEmpty);

        await Assert.ThrowsAsync<NotSupportedException>(async () => await store.SearchAsync(42, 1).ToListAsync());
    }

    [Fact]
    public async Task Hybrid_search_puts_the_exact_term_first_where_pure_vector_search_does_not()
    {
        using var store = TestSupport.NewStore(_directory);

        // The near-duplicates match the search text's surface; only one chunk holds the exact keyword 가지급보험금.
        var records = Enumerable.Range(0, 6)
            .Select(i => Chunk("noise", i, $"청구 절차 안내 {i}: 청구 절차와 서류 안내를 확인하고 청구 절차 상담을 받으실 수 있습니다."))
            .Append(Chunk("terms", 0, "회사는 조사 중에도 추정 보험금의 50%를 가지급보험금으로 먼저 드릴 수 있습니다."))
            .ToList();
        await store.UpsertAsync(records);
        const string question = "청구 절차 안내";

        var vector = await store.SearchAsync(question, 3).ToListAsync();
        var hybrid = await store.HybridSearchAsync(question, ["가지급보험금"], 3).ToListAsync();

        Assert.NotEqual("terms#0", vector[0].Record.Key);
        Assert.Equal("terms#0", hybrid[0].Record.Key);
        Assert.Equal(hybrid.Select(r => r.Score).OrderByDescending(s => s), hybrid.Select(r => r.Score));

        var filtered = await store.HybridSearchAsync(question, ["가지급보험금"], 3, new HybridSearchOptions<IngestedChunk> { Filter = c => c.DocumentId == "noise" }).ToListAsync();
        Assert.DoesNotContain(filtered, r => r.Record.DocumentId == "terms");
        var skipped = await store.HybridSearchAsync(question, ["가지급보험금"], 2, new HybridSearchOptions<IngestedChunk> { Skip = 1 }).ToListAsync();
        Assert.Equal(hybrid.Skip(1).Select(r => r.Record.Key), skipped.Select(r => r.Record.Key));
        var thresholded = await store.HybridSearchAsync(question, ["가지급보험금"], 10, new HybridSearchOptions<IngestedChunk> { ScoreThreshold = hybrid[0].Score }).ToListAsync();
        Assert.Equal("terms#0", Assert.Single(thresholded).Record.Key);
    }

    [Fact]
    public async Task Filtered_get_supports_order_skip_and_top()
    {
        using var store = TestSupport.NewStore(_directory);
        await store.UpsertAsync(Sample());

        var page = await store.GetAsync(
            c => c.DocumentId != "cancer",
            2,
            new FilteredRecordRetrievalOptions<IngestedChunk> { Skip = 1, OrderBy = o => o.Descending(c => c.DocumentId).Ascending(c => c.Ordinal) }).ToListAsync();

        Assert.Equal(["loan#1", "claims#0"], page.Select(r => r.Key));
    }

    [Fact]
    public async Task A_new_instance_over_the_same_file_sees_the_same_records()
    {
        using (var store = TestSupport.NewStore(_directory))
        {
            await store.UpsertAsync(Sample());
            await store.DeleteAsync("cancer#0");
        }

        using var reopened = TestSupport.NewStore(_directory);
        Assert.True(await reopened.CollectionExistsAsync());
        Assert.Equal(4, reopened.Count);
        var loan = await reopened.GetAsync("loan#1", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal("보험계약대출 한도는 해지환급금의 일정 비율 이내입니다.", loan!.Text);
        Assert.Equal(_generator.Embed(loan.Text), loan.Vector.ToArray());
        var hit = await reopened.HybridSearchAsync("보험금 청구 서류", ["보험금", "청구", "서류"], 1).ToListAsync();
        Assert.Equal("claims#0", hit[0].Record.Key);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(reopened.FilePath)!, "*.tmp"));

        await reopened.EnsureCollectionDeletedAsync();
        Assert.False(File.Exists(reopened.FilePath));
        Assert.Equal(0, reopened.Count);
    }

    [Fact]
    public async Task Concurrent_upserts_all_land()
    {
        using var store = TestSupport.NewStore(_directory);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.UpsertAsync(Chunk($"doc{i}", 0, $"{i}번 문서의 내용입니다."))));

        Assert.Equal(20, store.Count);
        using var reopened = TestSupport.NewStore(_directory);
        Assert.Equal(20, reopened.Count);
    }
}
