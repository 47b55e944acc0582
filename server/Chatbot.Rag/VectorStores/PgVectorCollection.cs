using System.Data;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.VectorData;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.Npgsql;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// The production chunk store: one PostgreSQL table with a pgvector column under an HNSW cosine index and a keyword
/// index of Korean tokens in a GIN-indexed <c>tsvector</c>. Search, filters and hybrid ranking behave like
/// <see cref="EmbeddedVectorStoreCollection"/>; the shared conformance tests hold both to that.
/// </summary>
/// <remarks>
/// <para>
/// Korean keyword scheme: PostgreSQL ships no Korean text-search configuration, and a dictionary-based one would
/// still split 보험금청구 and 보험금을 청구 differently. The <c>lexemes</c> column therefore holds exactly the tokens of
/// <see cref="KoreanText.Tokenize"/> — character bigrams of each Hangul run after its particle is stripped, Latin
/// and digit runs whole — with their positions, as the <c>simple</c> configuration would store them (no stemming, no
/// stop words). They are written as a <c>tsvector</c> value rather than re-parsed by <c>to_tsvector</c>, so the
/// PostgreSQL parser can never split or case-fold a token differently from the query side, which tokenises with the
/// same function. A GIN index answers "which chunks contain any query token"; the positions give each token's term
/// frequency for BM25 (PostgreSQL keeps at most 256 positions per token, far more than a chunk repeats one).
/// </para>
/// <para>
/// BM25 needs corpus statistics (chunk count, average length, document frequencies). They are read with
/// <c>ts_stat</c> and cached; this instance's writes invalidate the cache, and it is re-read at least every
/// <see cref="StatisticsMaxAge"/> to see other servers' writes.
/// </para>
/// <para>Every value is a parameter; the only identifiers are the fixed table, column and index names below.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named after the VectorStoreCollection abstraction it implements, like every vector store provider.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "SQL text is built from fixed identifiers and translated filters; every value is a parameter.")]
public sealed class PgVectorCollection
    : VectorStoreCollection<string, IngestedChunk>, IKeywordHybridSearchable<IngestedChunk>, IDocumentChunkStore, IKeywordStatistics
{
    /// <summary>The table that holds the chunks.</summary>
    public const string TableName = "rag_chunks";

    /// <summary>How long cached keyword statistics are trusted when this instance has not written.</summary>
    public static readonly TimeSpan StatisticsMaxAge = TimeSpan.FromSeconds(30);

    private const string RecordColumns = "key, document_id, document_title, document_type, product, section, page, ordinal, text, document_hash";
    private const int UpsertBatchSize = 256;

    // pgvector caps ef_search at 1000; with iterative scans a filtered or deep page keeps scanning past it.
    private const int MaxEfSearch = 1000;

    // The first key of the two-key advisory lock that serialises writers of one document.
    private const int DocumentLockClass = 0x4368_6174;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddingGenerator;
    private readonly ILogger _logger;
    private readonly VectorStoreCollectionMetadata _metadata;
    private readonly SemaphoreSlim _statisticsGate = new(1, 1);
    private volatile bool _knownToExist;
    private volatile KeywordStatistics? _statistics;
    private long _writeVersion;
    private int _refreshing;

    /// <summary>Opens the collection on <paramref name="connectionString"/> with its own data source.</summary>
    public PgVectorCollection(
        string connectionString,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        ILogger<PgVectorCollection>? logger = null,
        int? dimensions = null)
        : this(CreateDataSource(connectionString), ownsDataSource: true, embeddingGenerator, logger, dimensions)
    {
    }

    /// <summary>Opens the collection on a data source built with <c>UseVector()</c> (see <see cref="CreateDataSource"/>); the caller disposes it.</summary>
    public PgVectorCollection(
        NpgsqlDataSource dataSource,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        ILogger<PgVectorCollection>? logger = null,
        int? dimensions = null)
        : this(dataSource, ownsDataSource: false, embeddingGenerator, logger, dimensions)
    {
    }

    private PgVectorCollection(
        NpgsqlDataSource dataSource,
        bool ownsDataSource,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        ILogger<PgVectorCollection>? logger,
        int? dimensions)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _embeddingGenerator = embeddingGenerator;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Dimensions = dimensions
            ?? embeddingGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
            ?? IngestedChunk.VectorDimensions;
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimensions, 1, nameof(dimensions));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Dimensions, 2000, nameof(dimensions)); // pgvector's HNSW limit
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = "postgresql", CollectionName = Name };
    }

    public override string Name => IngestedChunk.CollectionName;

    /// <summary>The dimensions of the vector column, from the embedding generator.</summary>
    public int Dimensions { get; }

    /// <summary>A data source for <paramref name="connectionString"/> that maps pgvector's <c>vector</c> type.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    public override async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await TableExistsAsync(connection, cancellationToken);
    }

    /// <summary>Creates the vector extension (if missing), the table and its indexes; safe to call from several servers at once.</summary>
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
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

            // The dimension is an integer from the generator, formatted invariantly; type modifiers cannot be parameters.
            await ExecuteAsync(
                connection,
                $"""
                CREATE TABLE IF NOT EXISTS {TableName} (
                    key text PRIMARY KEY,
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
                    lexemes tsvector NOT NULL,
                    token_count integer NOT NULL
                );
                CREATE INDEX IF NOT EXISTS {TableName}_embedding_hnsw ON {TableName} USING hnsw (embedding vector_cosine_ops);
                CREATE INDEX IF NOT EXISTS {TableName}_lexemes_gin ON {TableName} USING gin (lexemes);
                CREATE INDEX IF NOT EXISTS {TableName}_document_id ON {TableName} (document_id);
                CREATE INDEX IF NOT EXISTS {TableName}_product ON {TableName} (product);
                CREATE INDEX IF NOT EXISTS {TableName}_document_type ON {TableName} (document_type);
                """,
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // The data source may have loaded its types before the extension existed.
        await connection.ReloadTypesAsync(cancellationToken);
        _knownToExist = true;
        Interlocked.Increment(ref _writeVersion);
    }

    public override async Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {TableName}", cancellationToken);
        _knownToExist = false;
        Interlocked.Increment(ref _writeVersion);
    }

    public override async Task<IngestedChunk?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var records = await GetByKeysAsync([key], options?.IncludeVectors ?? false, cancellationToken);
        return records.GetValueOrDefault(key);
    }

    public override async IAsyncEnumerable<IngestedChunk> GetAsync(
        IEnumerable<string> keys,
        RecordRetrievalOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyList = keys.ToList();
        var records = await GetByKeysAsync(keyList, options?.IncludeVectors ?? false, cancellationToken);
        foreach (var key in keyList)
        {
            if (records.TryGetValue(key, out var record))
            {
                yield return record;
            }
        }
    }

    public override async IAsyncEnumerable<IngestedChunk> GetAsync(
        Expression<Func<IngestedChunk, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<IngestedChunk>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new FilteredRecordRetrievalOptions<IngestedChunk>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);

        var parameters = new List<NpgsqlParameter>();
        var where = PgVectorFilterTranslator.Translate(filter, parameters);

        // Nulls first ascending, as the embedded store orders; text in ordinal (C collation) order; key last for stable pages.
        var order = new List<string>();
        var orderBy = options.OrderBy?.Invoke(new FilteredRecordRetrievalOptions<IngestedChunk>.OrderByDefinition());
        foreach (var sort in orderBy?.Values ?? [])
        {
            var (column, type) = PgVectorFilterTranslator.ColumnOf(sort.PropertySelector);
            var collated = type == NpgsqlDbType.Text ? $"{column} COLLATE \"C\"" : column;
            order.Add(sort.Ascending ? $"{collated} ASC NULLS FIRST" : $"{collated} DESC NULLS LAST");
        }

        order.Add("key COLLATE \"C\"");
        parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = top });
        parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = options.Skip });
        var sql = $"SELECT {SelectColumns(options.IncludeVectors)} FROM {TableName} WHERE {where} ORDER BY {string.Join(", ", order)} LIMIT @top OFFSET @skip";

        var records = new List<IngestedChunk>();
        if (await ExistsAsync(cancellationToken))
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(ReadRecord(reader, options.IncludeVectors));
            }
        }

        foreach (var record in records)
        {
            yield return record;
        }
    }

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    public override async Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyArray = keys.ToArray();
        if (keyArray.Length == 0 || !await ExistsAsync(cancellationToken))
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"DELETE FROM {TableName} WHERE key = ANY(@keys)", cancellationToken, ("keys", keyArray));
        Interlocked.Increment(ref _writeVersion);
    }

    public override Task UpsertAsync(IngestedChunk record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <summary>Inserts or overwrites the records by key, all in one transaction.</summary>
    public override Task UpsertAsync(IEnumerable<IngestedChunk> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var rows = records.Select(ToRow).ToList();
        return WriteAsync(documentId: null, rows, cancellationToken);
    }

    public Task ReplaceDocumentAsync(string documentId, IReadOnlyCollection<IngestedChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Any(c => c.DocumentId != documentId))
        {
            throw new ArgumentException($"Every chunk must belong to document '{documentId}'.", nameof(chunks));
        }

        var rows = chunks.Select(ToRow).ToList();
        return WriteAsync(documentId, rows, cancellationToken);
    }

    public async Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        if (!await ExistsAsync(cancellationToken))
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"DELETE FROM {TableName} WHERE document_id = @document", cancellationToken, ("document", documentId));
        Interlocked.Increment(ref _writeVersion);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken = default)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!await ExistsAsync(cancellationToken))
        {
            return hashes;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT DISTINCT ON (document_id) document_id, document_hash FROM {TableName} ORDER BY document_id, key",
            connection);
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
            $"SELECT {SelectColumns(includeVectors: false)} FROM {TableName} WHERE document_id = @document ORDER BY ordinal, key COLLATE \"C\"",
            connection);
        command.Parameters.AddWithValue("document", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks.Add(ReadRecord(reader, includeVectors: false));
        }

        return chunks;
    }

    /// <inheritdoc />
    /// <remarks>Reads cached statistics; after a write by this instance the first call re-reads them synchronously.</remarks>
    public double InverseDocumentFrequency(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var statistics = GetStatisticsAsync(async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return HybridRanking.InverseDocumentFrequency(statistics.Count, statistics.DocumentFrequency(token));
    }

    /// <inheritdoc />
    public int DocumentFrequency(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return GetStatisticsAsync(async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult().DocumentFrequency(token);
    }

    /// <summary>
    /// Nearest chunks by cosine similarity (the score, 1 − cosine distance), through the HNSW index with an iterative
    /// scan so that filters and deep pages still fill the page.
    /// </summary>
    public override async IAsyncEnumerable<VectorSearchResult<IngestedChunk>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<IngestedChunk>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new VectorSearchOptions<IngestedChunk>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        var query = await ToVectorAsync(searchValue, cancellationToken);

        var parameters = new List<NpgsqlParameter>();
        var where = PgVectorFilterTranslator.Translate(options.Filter, parameters);
        parameters.Add(new NpgsqlParameter("query", new Vector(query)));
        parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = top });
        parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = options.Skip });
        var threshold = "";
        if (options.ScoreThreshold is { } scoreThreshold)
        {
            parameters.Add(new NpgsqlParameter("threshold", NpgsqlDbType.Double) { Value = scoreThreshold });
            threshold = "AND 1 - (embedding <=> @query) >= @threshold";
        }

        var sql = $"""
            SELECT {SelectColumns(options.IncludeVectors)}, 1 - (embedding <=> @query) AS score
            FROM {TableName}
            WHERE embedding IS NOT NULL AND {where} {threshold}
            ORDER BY embedding <=> @query
            LIMIT @top OFFSET @skip
            """;

        var results = new List<VectorSearchResult<IngestedChunk>>();
        if (await ExistsAsync(cancellationToken))
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await SetSearchScopeAsync(connection, options.Skip + top, cancellationToken);
            await using (var command = new NpgsqlCommand(sql, connection))
            {
                command.Parameters.AddRange(parameters.ToArray());
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var scoreOrdinal = reader.GetOrdinal("score");
                while (await reader.ReadAsync(cancellationToken))
                {
                    results.Add(new VectorSearchResult<IngestedChunk>(ReadRecord(reader, options.IncludeVectors), reader.GetDouble(scoreOrdinal)));
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var result in results)
        {
            yield return result;
        }
    }

    /// <summary>
    /// Ranks by cosine similarity to <paramref name="searchValue"/> (HNSW) and, separately, by BM25 over the Korean
    /// tokens of the keywords (GIN) — the same formula and corpus statistics as the embedded store — then fuses the
    /// first <see cref="HybridRanking.CandidateWindow"/> of each with reciprocal rank fusion (k = 60). The score is
    /// the fused score; <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/> applies to it.
    /// </summary>
    public async IAsyncEnumerable<VectorSearchResult<IngestedChunk>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<IngestedChunk>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        options = HybridRanking.CheckHybridSearch(keywords, top, options, "pgvector");

        var query = await ToVectorAsync(searchValue, cancellationToken);
        var results = new List<VectorSearchResult<IngestedChunk>>();
        if (await ExistsAsync(cancellationToken))
        {
            var window = HybridRanking.CandidateWindow(options.Skip, top);
            var queryTokens = keywords.SelectMany(KoreanText.Tokenize).Distinct(StringComparer.Ordinal).ToArray();
            var statistics = await GetStatisticsAsync(async: true, cancellationToken);

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await SetSearchScopeAsync(connection, window, cancellationToken);

            var vectorParameters = new List<NpgsqlParameter>();
            var vectorWhere = PgVectorFilterTranslator.Translate(options.Filter, vectorParameters);
            vectorParameters.Add(new NpgsqlParameter("query", new Vector(query)));
            vectorParameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Integer) { Value = window });
            var vectorRanking = await RankAsync(
                connection,
                $"""
                SELECT key, 1 - (embedding <=> @query) AS score
                FROM {TableName}
                WHERE embedding IS NOT NULL AND {vectorWhere}
                ORDER BY embedding <=> @query
                LIMIT @window
                """,
                vectorParameters,
                cancellationToken);

            var keywordRanking = new List<string>();
            if (queryTokens.Length > 0)
            {
                var keywordParameters = new List<NpgsqlParameter>();
                var keywordWhere = PgVectorFilterTranslator.Translate(options.Filter, keywordParameters);
                keywordParameters.Add(new NpgsqlParameter("tokens", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = queryTokens });
                keywordParameters.Add(new NpgsqlParameter("idfs", NpgsqlDbType.Array | NpgsqlDbType.Double)
                {
                    Value = queryTokens.Select(t => HybridRanking.InverseDocumentFrequency(statistics.Count, statistics.DocumentFrequency(t))).ToArray(),
                });
                keywordParameters.Add(new NpgsqlParameter("match", NpgsqlDbType.Text) { Value = TsQueryLiteral(queryTokens) });
                keywordParameters.Add(new NpgsqlParameter("k1", NpgsqlDbType.Double) { Value = HybridRanking.Bm25K1 });
                keywordParameters.Add(new NpgsqlParameter("b", NpgsqlDbType.Double) { Value = HybridRanking.Bm25B });
                keywordParameters.Add(new NpgsqlParameter("average_length", NpgsqlDbType.Double) { Value = Math.Max(statistics.AverageLength, 1) });
                keywordParameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Integer) { Value = window });

                // setweight + ts_filter cut each matching chunk's tsvector down to the query tokens before unnesting,
                // so the cost per chunk depends on the query, not on the chunk's length.
                keywordRanking = await RankAsync(
                    connection,
                    $"""
                    SELECT c.key, sum(q.idf * (t.tf * (@k1 + 1)) / (t.tf + (@k1 * (1 - @b + (@b * c.token_count / @average_length))))) AS score
                    FROM {TableName} c
                    CROSS JOIN LATERAL (
                        SELECT u.lexeme, cardinality(u.positions)::float8 AS tf
                        FROM unnest(ts_filter(setweight(c.lexemes, 'A', @tokens), ARRAY['a']::"char"[])) u
                    ) t
                    JOIN unnest(@tokens, @idfs) AS q(token, idf) ON q.token = t.lexeme
                    WHERE c.lexemes @@ @match::tsquery AND {keywordWhere}
                    GROUP BY c.key
                    ORDER BY score DESC, c.key COLLATE "C"
                    LIMIT @window
                    """,
                    keywordParameters,
                    cancellationToken);
            }

            var page = HybridRanking.Fuse(vectorRanking, keywordRanking)
                .Where(r => options.ScoreThreshold is not { } threshold || r.Value >= threshold)
                .Skip(options.Skip)
                .Take(top)
                .ToList();
            var records = await GetByKeysAsync(connection, page.Select(r => r.Key).ToList(), options.IncludeVectors, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            foreach (var (key, score) in page)
            {
                if (records.TryGetValue(key, out var record))
                {
                    results.Add(new VectorSearchResult<IngestedChunk>(record, score));
                }
            }
        }

        foreach (var result in results)
        {
            yield return result;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreCollectionMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(NpgsqlDataSource))
        {
            return _dataSource;
        }

        if (serviceType.IsInstanceOfType(_embeddingGenerator) && serviceType != typeof(object))
        {
            return _embeddingGenerator;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _statisticsGate.Dispose();
            if (_ownsDataSource)
            {
                _dataSource.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private async Task WriteAsync(string? documentId, List<Row> rows, CancellationToken cancellationToken)
    {
        if (documentId is null && rows.Count == 0)
        {
            return;
        }

        if (!_knownToExist)
        {
            await EnsureCollectionExistsAsync(cancellationToken);
        }

        // Sorted keys make concurrent overlapping batches lock rows in the same order: no deadlocks.
        rows.Sort((a, b) => string.CompareOrdinal(a.Record.Key, b.Record.Key));
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (documentId is not null)
        {
            // Two servers replacing the same document must not interleave their deletes and inserts.
            await ExecuteAsync(
                connection,
                $"SELECT pg_advisory_xact_lock(@class, hashtext(@document)); DELETE FROM {TableName} WHERE document_id = @document",
                cancellationToken,
                ("class", DocumentLockClass),
                ("document", documentId));
        }

        foreach (var chunk in rows.Chunk(UpsertBatchSize))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var row in chunk)
            {
                batch.BatchCommands.Add(UpsertCommand(row));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref _writeVersion);
    }

    private static NpgsqlBatchCommand UpsertCommand(Row row)
    {
        var record = row.Record;
        var command = new NpgsqlBatchCommand(
            $"""
            INSERT INTO {TableName} (key, document_id, document_title, document_type, product, section, page, ordinal, text, document_hash, embedding, lexemes, token_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::tsvector, $13)
            ON CONFLICT (key) DO UPDATE SET
                document_id = EXCLUDED.document_id, document_title = EXCLUDED.document_title, document_type = EXCLUDED.document_type,
                product = EXCLUDED.product, section = EXCLUDED.section, page = EXCLUDED.page, ordinal = EXCLUDED.ordinal,
                text = EXCLUDED.text, document_hash = EXCLUDED.document_hash, embedding = EXCLUDED.embedding,
                lexemes = EXCLUDED.lexemes, token_count = EXCLUDED.token_count
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.Key });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.DocumentId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.DocumentTitle });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.DocumentType });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.Product });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.Section });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)record.Page ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = record.Ordinal });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.Text });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = record.DocumentHash });
        command.Parameters.Add(new NpgsqlParameter { DataTypeName = "vector", Value = record.Vector.IsEmpty ? DBNull.Value : new Vector(record.Vector.ToArray()) });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = row.Lexemes });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = row.TokenCount });
        return command;
    }

    private Row ToRow(IngestedChunk record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Key, nameof(record));
        if (!record.Vector.IsEmpty && record.Vector.Length != Dimensions)
        {
            throw new ArgumentException(
                $"Record '{record.Key}' has a {record.Vector.Length}-dimensional vector; the collection stores {Dimensions}.",
                nameof(record));
        }

        var tokens = KoreanText.Tokenize(ChunkText.ForLexicalIndex(record));
        return new Row(record, TsVectorLiteral(tokens), tokens.Count);
    }

    /// <summary>
    /// A tsvector value holding each token with its 1-based positions. Positions above PostgreSQL's limit of 16383
    /// are clamped there; a chunk of a few thousand characters never reaches it.
    /// </summary>
    private static string TsVectorLiteral(IReadOnlyList<string> tokens)
    {
        var positions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            // PostgreSQL rejects lexemes of 2 KB or more; no query could usefully match such a run anyway.
            if (Encoding.UTF8.GetByteCount(tokens[i]) >= 2046)
            {
                continue;
            }

            if (!positions.TryGetValue(tokens[i], out var list))
            {
                positions[tokens[i]] = list = [];
            }

            list.Add(Math.Min(i + 1, 16383));
        }

        var literal = new StringBuilder();
        foreach (var (token, list) in positions)
        {
            if (literal.Length > 0)
            {
                literal.Append(' ');
            }

            AppendQuoted(literal, token);
            literal.Append(':').AppendJoin(',', list.Distinct());
        }

        return literal.ToString();
    }

    /// <summary>A tsquery value matching any of the tokens.</summary>
    private static string TsQueryLiteral(IEnumerable<string> tokens)
    {
        var literal = new StringBuilder();
        foreach (var token in tokens)
        {
            if (literal.Length > 0)
            {
                literal.Append(" | ");
            }

            AppendQuoted(literal, token);
        }

        return literal.ToString();
    }

    private static void AppendQuoted(StringBuilder literal, string token)
    {
        literal.Append('\'');
        foreach (var c in token)
        {
            if (c is '\'' or '\\')
            {
                literal.Append(c == '\'' ? '\'' : '\\');
            }

            literal.Append(c);
        }

        literal.Append('\'');
    }

    private static async Task SetSearchScopeAsync(NpgsqlConnection connection, int candidates, CancellationToken cancellationToken)
    {
        // Local to the transaction: strict_order iterative scans return exact distance order and keep scanning past
        // ef_search until a filtered or deep page is full.
        await ExecuteAsync(
            connection,
            "SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', 'strict_order', true)",
            cancellationToken,
            ("ef", Math.Clamp(candidates, 40, MaxEfSearch).ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<List<string>> RankAsync(NpgsqlConnection connection, string sql, List<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        var scored = new List<(string Key, double Score)>();
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            command.Parameters.AddRange(parameters.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                scored.Add((reader.GetString(0), reader.GetDouble(1)));
            }
        }

        // Re-sorted here so ties break by ordinal key order exactly as in the embedded store.
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key).ToList();
    }

    private async Task<Dictionary<string, IngestedChunk>> GetByKeysAsync(List<string> keys, bool includeVectors, CancellationToken cancellationToken)
    {
        if (keys.Count == 0 || !await ExistsAsync(cancellationToken))
        {
            return new Dictionary<string, IngestedChunk>(StringComparer.Ordinal);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await GetByKeysAsync(connection, keys, includeVectors, cancellationToken);
    }

    private static async Task<Dictionary<string, IngestedChunk>> GetByKeysAsync(
        NpgsqlConnection connection,
        List<string> keys,
        bool includeVectors,
        CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, IngestedChunk>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return records;
        }

        await using var command = new NpgsqlCommand($"SELECT {SelectColumns(includeVectors)} FROM {TableName} WHERE key = ANY(@keys)", connection);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = ReadRecord(reader, includeVectors);
            records[record.Key] = record;
        }

        return records;
    }

    private static string SelectColumns(bool includeVectors) => includeVectors ? RecordColumns + ", embedding" : RecordColumns;

    private static IngestedChunk ReadRecord(NpgsqlDataReader reader, bool includeVectors) => new()
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
        Vector = includeVectors && !reader.IsDBNull(10) ? reader.GetFieldValue<Vector>(10).Memory : ReadOnlyMemory<float>.Empty,
    };

    /// <summary>Whether the table exists; remembered once true, so reads of a collection never created return nothing instead of failing.</summary>
    private async ValueTask<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        if (_knownToExist)
        {
            return true;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (!await TableExistsAsync(connection, cancellationToken))
        {
            return false;
        }

        // Another server created the table (and maybe the extension) after this data source loaded its types.
        await connection.ReloadTypesAsync(cancellationToken);
        _knownToExist = true;
        return true;
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await ScalarAsync<bool>(connection, "SELECT to_regclass(@table) IS NOT NULL", cancellationToken, ("table", TableName));

    private async ValueTask<KeywordStatistics> GetStatisticsAsync(bool async, CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref _writeVersion);
        var statistics = _statistics;
        if (statistics is not null && statistics.Version == version)
        {
            if (DateTime.UtcNow - statistics.LoadedAtUtc >= StatisticsMaxAge)
            {
                // Other servers' writes are picked up in the background; this query uses what is cached.
                RefreshStatisticsInBackground();
            }

            return statistics;
        }

        // This instance wrote since the statistics were read: read them again before ranking with them.
        return await ReloadStatisticsAsync(async, cancellationToken);
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
                await ReloadStatisticsAsync(async: true, CancellationToken.None, force: true);
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

    private async ValueTask<KeywordStatistics> ReloadStatisticsAsync(bool async, CancellationToken cancellationToken, bool force = false)
    {
        if (async)
        {
            await _statisticsGate.WaitAsync(cancellationToken);
        }
        else
        {
            _statisticsGate.Wait(cancellationToken);
        }

        try
        {
            var version = Interlocked.Read(ref _writeVersion);
            var statistics = _statistics;
            if (statistics is not null && statistics.Version == version && (!force || DateTime.UtcNow - statistics.LoadedAtUtc < StatisticsMaxAge))
            {
                return statistics;
            }

            statistics = await LoadStatisticsAsync(version, async, cancellationToken);
            _statistics = statistics;
            _logger.LogDebug("Keyword statistics of {Table}: {Count} chunks, {Terms} terms", TableName, statistics.Count, statistics.Terms);
            return statistics;
        }
        finally
        {
            _statisticsGate.Release();
        }
    }

    private async ValueTask<KeywordStatistics> LoadStatisticsAsync(long version, bool async, CancellationToken cancellationToken)
    {
        await using var connection = async ? await _dataSource.OpenConnectionAsync(cancellationToken) : _dataSource.OpenConnection();
        await using var transaction = async
            ? await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            : connection.BeginTransaction(IsolationLevel.RepeatableRead);
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection, transaction);
        exists.Parameters.AddWithValue("table", TableName);
        if (!(bool)(async ? await exists.ExecuteScalarAsync(cancellationToken) : exists.ExecuteScalar())!)
        {
            return new KeywordStatistics(0, 0, new Dictionary<string, int>(StringComparer.Ordinal), version, DateTime.UtcNow);
        }

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT count(*)::int, coalesce(avg(token_count), 0)::float8 FROM {TableName}"),
                new NpgsqlBatchCommand($"SELECT word, ndoc FROM ts_stat('SELECT lexemes FROM {TableName}')"),
            },
        };
        await using var reader = async ? await batch.ExecuteReaderAsync(cancellationToken) : batch.ExecuteReader();
        _ = async ? await reader.ReadAsync(cancellationToken) : reader.Read();
        var count = reader.GetInt32(0);
        var average = reader.GetDouble(1);
        _ = async ? await reader.NextResultAsync(cancellationToken) : reader.NextResult();
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        while (async ? await reader.ReadAsync(cancellationToken) : reader.Read())
        {
            frequencies[reader.GetString(0)] = reader.GetInt32(1);
        }

        return new KeywordStatistics(count, average, frequencies, version, DateTime.UtcNow);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
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

    private Task<ReadOnlyMemory<float>> ToVectorAsync<TInput>(TInput searchValue, CancellationToken cancellationToken) =>
        HybridRanking.ToVectorAsync(searchValue, _embeddingGenerator, Dimensions, "pgvector", cancellationToken);

    private sealed record Row(IngestedChunk Record, string Lexemes, int TokenCount);

    private sealed record KeywordStatistics(int Count, double AverageLength, Dictionary<string, int> Frequencies, long Version, DateTime LoadedAtUtc)
    {
        public int Terms => Frequencies.Count;

        public int DocumentFrequency(string token) => Frequencies.GetValueOrDefault(token);
    }
}
