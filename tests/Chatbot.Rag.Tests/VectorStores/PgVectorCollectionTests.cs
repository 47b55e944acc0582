using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;
using Npgsql;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>The shared conformance suite on PostgreSQL + pgvector, plus what is particular to SQL.</summary>
public sealed class PgVectorCollectionTests(PgVectorDatabase database)
    : ChunkStoreConformanceTests<PgVectorCollection>, IClassFixture<PgVectorDatabase>
{
    protected override async Task<PgVectorCollection> OpenEmptyStoreAsync()
    {
        await SqlAsync($"DROP TABLE IF EXISTS {PgVectorCollection.TableName}, {PgVectorCollection.PostingsTableName}, {PgVectorCollection.TermsTableName}");
        return Reopen();
    }

    protected override PgVectorCollection Reopen() => new(database.ConnectionString);

    [Fact]
    public async Task Creates_the_tables_with_hnsw_cosine_and_impact_ordered_postings()
    {
        await Store.EnsureSchemaAsync();

        var indexes = await ListAsync("SELECT indexdef FROM pg_indexes WHERE tablename IN ('rag_chunks', 'rag_postings') ORDER BY indexname");
        Assert.Contains(indexes, i => i.Contains("USING hnsw (embedding vector_cosine_ops)", StringComparison.Ordinal));
        Assert.Contains(indexes, i => i.Contains("(token, impact DESC) INCLUDE (chunk_id)", StringComparison.Ordinal));
        Assert.Equal($"vector({IngestedChunk.VectorDimensions})", Assert.Single(await ListAsync(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rag_chunks'::regclass AND attname = 'embedding'")));
    }

    [Fact]
    public async Task A_generator_of_other_dimensions_is_refused_clearly()
    {
        await StoreAsync(Sample());
        using var other = new PgVectorCollection(database.ConnectionString, dimensions: 128);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => other.EnsureSchemaAsync());

        Assert.Contains("vector(384)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await Store.GetDocumentChunksAsync("loan")).Count);
    }

    [Fact]
    public async Task Values_are_parameters_never_sql()
    {
        await StoreAsync(Sample());
        await Store.ReplaceDocumentAsync("quote's", [Chunk("quote's", 0, "작은따옴표' 와 역슬래시\\ 가 들어간 글 'a':1 | !b", product: "x' OR '1'='1")]);

        var quoted = await SearchAsync("따옴표", ["작은따옴표'", "'a':1", "역슬래시\\"], 1);

        Assert.Equal("quote's#0", Assert.Single(quoted).Chunk.Key);
        Assert.Equal("작은따옴표' 와 역슬래시\\ 가 들어간 글 'a':1 | !b", Assert.Single(await Store.GetDocumentChunksAsync("quote's")).Text);
        Assert.Equal(4, (await Store.GetDocumentHashesAsync()).Count);
    }

    [Fact]
    public async Task A_bulk_load_builds_the_indexes_after_copying_and_later_writes_keep_them()
    {
        using var store = new PgVectorCollection(database.ConnectionString) { BulkRows = 20 };
        var chunks = Enumerable.Range(0, 30).Select(i => Chunk($"doc{i / 3}", i % 3, $"{i}번 조항: 보험금 청구 서류와 보험계약대출 이자 안내입니다.")).ToList();

        await store.ReplaceDocumentsAsync(chunks.GroupBy(c => c.DocumentId).Select(g => new DocumentChunks(g.Key, g.ToList())).ToList());
        await store.ReplaceDocumentAsync("doc1", [Chunk("doc1", 0, "면책기간은 90일입니다.")]);

        Assert.Equal(3, (await ListAsync("SELECT indexname FROM pg_indexes WHERE indexname IN ('rag_chunks_embedding_hnsw', 'rag_postings_impact', 'rag_postings_chunk')")).Count);
        Assert.Equal("doc1#0", (await store.HybridSearchAsync(Generator.Embed("면책기간"), ["면책기간"], 1))[0].Chunk.Key);
        Assert.Equal(27, (await store.GetKeywordStatisticsAsync()).DocumentFrequency("청구"));
    }

    [Fact]
    public async Task A_table_of_the_earlier_tsvector_layout_is_moved_to_postings()
    {
        // The layout of the previous version: a tsvector of token positions per chunk, no postings.
        await SqlAsync(
            """
            CREATE EXTENSION IF NOT EXISTS vector;
            CREATE TABLE rag_chunks (key text PRIMARY KEY, document_id text NOT NULL, document_title text NOT NULL, document_type text NOT NULL,
                product text NOT NULL, section text NOT NULL, page integer NULL, ordinal integer NOT NULL, text text NOT NULL,
                document_hash text NOT NULL, embedding vector(384) NULL, lexemes tsvector NOT NULL, token_count integer NOT NULL);
            CREATE INDEX rag_chunks_lexemes_gin ON rag_chunks USING gin (lexemes);
            """);
        var old = Chunk("cancer", 0, "암보험의 면책기간은 계약일부터 90일입니다.", product: "cancer", type: "terms");
        await using (var connection = PgVectorCollection.CreateDataSource(database.ConnectionString))
        await using (var command = connection.CreateCommand(
            """
            INSERT INTO rag_chunks VALUES ('cancer#0', 'cancer', 'cancer', 'terms', 'cancer', '', NULL, 0, @text, 'hash-cancer', @embedding,
                '''암보'':1 ''보험'':2 ''면책'':3 ''책기'':4 ''기간'':5 ''계약'':6 ''약일'':7 ''90'':8 ''일'':9'::tsvector, 9)
            """))
        {
            command.Parameters.AddWithValue("text", old.Text);
            command.Parameters.AddWithValue("embedding", new Pgvector.Vector(old.Vector));
            await command.ExecuteNonQueryAsync();
        }

        using var store = Reopen();

        Assert.Equal("cancer#0", Assert.Single(await store.HybridSearchAsync(Generator.Embed("면책기간"), ["면책기간"], 5)).Chunk.Key);
        Assert.Equal(1, (await store.GetKeywordStatisticsAsync()).DocumentFrequency("면책"));
        Assert.Equal(["hash-cancer"], (await store.GetDocumentHashesAsync()).Values);
        await store.ReplaceDocumentAsync("cancer", [old with { Text = "암보험의 면책기간은 없습니다." }]);
        Assert.Equal("암보험의 면책기간은 없습니다.", Assert.Single(await store.GetDocumentChunksAsync("cancer")).Text);
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
        using var embedded = TestSupport.NewStore(directory);
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

    private async Task SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> ListAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
