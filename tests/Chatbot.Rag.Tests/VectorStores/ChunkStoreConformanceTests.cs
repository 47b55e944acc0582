using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.VectorData;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>
/// What every chunk store must do, run against each store by a concrete subclass: the embedded store and pgvector
/// give the same answers to the same calls.
/// </summary>
public abstract class ChunkStoreConformanceTests<TStore> : IAsyncLifetime
    where TStore : VectorStoreCollection<string, IngestedChunk>, IKeywordHybridSearchable<IngestedChunk>, IDocumentChunkStore, IKeywordStatistics
{
    private TStore? _store;

    protected HashingEmbeddingGenerator Generator { get; } = new();

    /// <summary>The store under test, empty when the test starts.</summary>
    protected TStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>Opens an empty store whose collection does not exist yet.</summary>
    protected abstract Task<TStore> OpenEmptyStoreAsync();

    /// <summary>Opens a second instance over the same storage as <see cref="Store"/>, as a restarted server would.</summary>
    protected abstract TStore Reopen();

    public async Task InitializeAsync() => _store = await OpenEmptyStoreAsync();

    public virtual Task DisposeAsync()
    {
        _store?.Dispose();
        return Task.CompletedTask;
    }

    protected IngestedChunk Chunk(string documentId, int ordinal, string text, string product = "common", string type = "faq", string section = "") => new()
    {
        Key = $"{documentId}#{ordinal}",
        DocumentId = documentId,
        DocumentTitle = documentId,
        DocumentType = type,
        Product = product,
        Section = section,
        Ordinal = ordinal,
        Page = ordinal == 0 ? null : ordinal,
        Text = text,
        DocumentHash = $"hash-{documentId}",
        Vector = Generator.Embed(text),
    };

    protected IngestedChunk[] Sample() =>
    [
        Chunk("claims", 0, "보험금 청구 시 필요한 서류는 보험금 청구서와 신분증 사본입니다.", type: "guide"),
        Chunk("claims", 1, "보험금은 청구 서류를 접수한 날부터 3영업일 이내에 지급합니다.", type: "terms"),
        Chunk("loan", 0, "보험계약대출 이자는 매월 대출일에 납입합니다.", product: "whole-life"),
        Chunk("loan", 1, "보험계약대출 한도는 해지환급금의 일정 비율 이내입니다.", product: "whole-life", type: "terms"),
        Chunk("cancer", 0, "암보험의 면책기간은 계약일부터 90일입니다.", product: "cancer", type: "terms"),
    ];

    private async Task<List<string>> KeysAsync(string query, int top, VectorSearchOptions<IngestedChunk>? options = null) =>
        (await Store.SearchAsync(query, top, options).ToListAsync()).Select(r => r.Record.Key).ToList();

    [Fact]
    public async Task Empty_collection_returns_nothing_and_can_be_created()
    {
        Assert.False(await Store.CollectionExistsAsync());
        Assert.Null(await Store.GetAsync("missing#0"));
        Assert.Empty(await Store.SearchAsync("보험금", 5).ToListAsync());
        Assert.Empty(await Store.HybridSearchAsync("보험금", ["보험금"], 5).ToListAsync());
        Assert.Empty(await Store.GetDocumentHashesAsync());
        Assert.Empty(await Store.GetDocumentChunksAsync("claims"));
        Assert.Equal(0, Store.DocumentFrequency("보험"));

        await Store.EnsureCollectionExistsAsync();
        await Store.EnsureCollectionExistsAsync();

        Assert.True(await Store.CollectionExistsAsync());
        Assert.Empty(await Store.SearchAsync("보험금", 5).ToListAsync());
        Assert.Empty(await Store.HybridSearchAsync("보험금", ["보험금"], 5).ToListAsync());
        Assert.Empty(await Store.GetAsync(c => c.DocumentId == "claims", 5).ToListAsync());
    }

    [Fact]
    public async Task Upsert_get_overwrite_and_delete()
    {
        await Store.UpsertAsync(Sample());

        var got = await Store.GetAsync("loan#0");
        Assert.NotNull(got);
        Assert.Equal(Sample()[2] with { Vector = ReadOnlyMemory<float>.Empty }, got);
        Assert.True(got.Vector.IsEmpty, "vectors are only returned on request");
        var withVector = await Store.GetAsync("loan#0", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal(Generator.Embed(withVector!.Text), withVector.Vector.ToArray());
        Assert.Null((await Store.GetAsync("claims#0"))!.Page);

        await Store.UpsertAsync(Chunk("loan", 0, "보험계약대출 이자는 자동이체로 납입할 수 있습니다."));
        Assert.Equal("보험계약대출 이자는 자동이체로 납입할 수 있습니다.", (await Store.GetAsync("loan#0"))!.Text);
        Assert.Equal(5, (await Store.GetAsync(c => true, 100).ToListAsync()).Count);
        Assert.Equal("loan#0", (await KeysAsync("보험계약대출 이자 자동이체", 1))[0]);

        var many = await Store.GetAsync(["claims#0", "nope", "cancer#0"]).ToListAsync();
        Assert.Equal(["claims#0", "cancer#0"], many.Select(r => r.Key));

        await Store.DeleteAsync("claims#0");
        await Store.DeleteAsync(["loan#0", "loan#1"]);
        await Store.DeleteAsync("never-stored#0");
        Assert.Null(await Store.GetAsync("claims#0"));
        Assert.Equal(["cancer#0", "claims#1"], (await Store.GetAsync(c => true, 100).ToListAsync()).Select(r => r.Key));
        Assert.DoesNotContain("loan#0", await KeysAsync("보험계약대출 이자", 5));
    }

    [Fact]
    public async Task Upsert_rejects_a_vector_of_the_wrong_size_and_keeps_what_is_stored()
    {
        await Store.UpsertAsync(Sample());

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync([Chunk("new", 0, "새 문서"), Chunk("bad", 0, "잘못된 벡터") with { Vector = new float[3] }]));

        Assert.Null(await Store.GetAsync("new#0"));
        Assert.Equal(5, (await Store.GetAsync(c => true, 100).ToListAsync()).Count);
    }

    [Fact]
    public async Task Delete_document_removes_all_of_its_chunks_only()
    {
        await Store.UpsertAsync(Sample());

        await Store.DeleteDocumentAsync("loan");
        await Store.DeleteDocumentAsync("unknown");

        var hashes = await Store.GetDocumentHashesAsync();
        Assert.Equal(["cancer", "claims"], hashes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("hash-claims", hashes["claims"]);
        Assert.Empty(await Store.GetDocumentChunksAsync("loan"));
        Assert.Equal(["claims#0", "claims#1"], (await Store.GetDocumentChunksAsync("claims")).Select(c => c.Key));
    }

    [Fact]
    public async Task Replace_document_swaps_its_chunks_in_one_step()
    {
        await Store.UpsertAsync(Sample());

        await Store.ReplaceDocumentAsync("claims", [Chunk("claims", 0, "보험금 청구는 모바일 앱에서 할 수 있습니다.") with { DocumentHash = "hash-2" }]);

        var only = Assert.Single(await Store.GetDocumentChunksAsync("claims"));
        Assert.Equal("보험금 청구는 모바일 앱에서 할 수 있습니다.", only.Text);
        Assert.Equal("hash-2", (await Store.GetDocumentHashesAsync())["claims"]);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReplaceDocumentAsync("claims", [Chunk("loan", 5, "다른 문서입니다.")]));
        Assert.Single(await Store.GetDocumentChunksAsync("claims"));
        Assert.Equal(2, (await Store.GetDocumentChunksAsync("loan")).Count);
    }

    [Fact]
    public async Task Vector_search_orders_by_cosine_similarity()
    {
        await Store.UpsertAsync(Sample());

        var all = await Store.SearchAsync("보험계약대출 이자 납입", 5).ToListAsync();

        Assert.Equal(5, all.Count);
        Assert.Equal("loan#0", all[0].Record.Key);
        Assert.Equal(all.Select(r => r.Score).OrderByDescending(s => s), all.Select(r => r.Score));
        foreach (var result in all)
        {
            var expected = TensorCosine(Generator.Embed("보험계약대출 이자 납입"), Generator.Embed(result.Record.Text));
            Assert.Equal(expected, result.Score!.Value, 5);
        }

        var byVector = await Store.SearchAsync(Generator.Embed("보험계약대출 이자 납입"), 1).ToListAsync();
        Assert.Equal("loan#0", byVector[0].Record.Key);
        var byMemory = await Store.SearchAsync(new ReadOnlyMemory<float>(Generator.Embed("암보험 면책기간")), 1, new VectorSearchOptions<IngestedChunk> { IncludeVectors = true }).ToListAsync();
        Assert.Equal("cancer#0", byMemory[0].Record.Key);
        Assert.False(byMemory[0].Record.Vector.IsEmpty);
        Assert.True(all[0].Record.Vector.IsEmpty);

        await Assert.ThrowsAsync<NotSupportedException>(async () => await Store.SearchAsync(42, 1).ToListAsync());
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.SearchAsync(new float[7], 1).ToListAsync());
    }

    [Fact]
    public async Task Vector_search_honours_score_threshold_skip_and_top()
    {
        await Store.UpsertAsync(Sample());
        var all = await Store.SearchAsync("보험계약대출 이자 납입", 5).ToListAsync();

        var above = await Store.SearchAsync("보험계약대출 이자 납입", 5, new VectorSearchOptions<IngestedChunk> { ScoreThreshold = all[1].Score }).ToListAsync();
        Assert.Equal(all.Take(2).Select(r => r.Record.Key), above.Select(r => r.Record.Key));
        Assert.Empty(await Store.SearchAsync("보험계약대출 이자 납입", 5, new VectorSearchOptions<IngestedChunk> { ScoreThreshold = 1.01 }).ToListAsync());

        var skipped = await Store.SearchAsync("보험계약대출 이자 납입", 2, new VectorSearchOptions<IngestedChunk> { Skip = 1 }).ToListAsync();
        Assert.Equal(all.Skip(1).Take(2).Select(r => r.Record.Key), skipped.Select(r => r.Record.Key));
        Assert.Equal(2, (await Store.SearchAsync("보험계약대출 이자 납입", 2).ToListAsync()).Count);
        Assert.Empty(await Store.SearchAsync("보험계약대출 이자 납입", 3, new VectorSearchOptions<IngestedChunk> { Skip = 5 }).ToListAsync());
    }

    [Fact]
    public async Task Search_filters_by_document_product_and_type()
    {
        await Store.UpsertAsync(Sample());
        const string query = "보험계약대출 이자 납입";
        var products = new[] { "cancer", "whole-life" };
        var types = new List<string> { "guide" };

        Assert.Equal(["claims#0", "claims#1"], (await KeysAsync(query, 5, new() { Filter = c => c.DocumentId == "claims" })).Order());
        Assert.Equal(["cancer#0", "loan#0", "loan#1"], (await KeysAsync(query, 5, new() { Filter = c => c.Product != "common" })).Order());
        Assert.Equal(["cancer#0", "loan#1"], (await KeysAsync(query, 5, new() { Filter = c => c.DocumentType == "terms" && c.Product != "common" })).Order());
        Assert.Equal(["cancer#0", "loan#0", "loan#1"], (await KeysAsync(query, 5, new() { Filter = c => products.Contains(c.Product) })).Order());
        Assert.Equal(["claims#0"], await KeysAsync(query, 5, new() { Filter = c => types.Contains(c.DocumentType) }));
        Assert.Equal(["cancer#0", "claims#0"], (await KeysAsync(query, 5, new() { Filter = c => c.DocumentType == "guide" || c.Product == "cancer" })).Order());
        Assert.Equal(["claims#0", "loan#0"], (await KeysAsync(query, 5, new() { Filter = c => !(c.DocumentType == "terms") })).Order());
        Assert.Equal(["claims#1", "loan#1"], (await KeysAsync(query, 5, new() { Filter = c => c.Page == 1 })).Order());
        Assert.Equal(["cancer#0", "claims#0", "loan#0"], (await KeysAsync(query, 5, new() { Filter = c => c.Page == null })).Order());
        Assert.Empty(await KeysAsync(query, 5, new() { Filter = c => c.Product == "nothing" }));

        var filteredHybrid = await Store.HybridSearchAsync(query, ["보험계약대출"], 5, new HybridSearchOptions<IngestedChunk> { Filter = c => c.Product == "cancer" }).ToListAsync();
        Assert.Equal(["cancer#0"], filteredHybrid.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task Filtered_get_supports_order_skip_and_top()
    {
        await Store.UpsertAsync(Sample());

        var page = await Store.GetAsync(
            c => c.DocumentId != "cancer",
            2,
            new FilteredRecordRetrievalOptions<IngestedChunk> { Skip = 1, OrderBy = o => o.Descending(c => c.DocumentId).Ascending(c => c.Ordinal) }).ToListAsync();

        Assert.Equal(["loan#1", "claims#0"], page.Select(r => r.Key));
        Assert.Equal(["cancer#0", "claims#0"], (await Store.GetAsync(c => c.Ordinal == 0, 2).ToListAsync()).Select(r => r.Key));
    }

    [Fact]
    public async Task Hybrid_search_puts_the_exact_term_first_where_pure_vector_search_does_not()
    {
        // The near-duplicates match the search text's surface; only one chunk holds the exact keyword 가지급보험금.
        var records = Enumerable.Range(0, 6)
            .Select(i => Chunk("noise", i, $"청구 절차 안내 {i}: 청구 절차와 서류 안내를 확인하고 청구 절차 상담을 받으실 수 있습니다."))
            .Append(Chunk("terms", 0, "회사는 조사 중에도 추정 보험금의 50%를 가지급보험금으로 먼저 드릴 수 있습니다."))
            .ToList();
        await Store.UpsertAsync(records);
        const string question = "청구 절차 안내";

        var vector = await Store.SearchAsync(question, 3).ToListAsync();
        var hybrid = await Store.HybridSearchAsync(question, ["가지급보험금"], 3).ToListAsync();

        Assert.NotEqual("terms#0", vector[0].Record.Key);
        Assert.Equal("terms#0", hybrid[0].Record.Key);
        Assert.Equal(hybrid.Select(r => r.Score).OrderByDescending(s => s), hybrid.Select(r => r.Score));

        var filtered = await Store.HybridSearchAsync(question, ["가지급보험금"], 3, new HybridSearchOptions<IngestedChunk> { Filter = c => c.DocumentId == "noise" }).ToListAsync();
        Assert.DoesNotContain(filtered, r => r.Record.DocumentId == "terms");
        var skipped = await Store.HybridSearchAsync(question, ["가지급보험금"], 2, new HybridSearchOptions<IngestedChunk> { Skip = 1 }).ToListAsync();
        Assert.Equal(hybrid.Skip(1).Select(r => r.Record.Key), skipped.Select(r => r.Record.Key));
        var thresholded = await Store.HybridSearchAsync(question, ["가지급보험금"], 10, new HybridSearchOptions<IngestedChunk> { ScoreThreshold = hybrid[0].Score }).ToListAsync();
        Assert.Equal("terms#0", Assert.Single(thresholded).Record.Key);
    }

    [Fact]
    public async Task Hybrid_scores_are_reciprocal_rank_fusion_of_vector_and_bm25_ranks()
    {
        await Store.UpsertAsync(Sample());

        // "해지환급금" is only in loan#1; the vector ranking of "암보험 면책기간" puts cancer#0 first.
        var results = await Store.HybridSearchAsync("암보험 면책기간", ["해지환급금"], 5).ToListAsync();

        var vectorRanking = (await Store.SearchAsync("암보험 면책기간", 5).ToListAsync()).Select(r => r.Record.Key).ToList();
        var expected = HybridRanking.Fuse(vectorRanking, ["loan#1"]);
        Assert.Equal(expected.Select(e => e.Key), results.Select(r => r.Record.Key));
        Assert.Equal(expected.Select(e => e.Value), results.Select(r => r.Score!.Value));
        Assert.Equal((1.0 / 61) + (1.0 / (61 + vectorRanking.IndexOf("loan#1"))), results.Single(r => r.Record.Key == "loan#1").Score!.Value, 12);
    }

    [Fact]
    public async Task Keyword_search_survives_particles_and_spacing()
    {
        await Store.UpsertAsync(Sample());

        // Written without the space and with a particle, the keywords still match "보험금 청구 시 필요한 서류".
        var results = await Store.HybridSearchAsync("서류", ["보험금청구에", "서류를"], 2).ToListAsync();

        Assert.Equal("claims#0", results[0].Record.Key);
        Assert.True(Store.DocumentFrequency("보험") >= 3);
        Assert.Equal(0, Store.DocumentFrequency("없는말"));
        Assert.True(Store.InverseDocumentFrequency("면책") > Store.InverseDocumentFrequency("보험"), "a rare term weighs more");
    }

    [Fact]
    public async Task A_new_instance_over_the_same_storage_sees_the_same_records()
    {
        await Store.UpsertAsync(Sample());
        await Store.DeleteAsync("cancer#0");

        using var reopened = Reopen();
        Assert.True(await reopened.CollectionExistsAsync());
        Assert.Equal(4, (await reopened.GetAsync(c => true, 100).ToListAsync()).Count);
        var loan = await reopened.GetAsync("loan#1", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal("보험계약대출 한도는 해지환급금의 일정 비율 이내입니다.", loan!.Text);
        Assert.Equal(Generator.Embed(loan.Text), loan.Vector.ToArray());
        var hit = await reopened.HybridSearchAsync("보험금 청구 서류", ["보험금", "청구", "서류"], 1).ToListAsync();
        Assert.Equal("claims#0", hit[0].Record.Key);

        await reopened.EnsureCollectionDeletedAsync();
        Assert.False(await reopened.CollectionExistsAsync());
        Assert.Null(await reopened.GetAsync("loan#1"));
    }

    [Fact]
    public async Task Concurrent_upserts_all_land()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.UpsertAsync(Chunk($"doc{i}", 0, $"{i}번 문서의 내용입니다."))));

        Assert.Equal(20, (await Store.GetAsync(c => true, 100).ToListAsync()).Count);
        using var reopened = Reopen();
        Assert.Equal(20, (await reopened.GetDocumentHashesAsync()).Count);
    }

    private static double TensorCosine(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
