using System.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Chatbot.Rag.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.Npgsql;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// The production chunk store on PostgreSQL + pgvector: chunks in one table under an HNSW cosine index, and a
/// keyword index of Korean tokens as a postings table ordered by each posting's BM25 impact, so that a query reads
/// the best postings of each of its tokens instead of scoring every chunk that contains one.
/// </summary>
/// <remarks>
/// <para>
/// Korean keyword scheme: PostgreSQL ships no Korean text-search configuration, and a dictionary-based one would
/// still split 보험금청구 and 보험금을 청구 differently. The postings hold exactly the tokens of
/// <see cref="Text.KoreanText.Tokenize"/> — the same function the query side uses — with each chunk's term frequency
/// and length, and <c>rag_terms</c> keeps each token's document frequency, updated in the same transaction.
/// </para>
/// <para>
/// Keyword ranking reads, per query token, the <see cref="PostingsDepth"/> postings of highest impact
/// (tf / (tf + k1·(1 − b + b·length / average length)), the average taken when the posting was written) through a
/// covering index, then scores the union exactly with BM25 on the current statistics in C#, with the same
/// <see cref="HybridRanking.Bm25"/> as the embedded store. When no query token is in more than
/// <see cref="PostingsDepth"/> chunks that is the exact BM25 ranking; beyond, it is a candidate cut whose cost does
/// not grow with the corpus (the benchmark prints its agreement with the exact ranking).
/// </para>
/// <para>
/// A large replacement (at least <see cref="BulkRows"/> chunks, and at least as many as are stored) is a bulk load:
/// the indexes are dropped, rows are written with binary COPY and the indexes are rebuilt at the end, which holds
/// the table's lock until commit. Smaller replacements COPY into the indexed tables.
/// </para>
/// <para>Every value is a parameter; the only identifiers are the fixed table, column and index names below.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "SQL text is built from fixed identifiers; every value is a parameter.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name the configuration, docs and other services know the store by.")]
public sealed class PgVectorCollection : IDocumentChunkStore, IDisposable
{
    /// <summary>The table that holds the chunks.</summary>
    public const string TableName = "rag_chunks";

    /// <summary>The table of keyword postings: token, chunk, term frequency, chunk length, impact.</summary>
    public const string PostingsTableName = "rag_postings";

    /// <summary>The table of each token's document frequency.</summary>
    public const string TermsTableName = "rag_terms";

    /// <summary>How many postings of highest impact a query reads per token.</summary>
    public const int PostingsDepth = 500;

    /// <summary>The fewest chunks a replacement writes to be loaded in bulk (indexes rebuilt after the COPY).</summary>
    public int BulkRows { get; init; } = 10_000;

    /// <summary>How long cached keyword statistics are trusted when this instance has not written.</summary>
    public static readonly TimeSpan StatisticsMaxAge = TimeSpan.FromSeconds(30);

    private const string RecordColumns = "key, document_id, document_title, document_type, product, section, page, ordinal, text, document_hash, embedding";

    // pgvector caps ef_search at 1000; with iterative scans a deep ranking keeps scanning past it.
    private const int MaxEfSearch = 1000;

    // PostgreSQL's B-tree refuses entries of about a third of a page; no query could usefully match such a run anyway.
    private const int MaxTokenBytes = 2000;

    // The first key of the two-key advisory lock that serialises writers of one document.
    private const int DocumentLockClass = 0x4368_6174;

    private static readonly string[] IndexDefinitions =
    [
        $"CREATE INDEX IF NOT EXISTS {TableName}_embedding_hnsw ON {TableName} USING hnsw (embedding vector_cosine_ops)",
        $"CREATE INDEX IF NOT EXISTS {PostingsTableName}_impact ON {PostingsTableName} (token, impact DESC) INCLUDE (chunk_id)",
        $"CREATE INDEX IF NOT EXISTS {PostingsTableName}_chunk ON {PostingsTableName} (chunk_id)",
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _statisticsGate = new(1, 1);
    private volatile bool _knownToExist;
    private volatile CachedStatistics? _statistics;
    private long _writeVersion;
    private int _refreshing;

    /// <summary>Opens the store on <paramref name="connectionString"/> with its own data source.</summary>
    public PgVectorCollection(string connectionString, int dimensions = IngestedChunk.VectorDimensions, ILogger<PgVectorCollection>? logger = null)
        : this(CreateDataSource(connectionString), ownsDataSource: true, dimensions, logger)
    {
    }

    /// <summary>Opens the store on a data source built with <c>UseVector()</c> (see <see cref="CreateDataSource"/>); the caller disposes it.</summary>
    public PgVectorCollection(NpgsqlDataSource dataSource, int dimensions = IngestedChunk.VectorDimensions, ILogger<PgVectorCollection>? logger = null)
        : this(dataSource, ownsDataSource: false, dimensions, logger)
    {
    }

    private PgVectorCollection(NpgsqlDataSource dataSource, bool ownsDataSource, int dimensions, ILogger<PgVectorCollection>? logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 2000); // pgvector's HNSW limit
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Dimensions = dimensions;
    }

    /// <summary>The dimensions of the vector column.</summary>
    public int Dimensions { get; }

    /// <summary>A data source for <paramref name="connectionString"/> that maps pgvector's <c>vector</c> type.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <summary>
    /// Creates the vector extension (if missing), the tables and their indexes, and moves a table of the earlier
    /// tsvector layout to postings; safe to call from several servers at once. Writes call it when needed.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog; one creator at a time.
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext(@table))", cancellationToken, ("table", TableName));
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken);
            var existing = await ScalarAsync<string?>(
                connection,
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(@table) AND attname = 'embedding'",
                cancellationToken,
                ("table", TableName));
            var expected = $"vector({Dimensions.ToString(CultureInfo.InvariantCulture)})";
            if (existing is not null && existing != expected)
            {
                throw new InvalidOperationException(
                    $"The table {TableName} stores {existing} embeddings but the embedding generator makes {expected}. "
                    + "Re-ingest into an empty database or use the generator the chunks were embedded with.");
            }

            // The dimension is an integer, formatted invariantly; type modifiers cannot be parameters.
            await ExecuteAsync(
                connection,
                $"""
                CREATE TABLE IF NOT EXISTS {TableName} (
                    key text PRIMARY KEY,
                    id bigserial NOT NULL UNIQUE,
                    document_id text NOT NULL,
                    document_title text NOT NULL,
                    document_type text NOT NULL,
                    product text NOT NULL,
                    section text NOT NULL,
                    page integer NULL,
                    ordinal integer NOT NULL,
                    text text NOT NULL,
                    document_hash text NOT NULL,
                    embedding {expected} NULL,
                    token_count integer NOT NULL,
                    terms jsonb NOT NULL
                );
                CREATE INDEX IF NOT EXISTS {TableName}_document_id ON {TableName} (document_id);
                CREATE TABLE IF NOT EXISTS {PostingsTableName} (
                    token text NOT NULL,
                    chunk_id bigint NOT NULL,
                    impact real NOT NULL
                );
                CREATE TABLE IF NOT EXISTS {TermsTableName} (token text PRIMARY KEY, df integer NOT NULL);
                """,
                cancellationToken);
            await MigrateTsVectorLayoutAsync(connection, cancellationToken);
            foreach (var index in IndexDefinitions)
            {
                await ExecuteAsync(connection, index, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // The data source may have loaded its types before the extension existed.
        await connection.ReloadTypesAsync(cancellationToken);
        _knownToExist = true;
        Interlocked.Increment(ref _writeVersion);
    }

    public async Task<IReadOnlyList<ChunkMatch>> HybridSearchAsync(
        ReadOnlyMemory<float> queryVector,
        IReadOnlyCollection<string> keywords,
        int top,
        CancellationToken cancellationToken = default)
    {
        HybridRanking.CheckSearch(queryVector, keywords, top, Dimensions);
        if (!await ExistsAsync(cancellationToken))
        {
            return [];
        }

        var window = HybridRanking.CandidateWindow(top);
        var tokens = HybridRanking.KeywordTokens(keywords).Where(IsIndexable).ToArray();
        var statistics = await GetStatisticsAsync(cancellationToken);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var vectorScores = new List<(string Key, double Score)>();
        var postings = new List<(string Key, int Token, int Tf, int Length)>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // Local to the transaction: strict_order iterative scans return exact distance order and keep scanning
            // past ef_search until the window is full.
            batch.BatchCommands.Add(Command(
                "SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', 'strict_order', true)",
                ("ef", Math.Clamp(window, 40, MaxEfSearch).ToString(CultureInfo.InvariantCulture))));
            batch.BatchCommands.Add(Command(
                $"SELECT key, 1 - (embedding <=> @query) FROM {TableName} WHERE embedding IS NOT NULL ORDER BY embedding <=> @query LIMIT @window",
                ("query", new Vector(queryVector)),
                ("window", window)));
            // Candidates: the postings of highest impact of each token. Scored exactly: every query token's term
            // frequency in each candidate, from its terms.
            batch.BatchCommands.Add(Command(
                $"""
                WITH q AS (SELECT token, ord::int FROM unnest(@tokens::text[]) WITH ORDINALITY AS q(token, ord)),
                candidates AS (
                    SELECT DISTINCT p.chunk_id FROM q CROSS JOIN LATERAL (
                        SELECT chunk_id FROM {PostingsTableName} WHERE token = q.token ORDER BY impact DESC LIMIT @depth
                    ) p
                )
                SELECT c.key, q.ord, (c.terms ->> q.token)::int, c.token_count
                FROM candidates JOIN {TableName} c ON c.id = candidates.chunk_id CROSS JOIN q
                WHERE c.terms ? q.token
                """,
                ("tokens", tokens),
                ("depth", PostingsDepth)));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                vectorScores.Add((reader.GetString(0), reader.GetDouble(1)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                postings.Add((reader.GetString(0), reader.GetInt32(1) - 1, reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        var vectorRanking = vectorScores.OrderByDescending(s => s.Score).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key).ToList();
        var keywordRanking = KeywordRanking(tokens, postings, statistics, window);
        var page = HybridRanking.Fuse(vectorRanking, keywordRanking).Take(top).ToList();
        var records = await GetByKeysAsync(connection, page.Select(r => r.Key).ToArray(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return page.Where(r => records.ContainsKey(r.Key)).Select(r => new ChunkMatch(records[r.Key], r.Value)).ToList();
    }

    public async ValueTask<IKeywordStatistics> GetKeywordStatisticsAsync(CancellationToken cancellationToken = default) =>
        await GetStatisticsAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken = default)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!await ExistsAsync(cancellationToken))
        {
            return hashes;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT DISTINCT ON (document_id) document_id, document_hash FROM {TableName} ORDER BY document_id, key", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes[reader.GetString(0)] = reader.GetString(1);
        }

        return hashes;
    }

    public async Task<IReadOnlyList<IngestedChunk>> GetDocumentChunksAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var chunks = new List<IngestedChunk>();
        if (!await ExistsAsync(cancellationToken))
        {
            return chunks;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {RecordColumns} FROM {TableName} WHERE document_id = @document ORDER BY ordinal, key COLLATE \"C\"", connection);
        command.Parameters.AddWithValue("document", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks.Add(ReadRecord(reader) with { Vector = ReadOnlyMemory<float>.Empty });
        }

        return chunks;
    }

    public async Task ReplaceDocumentsAsync(IReadOnlyList<DocumentChunks> documents, CancellationToken cancellationToken = default)
    {
        HybridRanking.CheckReplacement(documents, Dimensions);
        if (documents.Count == 0)
        {
            return;
        }

        if (!_knownToExist)
        {
            await EnsureSchemaAsync(cancellationToken);
        }

        var rows = documents.SelectMany(d => d.Chunks).Select(Row.From).ToList();
        var documentIds = documents.Select(d => d.DocumentId).Order(StringComparer.Ordinal).ToArray();
        var statistics = await GetStatisticsAsync(cancellationToken);
        var averageLength = statistics.Count > 0 || rows.Count == 0 ? statistics.AverageLength : rows.Average(r => r.Length);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Two servers replacing the same document must not interleave; sorted, so two batches never deadlock.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@class, hashtext(d)) FROM unnest(@documents::text[]) d", cancellationToken, ("class", DocumentLockClass), ("documents", documentIds));
        var oldIds = await ListAsync<long>(connection, $"SELECT id FROM {TableName} WHERE document_id = ANY(@documents)", cancellationToken, ("documents", documentIds));
        var bulk = rows.Count >= BulkRows && rows.Count >= await ScalarAsync<long>(connection, $"SELECT count(*) FROM {TableName}", cancellationToken);
        if (bulk)
        {
            await ExecuteAsync(connection, $"DROP INDEX IF EXISTS {TableName}_embedding_hnsw, {PostingsTableName}_impact, {PostingsTableName}_chunk", cancellationToken);
        }

        // Document frequencies change by the new postings minus the removed ones, in one statement in token order,
        // so concurrent writers lock the shared rows of rag_terms in the same order.
        var delta = rows.SelectMany(r => r.Frequencies.Keys).GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (oldIds.Count > 0)
        {
            await using var command = new NpgsqlCommand($"SELECT token, count(*)::int FROM {PostingsTableName} WHERE chunk_id = ANY(@ids) GROUP BY token", connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("ids", oldIds.ToArray());
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    delta[reader.GetString(0)] = delta.GetValueOrDefault(reader.GetString(0)) - reader.GetInt32(1);
                }
            }

            await ExecuteAsync(
                connection,
                $"DELETE FROM {PostingsTableName} WHERE chunk_id = ANY(@ids); DELETE FROM {TableName} WHERE id = ANY(@ids)",
                cancellationToken,
                ("ids", oldIds.ToArray()));
        }

        if (rows.Count > 0)
        {
            var ids = await ListAsync<long>(connection, $"SELECT nextval('{TableName}_id_seq') FROM generate_series(1, @count)", cancellationToken, ("count", rows.Count));
            await CopyRowsAsync(connection, rows, ids, averageLength, cancellationToken);
        }

        var changed = delta.Where(d => d.Value != 0).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        await ExecuteAsync(
            connection,
            $"""
            INSERT INTO {TermsTableName} AS t (token, df) SELECT * FROM unnest(@tokens::text[], @deltas::int[])
            ON CONFLICT (token) DO UPDATE SET df = t.df + EXCLUDED.df
            """,
            cancellationToken,
            ("tokens", changed.Select(d => d.Key).ToArray()),
            ("deltas", changed.Select(d => d.Value).ToArray()));

        if (bulk)
        {
            // Index builds after the COPY: far faster than maintaining HNSW and the postings B-trees row by row.
            await ExecuteAsync(connection, "SET LOCAL maintenance_work_mem = '1GB'", cancellationToken);
            foreach (var index in IndexDefinitions)
            {
                await ExecuteAsync(connection, index, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref _writeVersion);
        if (bulk)
        {
            // Index-only scans of the postings need the visibility map; planning needs fresh row counts.
            await ExecuteAsync(connection, $"VACUUM (ANALYZE) {TableName}, {PostingsTableName}, {TermsTableName}", cancellationToken);
        }
    }

    public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return ReplaceDocumentsAsync([new DocumentChunks(documentId, [])], cancellationToken);
    }

    public void Dispose()
    {
        _statisticsGate.Dispose();
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private static bool IsIndexable(string token) => Encoding.UTF8.GetByteCount(token) <= MaxTokenBytes;

    private static List<string> KeywordRanking(string[] tokens, List<(string Key, int Token, int Tf, int Length)> postings, KeywordStatistics statistics, int window)
    {
        // Summed token by token in query order, exactly as the embedded store sums, so equal inputs give equal doubles.
        var idf = tokens.Select(t => HybridRanking.InverseDocumentFrequency(statistics.Count, statistics.DocumentFrequency(t))).ToArray();
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var posting in postings.OrderBy(p => p.Token))
        {
            scores[posting.Key] = scores.GetValueOrDefault(posting.Key) + HybridRanking.Bm25(idf[posting.Token], posting.Tf, posting.Length, statistics.AverageLength);
        }

        return scores
            .OrderByDescending(s => s.Value)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take(window)
            .Select(s => s.Key)
            .ToList();
    }

    private static async Task CopyRowsAsync(NpgsqlConnection connection, List<Row> rows, List<long> ids, double averageLength, CancellationToken cancellationToken)
    {
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY {TableName} (id, key, document_id, document_title, document_type, product, section, page, ordinal, text, document_hash, embedding, token_count, terms) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            writer.Timeout = TimeSpan.Zero;
            for (var i = 0; i < rows.Count; i++)
            {
                var chunk = rows[i].Chunk;
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(chunk.Key, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(chunk.DocumentId, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(chunk.DocumentTitle, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(chunk.DocumentType, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(chunk.Product, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(chunk.Section, NpgsqlDbType.Text, cancellationToken);
                if (chunk.Page is { } page)
                {
                    await writer.WriteAsync(page, NpgsqlDbType.Integer, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }

                await writer.WriteAsync(chunk.Ordinal, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(chunk.Text, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(chunk.DocumentHash, NpgsqlDbType.Text, cancellationToken);
                if (chunk.Vector.IsEmpty)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(new Vector(chunk.Vector), "vector", cancellationToken);
                }

                await writer.WriteAsync(rows[i].Length, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(JsonSerializer.Serialize(rows[i].Frequencies), NpgsqlDbType.Jsonb, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY {PostingsTableName} (token, chunk_id, impact) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            writer.Timeout = TimeSpan.Zero;
            for (var i = 0; i < rows.Count; i++)
            {
                foreach (var (token, tf) in rows[i].Frequencies)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(token, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync((float)HybridRanking.Bm25(1, tf, rows[i].Length, averageLength), NpgsqlDbType.Real, cancellationToken);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>Moves a table of the earlier layout (a tsvector of positions per chunk) to postings, once.</summary>
    private static async Task MigrateTsVectorLayoutAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var legacy = await ScalarAsync<bool>(
            connection,
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(@table) AND attname = 'lexemes' AND NOT attisdropped)",
            cancellationToken,
            ("table", TableName));
        if (!legacy)
        {
            return;
        }

        await ExecuteAsync(
            connection,
            $"""
            ALTER TABLE {TableName} ADD COLUMN IF NOT EXISTS id bigserial NOT NULL UNIQUE;
            ALTER TABLE {TableName} ADD COLUMN IF NOT EXISTS terms jsonb NOT NULL DEFAULT jsonb_build_object();
            ALTER TABLE {TableName} ALTER COLUMN terms DROP DEFAULT;
            UPDATE {TableName} c SET terms = (SELECT coalesce(jsonb_object_agg(u.lexeme, cardinality(u.positions)), jsonb_build_object()) FROM unnest(c.lexemes) u);
            INSERT INTO {PostingsTableName} (token, chunk_id, impact)
            SELECT u.lexeme, c.id,
                   cardinality(u.positions) * (@k1 + 1) / (cardinality(u.positions) + @k1 * (1 - @b + @b * c.token_count / greatest(a.average, 1)))
            FROM {TableName} c CROSS JOIN (SELECT coalesce(avg(token_count), 0)::float8 AS average FROM {TableName}) a, unnest(c.lexemes) u;
            INSERT INTO {TermsTableName} (token, df) SELECT token, count(*) FROM {PostingsTableName} GROUP BY token;
            DROP INDEX IF EXISTS {TableName}_lexemes_gin, {TableName}_product, {TableName}_document_type;
            ALTER TABLE {TableName} DROP COLUMN lexemes;
            """,
            cancellationToken,
            ("k1", HybridRanking.Bm25K1),
            ("b", HybridRanking.Bm25B));
    }

    private static async Task<Dictionary<string, IngestedChunk>> GetByKeysAsync(NpgsqlConnection connection, string[] keys, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, IngestedChunk>(StringComparer.Ordinal);
        if (keys.Length == 0)
        {
            return records;
        }

        await using var command = new NpgsqlCommand($"SELECT {RecordColumns} FROM {TableName} WHERE key = ANY(@keys)", connection);
        command.Parameters.AddWithValue("keys", keys);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = ReadRecord(reader);
            records[record.Key] = record;
        }

        return records;
    }

    private static IngestedChunk ReadRecord(NpgsqlDataReader reader) => new()
    {
        Key = reader.GetString(0),
        DocumentId = reader.GetString(1),
        DocumentTitle = reader.GetString(2),
        DocumentType = reader.GetString(3),
        Product = reader.GetString(4),
        Section = reader.GetString(5),
        Page = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        Ordinal = reader.GetInt32(7),
        Text = reader.GetString(8),
        DocumentHash = reader.GetString(9),
        Vector = reader.IsDBNull(10) ? ReadOnlyMemory<float>.Empty : reader.GetFieldValue<Vector>(10).Memory,
    };

    /// <summary>Whether the table exists; remembered once true, so reads of a store never written return nothing instead of failing.</summary>
    private async ValueTask<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        if (_knownToExist)
        {
            return true;
        }

        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (!await ScalarAsync<bool>(connection, "SELECT to_regclass(@table) IS NOT NULL", cancellationToken, ("table", TableName)))
            {
                return false;
            }
        }

        // Another server created the table after this data source loaded its types, or an earlier version did and
        // its layout is still to be moved: either way the schema step is idempotent and runs once per instance.
        await EnsureSchemaAsync(cancellationToken);
        return true;
    }

    private async ValueTask<KeywordStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        var statistics = _statistics;
        if (statistics is not null && statistics.Version == Interlocked.Read(ref _writeVersion))
        {
            if (DateTime.UtcNow - statistics.LoadedAtUtc >= StatisticsMaxAge)
            {
                // Other servers' writes are picked up in the background; this query uses what is cached.
                RefreshStatisticsInBackground();
            }

            return statistics.Statistics;
        }

        // This instance wrote since the statistics were read: read them again before ranking with them.
        return (await ReloadStatisticsAsync(force: false, cancellationToken)).Statistics;
    }

    private void RefreshStatisticsInBackground()
    {
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ReloadStatisticsAsync(force: true, CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogWarning(ex, "Could not refresh the keyword statistics of {Table}; the cached ones stay in use", TableName);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    private async Task<CachedStatistics> ReloadStatisticsAsync(bool force, CancellationToken cancellationToken)
    {
        await _statisticsGate.WaitAsync(cancellationToken);
        try
        {
            var version = Interlocked.Read(ref _writeVersion);
            var cached = _statistics;
            if (cached is not null && cached.Version == version && (!force || DateTime.UtcNow - cached.LoadedAtUtc < StatisticsMaxAge))
            {
                return cached;
            }

            cached = new CachedStatistics(await LoadStatisticsAsync(cancellationToken), version, DateTime.UtcNow);
            _statistics = cached;
            _logger.LogDebug("Keyword statistics of {Table}: {Count} chunks, {Terms} terms", TableName, cached.Statistics.Count, cached.Statistics.Terms);
            return cached;
        }
        finally
        {
            _statisticsGate.Release();
        }
    }

    private async Task<KeywordStatistics> LoadStatisticsAsync(CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken))
        {
            return KeywordStatistics.Empty;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT count(*)::int, coalesce(avg(token_count), 0)::float8 FROM {TableName}"),
                new NpgsqlBatchCommand($"SELECT token, df FROM {TermsTableName} WHERE df > 0"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = reader.GetInt32(0);
        var average = reader.GetDouble(1);
        await reader.NextResultAsync(cancellationToken);
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            frequencies[reader.GetString(0)] = reader.GetInt32(1);
        }

        return new KeywordStatistics(count, average, frequencies);
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>Runs a statement of the schema or a write; no time limit, since index builds of a bulk load take minutes.</summary>
    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default! : (T)result;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var values = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    /// <summary>A chunk as written: its index tokens counted (tokens too long for the index left out) and its length in tokens.</summary>
    private sealed record Row(IngestedChunk Chunk, Dictionary<string, int> Frequencies, int Length)
    {
        public static Row From(IngestedChunk chunk)
        {
            var tokens = HybridRanking.IndexTokens(chunk);
            var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var token in tokens.Where(IsIndexable))
            {
                frequencies[token] = frequencies.GetValueOrDefault(token) + 1;
            }

            return new Row(chunk, frequencies, tokens.Count);
        }
    }

    private sealed record CachedStatistics(KeywordStatistics Statistics, long Version, DateTime LoadedAtUtc);
}
