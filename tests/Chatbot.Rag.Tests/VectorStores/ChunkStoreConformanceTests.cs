using System.Numerics.Tensors;
using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>
/// What every chunk store must do, run against each store by a concrete subclass: the embedded store and pgvector
/// give the same answers to the same calls.
/// </summary>
public abstract class ChunkStoreConformanceTests<TStore> : IAsyncLifetime
    where TStore : IDocumentChunkStore, IDisposable
{
    private TStore? _store;

    protected HashingEmbeddingGenerator Generator { get; } = new();

    /// <summary>The store under test, empty when the test starts.</summary>
    protected TStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>Opens an empty store that has never been written.</summary>
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

    /// <summary>Stores chunks, one replacement per document, all in one call.</summary>
    protected Task StoreAsync(IEnumerable<IngestedChunk> chunks) =>
        Store.ReplaceDocumentsAsync(chunks.GroupBy(c => c.DocumentId).Select(g => new DocumentChunks(g.Key, g.ToList())).ToList());

    protected Task<IReadOnlyList<ChunkMatch>> SearchAsync(string text, IReadOnlyCollection<string> keywords, int top) =>
        Store.HybridSearchAsync(Generator.Embed(text), keywords, top);

    /// <summary>Keys of <paramref name="chunks"/> by cosine similarity to <paramref name="text"/>, best first, ties by key.</summary>
    protected List<string> VectorRanking(string text, IEnumerable<IngestedChunk> chunks)
    {
        var query = Generator.Embed(text);
        return chunks
            .Select(c => (c.Key, Score: (double)TensorPrimitives.CosineSimilarity(query, c.Vector.Span)))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key)
            .ToList();
    }

    [Fact]
    public async Task A_store_never_written_returns_nothing()
    {
        Assert.Empty(await SearchAsync("보험금", ["보험금"], 5));
        Assert.Empty(await Store.GetDocumentHashesAsync());
        Assert.Empty(await Store.GetDocumentChunksAsync("claims"));
        Assert.Equal(0, (await Store.GetKeywordStatisticsAsync()).DocumentFrequency("보험"));

        await Store.DeleteDocumentAsync("claims");
        Assert.Empty(await SearchAsync("보험금", ["보험금"], 5));
    }

    [Fact]
    public async Task Replace_stores_chunks_by_document_and_delete_removes_them()
    {
        await StoreAsync(Sample());

        var claims = await Store.GetDocumentChunksAsync("claims");
        Assert.Equal([Sample()[0] with { Vector = ReadOnlyMemory<float>.Empty }, Sample()[1] with { Vector = ReadOnlyMemory<float>.Empty }], claims);
        Assert.All(claims, c => Assert.True(c.Vector.IsEmpty, "document chunks come without vectors"));
        Assert.Null(claims[0].Page);
        Assert.Equal(["cancer", "claims", "loan"], (await Store.GetDocumentHashesAsync()).Keys.Order(StringComparer.Ordinal));

        await Store.DeleteDocumentAsync("loan");
        await Store.DeleteDocumentAsync("unknown");

        var hashes = await Store.GetDocumentHashesAsync();
        Assert.Equal(["cancer", "claims"], hashes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("hash-claims", hashes["claims"]);
        Assert.Empty(await Store.GetDocumentChunksAsync("loan"));
        Assert.DoesNotContain(await SearchAsync("보험계약대출 이자", ["보험계약대출"], 5), m => m.Chunk.DocumentId == "loan");
        Assert.Equal(0, (await Store.GetKeywordStatisticsAsync()).DocumentFrequency("대출"));
    }

    [Fact]
    public async Task Replace_document_swaps_its_chunks_in_one_step()
    {
        await StoreAsync(Sample());

        await Store.ReplaceDocumentAsync("claims", [Chunk("claims", 0, "보험금 청구는 모바일 앱에서 할 수 있습니다.") with { DocumentHash = "hash-2" }]);

        var only = Assert.Single(await Store.GetDocumentChunksAsync("claims"));
        Assert.Equal("보험금 청구는 모바일 앱에서 할 수 있습니다.", only.Text);
        Assert.Equal("hash-2", (await Store.GetDocumentHashesAsync())["claims"]);
        Assert.Equal("claims#0", (await SearchAsync("모바일 앱 청구", ["모바일"], 1))[0].Chunk.Key);
        Assert.DoesNotContain(await SearchAsync("접수한 날부터", ["영업일"], 5), m => m.Chunk.Key == "claims#1");
        Assert.Equal(2, (await Store.GetDocumentChunksAsync("loan")).Count);
    }

    [Fact]
    public async Task A_bad_replacement_is_refused_whole_and_keeps_what_is_stored()
    {
        await StoreAsync(Sample());

        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReplaceDocumentsAsync(
        [
            new DocumentChunks("new", [Chunk("new", 0, "새 문서")]),
            new DocumentChunks("bad", [Chunk("bad", 0, "잘못된 벡터") with { Vector = new float[3] }]),
        ]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReplaceDocumentAsync("claims", [Chunk("loan", 5, "다른 문서입니다.")]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.HybridSearchAsync(new float[7], ["보험"], 1));

        Assert.Empty(await Store.GetDocumentChunksAsync("new"));
        Assert.Equal(2, (await Store.GetDocumentChunksAsync("claims")).Count);
        Assert.Equal(3, (await Store.GetDocumentHashesAsync()).Count);
    }

    [Fact]
    public async Task Hybrid_search_returns_chunks_with_their_vectors_best_first()
    {
        await StoreAsync(Sample());

        var matches = await SearchAsync("보험계약대출 이자 납입", ["보험계약대출", "이자"], 3);

        Assert.Equal(3, matches.Count);
        Assert.Equal("loan#0", matches[0].Chunk.Key);
        Assert.Equal(Generator.Embed(matches[0].Chunk.Text), matches[0].Chunk.Vector.ToArray());
        Assert.Equal(matches.Select(m => m.Score).OrderByDescending(s => s), matches.Select(m => m.Score));
        Assert.Equal(5, (await SearchAsync("보험계약대출 이자 납입", ["보험계약대출"], 50)).Count);
    }

    [Fact]
    public async Task Hybrid_search_puts_the_exact_term_first_where_pure_vector_search_does_not()
    {
        // The near-duplicates match the search text's surface; only one chunk holds the exact keyword 가지급보험금.
        var records = Enumerable.Range(0, 6)
            .Select(i => Chunk("noise", i, $"청구 절차 안내 {i}: 청구 절차와 서류 안내를 확인하고 청구 절차 상담을 받으실 수 있습니다."))
            .Append(Chunk("terms", 0, "회사는 조사 중에도 추정 보험금의 50%를 가지급보험금으로 먼저 드릴 수 있습니다."))
            .ToList();
        await StoreAsync(records);
        const string question = "청구 절차 안내";

        var hybrid = await SearchAsync(question, ["가지급보험금"], 3);

        Assert.NotEqual("terms#0", VectorRanking(question, records)[0]);
        Assert.Equal("terms#0", hybrid[0].Chunk.Key);
    }

    [Fact]
    public async Task Hybrid_scores_are_reciprocal_rank_fusion_of_vector_and_bm25_ranks()
    {
        await StoreAsync(Sample());

        // "해지환급금" is only in loan#1; the vector ranking of "암보험 면책기간" puts cancer#0 first.
        var results = await SearchAsync("암보험 면책기간", ["해지환급금"], 5);

        var vectorRanking = VectorRanking("암보험 면책기간", Sample());
        var expected = HybridRanking.Fuse(vectorRanking, ["loan#1"]);
        Assert.Equal(expected.Select(e => e.Key), results.Select(r => r.Chunk.Key));
        Assert.Equal(expected.Select(e => e.Value), results.Select(r => r.Score));
        Assert.Equal((1.0 / 61) + (1.0 / (61 + vectorRanking.IndexOf("loan#1"))), results.Single(r => r.Chunk.Key == "loan#1").Score, 12);
    }

    [Fact]
    public async Task Keyword_search_survives_particles_and_spacing()
    {
        await StoreAsync(Sample());

        // Written without the space and with a particle, the keywords still match "보험금 청구 시 필요한 서류".
        var results = await SearchAsync("서류", ["보험금청구에", "서류를"], 2);

        Assert.Equal("claims#0", results[0].Chunk.Key);
        var statistics = await Store.GetKeywordStatisticsAsync();
        Assert.True(statistics.DocumentFrequency("보험") >= 3);
        Assert.Equal(0, statistics.DocumentFrequency("없는말"));
        Assert.True(statistics.InverseDocumentFrequency("면책") > statistics.InverseDocumentFrequency("보험"), "a rare term weighs more");
    }

    [Fact]
    public async Task A_new_instance_over_the_same_storage_sees_the_same_records()
    {
        await StoreAsync(Sample());
        await Store.DeleteDocumentAsync("cancer");
        await Store.ReplaceDocumentAsync("loan", [Chunk("loan", 0, "보험계약대출 한도는 해지환급금의 일정 비율 이내입니다.")]);

        using var reopened = Reopen();
        Assert.Equal(["claims", "loan"], (await reopened.GetDocumentHashesAsync()).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("보험계약대출 한도는 해지환급금의 일정 비율 이내입니다.", Assert.Single(await reopened.GetDocumentChunksAsync("loan")).Text);
        var hit = await reopened.HybridSearchAsync(Generator.Embed("보험금 청구 서류"), ["보험금", "청구", "서류"], 1);
        Assert.Equal("claims#0", hit[0].Chunk.Key);
        Assert.Equal(Generator.Embed(hit[0].Chunk.Text), hit[0].Chunk.Vector.ToArray());
        Assert.Equal(3, (await reopened.GetKeywordStatisticsAsync()).DocumentFrequency("보험"));
    }

    [Fact]
    public async Task Concurrent_replacements_all_land()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.ReplaceDocumentAsync($"doc{i}", [Chunk($"doc{i}", 0, $"{i}번 문서의 내용입니다.")])));

        Assert.Equal(20, (await Store.GetDocumentHashesAsync()).Count);
        using var reopened = Reopen();
        Assert.Equal(20, (await reopened.GetDocumentHashesAsync()).Count);
        Assert.Equal(20, (await reopened.GetKeywordStatisticsAsync()).DocumentFrequency("문서"));
    }
}
