using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.VectorData;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// The embedded default vector store: every chunk in memory, exact cosine search, a BM25 keyword index over Korean
/// bigram tokens for hybrid search, and the whole collection persisted to one JSON file so a restart does not
/// re-embed. Suited to knowledge bases of up to some tens of thousands of chunks.
/// </summary>
/// <remarks>
/// Reads work on an immutable snapshot and never block. Writes are serialised; each write call (including a batch
/// upsert of many records) rewrites the file once, atomically via a temporary file and a rename. If the file cannot
/// be written the in-memory change is rolled back, so memory and disk agree.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named after the VectorStoreCollection abstraction it implements, like every vector store provider.")]
public sealed class EmbeddedVectorStoreCollection
    : VectorStoreCollection<string, IngestedChunk>, IKeywordHybridSearchable<IngestedChunk>, IDocumentChunkStore, IKeywordStatistics
{
    /// <summary>The file name used in a data directory.</summary>
    public const string DefaultFileName = "chunks.index.json";

    /// <summary>The constant k of reciprocal rank fusion.</summary>
    public const int RrfK = HybridRanking.RrfK;

    private const int FormatVersion = 1;
    private const double Bm25K1 = HybridRanking.Bm25K1;
    private const double Bm25B = HybridRanking.Bm25B;

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddingGenerator;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly VectorStoreCollectionMetadata _metadata;
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private volatile bool _exists;

    /// <summary>Opens the collection stored at <paramref name="filePath"/>, loading it if the file exists.</summary>
    public EmbeddedVectorStoreCollection(
        string filePath,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        ILogger<EmbeddedVectorStoreCollection>? logger = null,
        string name = IngestedChunk.CollectionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        FilePath = Path.GetFullPath(filePath);
        Name = name;
        _embeddingGenerator = embeddingGenerator;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = "dongyang-embedded", CollectionName = name };
        Load();
    }

    public override string Name { get; }

    /// <summary>The file the collection is persisted to.</summary>
    public string FilePath { get; }

    /// <summary>The number of stored records.</summary>
    public int Count => _snapshot.Entries.Count;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_exists);

    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (!_exists)
            {
                if (File.Exists(FilePath))
                {
                    Load();
                }

                if (!_exists)
                {
                    await PersistAsync(_snapshot, cancellationToken);
                    _exists = true;
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override async Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            _snapshot = Snapshot.Empty;
            _exists = false;
            if (File.Exists(FilePath))
            {
                File.Delete(FilePath);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override Task<IngestedChunk?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var record = _snapshot.Entries.TryGetValue(key, out var entry) ? Project(entry.Record, options?.IncludeVectors ?? false) : null;
        return Task.FromResult(record);
    }

    public override async IAsyncEnumerable<IngestedChunk> GetAsync(
        IEnumerable<string> keys,
        RecordRetrievalOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var snapshot = _snapshot;
        var includeVectors = options?.IncludeVectors ?? false;
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (snapshot.Entries.TryGetValue(key, out var entry))
            {
                yield return Project(entry.Record, includeVectors);
            }
        }

        await Task.CompletedTask;
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

        var predicate = filter.Compile();
        IEnumerable<IngestedChunk> records = _snapshot.Entries.Values.Select(e => e.Record).Where(predicate);

        var orderBy = options.OrderBy?.Invoke(new FilteredRecordRetrievalOptions<IngestedChunk>.OrderByDefinition());
        IOrderedEnumerable<IngestedChunk>? ordered = null;
        if (orderBy is not null)
        {
            foreach (var sort in orderBy.Values)
            {
                var selector = sort.PropertySelector.Compile();
                ordered = ordered is null
                    ? sort.Ascending ? records.OrderBy(selector, ValueComparer.Instance) : records.OrderByDescending(selector, ValueComparer.Instance)
                    : sort.Ascending ? ordered.ThenBy(selector, ValueComparer.Instance) : ordered.ThenByDescending(selector, ValueComparer.Instance);
            }
        }

        // Without an explicit order, key order keeps paging with Skip stable.
        records = ordered?.ThenBy(r => r.Key, StringComparer.Ordinal) ?? records.OrderBy(r => r.Key, StringComparer.Ordinal);
        foreach (var record in records.Skip(options.Skip).Take(top))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Project(record, options.IncludeVectors);
        }

        await Task.CompletedTask;
    }

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    public override Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyList = keys.ToList();
        return MutateAsync(entries => entries.RemoveRange(keyList), cancellationToken);
    }

    public override Task UpsertAsync(IngestedChunk record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    public override Task UpsertAsync(IEnumerable<IngestedChunk> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var entries = records.Select(CreateEntry).ToList();
        return MutateAsync(current => current.SetItems(entries.Select(e => KeyValuePair.Create(e.Record.Key, e))), cancellationToken);
    }

    public Task ReplaceDocumentAsync(string documentId, IReadOnlyCollection<IngestedChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Any(c => c.DocumentId != documentId))
        {
            throw new ArgumentException($"Every chunk must belong to document '{documentId}'.", nameof(chunks));
        }

        var entries = chunks.Select(CreateEntry).ToList();
        return MutateAsync(
            current =>
            {
                var stale = current.Values.Where(e => e.Record.DocumentId == documentId).Select(e => e.Record.Key);
                return current.RemoveRange(stale).SetItems(entries.Select(e => KeyValuePair.Create(e.Record.Key, e)));
            },
            cancellationToken);
    }

    public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return MutateAsync(
            current => current.RemoveRange(current.Values.Where(e => e.Record.DocumentId == documentId).Select(e => e.Record.Key)),
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken = default)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in _snapshot.Entries.Values)
        {
            hashes.TryAdd(entry.Record.DocumentId, entry.Record.DocumentHash);
        }

        return Task.FromResult<IReadOnlyDictionary<string, string>>(hashes);
    }

    public Task<IReadOnlyList<IngestedChunk>> GetDocumentChunksAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        IReadOnlyList<IngestedChunk> chunks = _snapshot.Entries.Values
            .Where(e => e.Record.DocumentId == documentId)
            .Select(e => Project(e.Record, includeVectors: false))
            .OrderBy(r => r.Ordinal)
            .ToList();
        return Task.FromResult(chunks);
    }

    /// <summary>Writes the current state to the file; every mutation already does this, so it is rarely needed.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await PersistAsync(_snapshot, cancellationToken);
            _exists = true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public double InverseDocumentFrequency(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _snapshot.InverseDocumentFrequency(token);
    }

    public int DocumentFrequency(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _snapshot.DocumentFrequency(token);
    }

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
        var candidates = Filter(_snapshot, options.Filter);

        var results = candidates
            .Select(e => (Entry: e, Score: Cosine(query.Span, e.Record.Vector.Span)))
            .Where(r => options.ScoreThreshold is not { } threshold || r.Score >= threshold)
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Entry.Record.Key, StringComparer.Ordinal)
            .Skip(options.Skip)
            .Take(top);

        foreach (var (entry, score) in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<IngestedChunk>(Project(entry.Record, options.IncludeVectors), score);
        }
    }

    /// <summary>
    /// Ranks by cosine similarity to <paramref name="searchValue"/> and, separately, by BM25 over the Korean bigram
    /// tokens of the keywords against each chunk's section and text, then fuses the first
    /// <see cref="HybridRanking.CandidateWindow"/> of each ranking with reciprocal rank fusion (k = 60). The result score is the fused score; <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/>
    /// applies to it.
    /// </summary>
    public async IAsyncEnumerable<VectorSearchResult<IngestedChunk>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<IngestedChunk>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        options = HybridRanking.CheckHybridSearch(keywords, top, options, "embedded");

        var query = await ToVectorAsync(searchValue, cancellationToken);
        var snapshot = _snapshot;
        var candidates = Filter(snapshot, options.Filter).ToList();

        var window = HybridRanking.CandidateWindow(options.Skip, top);
        var vectorRanking = candidates
            .Select(e => (Entry: e, Score: Cosine(query.Span, e.Record.Vector.Span)))
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Entry.Record.Key, StringComparer.Ordinal)
            .Take(window)
            .Select(r => r.Entry.Record.Key)
            .ToList();

        var queryTokens = keywords.SelectMany(KoreanText.Tokenize).Distinct(StringComparer.Ordinal).ToList();
        var lexicalRanking = candidates
            .Select(e => (Entry: e, Score: snapshot.Bm25(e, queryTokens)))
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Entry.Record.Key, StringComparer.Ordinal)
            .Take(window)
            .Select(r => r.Entry.Record.Key)
            .ToList();

        var results = HybridRanking.Fuse(vectorRanking, lexicalRanking)
            .Where(r => options.ScoreThreshold is not { } threshold || r.Value >= threshold)
            .Skip(options.Skip)
            .Take(top)
            .Select(r => (Entry: snapshot.Entries[r.Key], Score: r.Value));

        foreach (var (entry, score) in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<IngestedChunk>(Project(entry.Record, options.IncludeVectors), score);
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
            _writeGate.Dispose();
        }

        base.Dispose(disposing);
    }

    private static IEnumerable<Entry> Filter(Snapshot snapshot, Expression<Func<IngestedChunk, bool>>? filter)
    {
        if (filter is null)
        {
            return snapshot.Entries.Values;
        }

        var predicate = filter.Compile();
        return snapshot.Entries.Values.Where(e => predicate(e.Record));
    }

    private Task<ReadOnlyMemory<float>> ToVectorAsync<TInput>(TInput searchValue, CancellationToken cancellationToken) =>
        HybridRanking.ToVectorAsync(searchValue, _embeddingGenerator, IngestedChunk.VectorDimensions, "embedded", cancellationToken);

    private static double Cosine(ReadOnlySpan<float> query, ReadOnlySpan<float> vector)
    {
        if (vector.Length != query.Length || vector.Length == 0)
        {
            return 0;
        }

        var similarity = TensorPrimitives.CosineSimilarity(query, vector);
        return float.IsFinite(similarity) ? similarity : 0;
    }

    private static IngestedChunk Project(IngestedChunk record, bool includeVectors) =>
        includeVectors || record.Vector.IsEmpty ? record : record with { Vector = ReadOnlyMemory<float>.Empty };

    private static Entry CreateEntry(IngestedChunk record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Key, nameof(record));
        if (!record.Vector.IsEmpty && record.Vector.Length != IngestedChunk.VectorDimensions)
        {
            throw new ArgumentException(
                $"Record '{record.Key}' has a {record.Vector.Length}-dimensional vector; the collection stores {IngestedChunk.VectorDimensions}.",
                nameof(record));
        }

        // Copy the vector so later changes to the caller's array cannot alter the stored record.
        var stored = record with { Vector = record.Vector.ToArray() };
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokens = KoreanText.Tokenize(ChunkText.ForLexicalIndex(record));
        foreach (var token in tokens)
        {
            frequencies[token] = frequencies.GetValueOrDefault(token) + 1;
        }

        return new Entry(stored, frequencies, tokens.Count);
    }

    private async Task MutateAsync(Func<ImmutableDictionary<string, Entry>, ImmutableDictionary<string, Entry>> change, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var before = _snapshot;
            var after = new Snapshot(change(before.Entries));
            _snapshot = after;
            try
            {
                await PersistAsync(after, CancellationToken.None);
                _exists = true;
            }
            catch
            {
                _snapshot = before;
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task PersistAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(FilePath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var file = new StoredFile
        {
            Format = FormatVersion,
            Name = Name,
            Dimensions = IngestedChunk.VectorDimensions,
            Records = snapshot.Entries.Values.OrderBy(e => e.Record.Key, StringComparer.Ordinal).Select(e => StoredRecord.From(e.Record)).ToList(),
        };

        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, file, JsonOptions, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, FilePath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private void Load()
    {
        if (!File.Exists(FilePath))
        {
            return;
        }

        try
        {
            using var stream = File.OpenRead(FilePath);
            var file = JsonSerializer.Deserialize<StoredFile>(stream, JsonOptions)
                ?? throw new InvalidDataException("The index file is empty.");
            if (file.Format != FormatVersion || file.Dimensions != IngestedChunk.VectorDimensions)
            {
                throw new InvalidDataException($"The index file has format {file.Format} with {file.Dimensions} dimensions.");
            }

            var entries = (file.Records ?? []).Select(r => CreateEntry(r.ToChunk()));
            _snapshot = new Snapshot(entries.ToImmutableDictionary(e => e.Record.Key, StringComparer.Ordinal));
            _exists = true;
            _logger.LogInformation("Loaded {Count} chunks from {Path}", _snapshot.Entries.Count, FilePath);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or ArgumentException)
        {
            // A corrupt or outdated index is rebuilt by the next ingestion; refusing to start would help no one.
            _logger.LogError(ex, "Ignoring unreadable vector index {Path}; it will be rebuilt on the next ingestion", FilePath);
            _snapshot = Snapshot.Empty;
        }
    }

    private sealed record Entry(IngestedChunk Record, Dictionary<string, int> TermFrequencies, int Length);

    private sealed class Snapshot(ImmutableDictionary<string, Entry> entries)
    {
        public static readonly Snapshot Empty = new(ImmutableDictionary.Create<string, Entry>(StringComparer.Ordinal));

        private readonly Lazy<(Dictionary<string, int> DocumentFrequencies, double AverageLength)> _statistics = new(() =>
        {
            var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
            long total = 0;
            foreach (var entry in entries.Values)
            {
                total += entry.Length;
                foreach (var term in entry.TermFrequencies.Keys)
                {
                    frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
                }
            }

            return (frequencies, entries.Count == 0 ? 0 : (double)total / entries.Count);
        });

        public ImmutableDictionary<string, Entry> Entries { get; } = entries;

        public double Bm25(Entry entry, List<string> queryTokens)
        {
            if (queryTokens.Count == 0)
            {
                return 0;
            }

            var (documentFrequencies, averageLength) = _statistics.Value;
            var n = Entries.Count;
            double score = 0;
            foreach (var token in queryTokens)
            {
                if (!entry.TermFrequencies.TryGetValue(token, out var tf))
                {
                    continue;
                }

                var idf = Idf(n, documentFrequencies.GetValueOrDefault(token));
                var norm = tf + (Bm25K1 * (1 - Bm25B + (Bm25B * entry.Length / Math.Max(averageLength, 1))));
                score += idf * (tf * (Bm25K1 + 1)) / norm;
            }

            return score;
        }

        public double InverseDocumentFrequency(string token) =>
            Idf(Entries.Count, _statistics.Value.DocumentFrequencies.GetValueOrDefault(token));

        public int DocumentFrequency(string token) => _statistics.Value.DocumentFrequencies.GetValueOrDefault(token);

        private static double Idf(int n, int df) => HybridRanking.InverseDocumentFrequency(n, df);
    }

    /// <summary>Orders property values of mixed types; nulls first, then by IComparable.</summary>
    private sealed class ValueComparer : IComparer<object?>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (string a, string b) => string.CompareOrdinal(a, b),
            (IComparable a, _) => a.CompareTo(y),
            _ => 0,
        };
    }

    private sealed class StoredFile
    {
        public int Format { get; set; }
        public string Name { get; set; } = "";
        public int Dimensions { get; set; }
        public List<StoredRecord>? Records { get; set; }
    }

    private sealed class StoredRecord
    {
        public string Key { get; set; } = "";
        public string DocumentId { get; set; } = "";
        public string DocumentTitle { get; set; } = "";
        public string DocumentType { get; set; } = "";
        public string Product { get; set; } = "";
        public string Section { get; set; } = "";
        public int? Page { get; set; }
        public int Ordinal { get; set; }
        public string Text { get; set; } = "";
        public string DocumentHash { get; set; } = "";

        /// <summary>Little-endian float32 values, base64: a third the size of a JSON number array.</summary>
        public string Vector { get; set; } = "";

        public static StoredRecord From(IngestedChunk chunk) => new()
        {
            Key = chunk.Key,
            DocumentId = chunk.DocumentId,
            DocumentTitle = chunk.DocumentTitle,
            DocumentType = chunk.DocumentType,
            Product = chunk.Product,
            Section = chunk.Section,
            Page = chunk.Page,
            Ordinal = chunk.Ordinal,
            Text = chunk.Text,
            DocumentHash = chunk.DocumentHash,
            Vector = Convert.ToBase64String(MemoryMarshal.AsBytes(chunk.Vector.Span)),
        };

        public IngestedChunk ToChunk()
        {
            var bytes = Convert.FromBase64String(Vector);
            var vector = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            return new IngestedChunk
            {
                Key = Key,
                DocumentId = DocumentId,
                DocumentTitle = DocumentTitle,
                DocumentType = DocumentType,
                Product = Product,
                Section = Section,
                Page = Page,
                Ordinal = Ordinal,
                Text = Text,
                DocumentHash = DocumentHash,
                Vector = vector,
            };
        }
    }
}
