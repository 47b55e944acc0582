using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.VectorData;
using Npgsql;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>The shared conformance suite on PostgreSQL + pgvector, plus what is particular to SQL.</summary>
public sealed class PgVectorCollectionTests(PgVectorDatabase database)
    : ChunkStoreConformanceTests<PgVectorCollection>, IClassFixture<PgVectorDatabase>
{
    protected override async Task<PgVectorCollection> OpenEmptyStoreAsync()
    {
        var store = Reopen();
        await store.EnsureCollectionDeletedAsync();
        return store;
    }

    protected override PgVectorCollection Reopen() => new(database.ConnectionString, Generator);

    [Fact]
    public async Task Creates_the_table_with_hnsw_cosine_and_gin_indexes()
    {
        await Store.EnsureCollectionExistsAsync();

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT indexdef FROM pg_indexes WHERE tablename = @table ORDER BY indexname", connection);
        command.Parameters.AddWithValue("table", PgVectorCollection.TableName);
        var indexes = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add(reader.GetString(0));
            }
        }

        Assert.Contains(indexes, i => i.Contains("USING hnsw (embedding vector_cosine_ops)", StringComparison.Ordinal));
        Assert.Contains(indexes, i => i.Contains("USING gin (lexemes)", StringComparison.Ordinal));
        await using var type = new NpgsqlCommand(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(@table) AND attname = 'embedding'", connection);
        type.Parameters.AddWithValue("table", PgVectorCollection.TableName);
        Assert.Equal($"vector({IngestedChunk.VectorDimensions})", await type.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_generator_of_other_dimensions_is_refused_clearly()
    {
        await Store.UpsertAsync(Sample());
        using var other = new PgVectorCollection(database.ConnectionString, new HashingEmbeddingGenerator(dimensions: 128));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => other.EnsureCollectionExistsAsync());

        Assert.Contains("vector(384)", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await Store.GetAsync("loan#0"));
    }

    [Fact]
    public async Task Filters_it_cannot_translate_fail_with_a_clear_message()
    {
        await Store.UpsertAsync(Sample());

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await Store.SearchAsync("보험", 5, new VectorSearchOptions<IngestedChunk> { Filter = c => c.Text.StartsWith("암보험") }).ToListAsync());

        Assert.Contains("cannot translate the filter", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await Store.SearchAsync("보험", 5, new VectorSearchOptions<IngestedChunk> { Filter = c => string.Compare(c.Product, "a", StringComparison.Ordinal) > 0 }).ToListAsync());
    }

    [Fact]
    public async Task Values_are_parameters_never_sql()
    {
        await Store.UpsertAsync(Sample());
        await Store.UpsertAsync(Chunk("quote's", 0, "작은따옴표' 와 역슬래시\\ 가 들어간 글 'a':1 | !b", product: "x' OR '1'='1"));
        var hostile = "common' OR '1'='1";

        Assert.Empty(await Store.SearchAsync("보험", 5, new VectorSearchOptions<IngestedChunk> { Filter = c => c.Product == hostile }).ToListAsync());
        var quoted = await Store.HybridSearchAsync("따옴표", ["작은따옴표'", "'a':1", "역슬래시\\"], 1, new HybridSearchOptions<IngestedChunk> { Filter = c => c.Product == "x' OR '1'='1" }).ToListAsync();
        Assert.Equal("quote's#0", Assert.Single(quoted).Record.Key);
        Assert.Equal("작은따옴표' 와 역슬래시\\ 가 들어간 글 'a':1 | !b", (await Store.GetAsync("quote's#0"))!.Text);
        Assert.Equal(6, (await Store.GetAsync(c => true, 100).ToListAsync()).Count);
    }

    [Fact]
    public async Task Ingestion_into_pgvector_is_incremental_across_restarts()
    {
        var first = await TestSupport.NewIngestor(Store, Generator).IngestDirectoryAsync(TestSupport.SampleKnowledgePath, null, default);

        using var restarted = Reopen();
        var second = await TestSupport.NewIngestor(restarted, Generator).IngestDirectoryAsync(TestSupport.SampleKnowledgePath, null, default);

        Assert.True(first.Files > 5 && first.Chunks > first.Files);
        Assert.Equal((0, 0, first.Files), (second.Files, second.Chunks, second.Skipped));
    }

    [Fact]
    public async Task Retrieval_over_the_sample_corpus_matches_the_embedded_store()
    {
        using var directory = new TempDirectory();
        using var embedded = TestSupport.NewStore(directory, Generator);
        await TestSupport.NewIngestor(embedded, Generator).IngestDirectoryAsync(TestSupport.SampleKnowledgePath, null, default);
        await TestSupport.NewIngestor(Store, Generator).IngestDirectoryAsync(TestSupport.SampleKnowledgePath, null, default);
        var onEmbedded = new KnowledgeRetriever(embedded, Generator);
        var onPostgres = new KnowledgeRetriever(Store, Generator);

        foreach (var question in new[] { "보험금 청구할 때 필요한 서류는 뭐예요?", "암보험 면책기간이 뭔가요?", "보험계약대출 이자는 어떻게 되나요?", "해약하면 돈 돌려받나요", "비트코인 시세" })
        {
            var expected = await onEmbedded.RetrieveAsync(question);
            var actual = await onPostgres.RetrieveAsync(question);

            Assert.Equal(expected.QueryTokens, actual.QueryTokens);
            Assert.Equal(expected.Passages.Select(p => p.Chunk.Key), actual.Passages.Select(p => p.Chunk.Key));
            Assert.Equal(expected.Confidence, actual.Confidence, 6);
            Assert.Equal(expected.IsConfident, actual.IsConfident);
        }
    }
}
