using System.Buffers;
using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using Chatbot.Rag.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// The embedded default chunk store: every chunk in memory with exact search — vectors in contiguous blocks scored
/// with SIMD cosine similarity, and an inverted index of Korean tokens scored with BM25 — persisted to an append-only
/// log in the data directory so a restart does not re-embed.
/// </summary>
/// <remarks>
/// <para>
/// Writes append one checksummed record per call and fsync once: the cost of a write is the size of what changed,
/// not of the store. A record torn by a crash fails its checksum and is cut off at the next open, so a replacement
/// is all or nothing. When superseded records make up more than half the log, it is rewritten once
/// (atomically, via a temporary file and a rename), which keeps the total bytes written linear in the corpus.
/// </para>
/// <para>
/// Searches take a shared lock and run in parallel; a write holds the exclusive lock only while it applies an
/// already-persisted change in memory. Removed chunks leave tombstones that are swept when they outnumber the live
/// ones. Reads and writes of the log are serialised; if the log cannot be written, memory is left unchanged.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name the configuration, docs and other services know the store by.")]
public sealed class EmbeddedVectorStoreCollection : IDocumentChunkStore, IDisposable
{
    /// <summary>The file name used in a data directory.</summary>
    public const string DefaultFileName = "chunks.log";

    // The whole-file JSON index of earlier versions; it is removed, and the ingestion at start rebuilds the log.
    private const string LegacyFileName = "chunks.index.json";

    private const int BlockRows = 4096;
    private const int Dimensions = IngestedChunk.VectorDimensions;
    private const int BlockFloats = BlockRows * Dimensions;
    private static readonly byte[] Magic = "DYCHUNK1"u8.ToArray();

    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private Index _index = new();
    private FileStream? _log;
    private long _liveBytes;

    /// <summary>Opens the store persisted at <paramref name="filePath"/>, loading it if the file exists.</summary>
    public EmbeddedVectorStoreCollection(string filePath, ILogger<EmbeddedVectorStoreCollection>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        FilePath = Path.GetFullPath(filePath);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Load();
    }

    /// <summary>The log the store is persisted to.</summary>
    public string FilePath { get; }

    /// <summary>The number of stored chunks.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _index.LiveCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>How far the log may outgrow twice its live contents before it is compacted.</summary>
    internal long CompactionSlackBytes { get; init; } = 16 << 20;

    /// <summary>Bytes appended to the log by this instance, compactions included: what ingestion costs the disk.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>
    /// Ranks every chunk by cosine similarity and, separately, by BM25 over the Korean tokens of the keywords
    /// (section and text), then fuses the first <see cref="HybridRanking.CandidateWindow"/> of each ranking by
    /// reciprocal rank fusion.
    /// </summary>
    public Task<IReadOnlyList<ChunkMatch>> HybridSearchAsync(
        ReadOnlyMemory<float> queryVector,
        IReadOnlyCollection<string> keywords,
        int top,
        CancellationToken cancellationToken = default)
    {
        HybridRanking.CheckSearch(queryVector, keywords, top, Dimensions);
        var queryTokens = HybridRanking.KeywordTokens(keywords);
        var window = HybridRanking.CandidateWindow(top);
        _lock.EnterReadLock();
        try
        {
            var index = _index;
            var vectorRanking = index.VectorRanking(queryVector.Span, window);
            var keywordRanking = index.KeywordRanking(queryTokens, window);
            IReadOnlyList<ChunkMatch> matches = HybridRanking.Fuse(vectorRanking, keywordRanking)
                .Take(top)
                .Select(r => new ChunkMatch(index.WithVector(index.SlotOf[r.Key]), r.Value))
                .ToList();
            return Task.FromResult(matches);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public ValueTask<IKeywordStatistics> GetKeywordStatisticsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IKeywordStatistics>(new LiveStatistics(this));

    public Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken = default)
    {
        _lock.EnterReadLock();
        try
        {
            IReadOnlyDictionary<string, string> hashes = _index.DocumentSlots.ToDictionary(
                d => d.Key,
                d => _index.Chunks[d.Value[0]]!.DocumentHash,
                StringComparer.Ordinal);
            return Task.FromResult(hashes);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Task<IReadOnlyList<IngestedChunk>> GetDocumentChunksAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        _lock.EnterReadLock();
        try
        {
            IReadOnlyList<IngestedChunk> chunks = _index.DocumentSlots.TryGetValue(documentId, out var slots)
                ? slots.Select(s => _index.Chunks[s]!).OrderBy(c => c.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal).ToList()
                : [];
            return Task.FromResult(chunks);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Task ReplaceDocumentsAsync(IReadOnlyList<DocumentChunks> documents, CancellationToken cancellationToken = default)
    {
        HybridRanking.CheckReplacement(documents, Dimensions);
        return documents.Count == 0 ? Task.CompletedTask : WriteAsync(documents, cancellationToken);
    }

    public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return WriteAsync([new DocumentChunks(documentId, [])], cancellationToken);
    }

    public void Dispose()
    {
        _log?.Dispose();
        _lock.Dispose();
        _writeGate.Dispose();
    }

    private async Task WriteAsync(IReadOnlyList<DocumentChunks> documents, CancellationToken cancellationToken)
    {
        // Tokenising and encoding happen before any lock is taken.
        var prepared = documents.Select(d => (d.DocumentId, Chunks: d.Chunks.Select(PreparedChunk.From).ToList())).ToList();
        var record = EncodeRecord(prepared);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            foreach (var (documentId, chunks) in prepared)
            {
                var taken = chunks.FirstOrDefault(c => _index.SlotOf.TryGetValue(c.Chunk.Key, out var slot) && _index.Chunks[slot]!.DocumentId != documentId);
                if (taken is not null)
                {
                    throw new ArgumentException($"The key '{taken.Chunk.Key}' already belongs to another document.", nameof(documents));
                }
            }

            if (prepared.All(d => d.Chunks.Count == 0 && !_index.DocumentSlots.ContainsKey(d.DocumentId)))
            {
                return; // Deleting what is not there changes nothing, on disk either.
            }

            await AppendAsync(record, cancellationToken);
            _lock.EnterWriteLock();
            try
            {
                foreach (var (documentId, chunks) in prepared)
                {
                    _liveBytes += _index.Replace(documentId, chunks);
                }

                if (_index.DeadCount > Math.Max(BlockRows, _index.LiveCount))
                {
                    _index = _index.Compacted();
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            if (_log!.Length > (2 * _liveBytes) + CompactionSlackBytes)
            {
                await CompactLogAsync(cancellationToken);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task AppendAsync(byte[] record, CancellationToken cancellationToken)
    {
        var log = _log ??= OpenLog();
        var end = log.Length;
        try
        {
            log.Position = end;
            await log.WriteAsync(record, cancellationToken);
            await log.FlushAsync(cancellationToken);
            log.Flush(flushToDisk: true);
            BytesWritten += record.Length;
        }
        catch
        {
            // Leave no partial record behind for the next append to follow.
            try
            {
                log.SetLength(end);
            }
            catch (IOException)
            {
                // The next open cuts a torn record off by its checksum.
            }

            throw;
        }
    }

    private FileStream OpenLog()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var log = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        if (log.Length == 0)
        {
            log.Write(Magic);
            log.Flush(flushToDisk: true);
            BytesWritten += Magic.Length;
        }

        return log;
    }

    /// <summary>Rewrites the log with one record per live document, so superseded records stop costing disk and start-up time.</summary>
    private async Task CompactLogAsync(CancellationToken cancellationToken)
    {
        List<(string DocumentId, List<PreparedChunk> Chunks)> documents;
        _lock.EnterReadLock();
        try
        {
            documents = _index.DocumentSlots.Select(d => (d.Key, d.Value.Select(s => _index.Prepared(s)).ToList())).ToList();
        }
        finally
        {
            _lock.ExitReadLock();
        }

        var temporary = $"{FilePath}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(Magic, cancellationToken);
                foreach (var document in documents)
                {
                    var record = EncodeRecord([document]);
                    await stream.WriteAsync(record, cancellationToken);
                    BytesWritten += record.Length;
                }

                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            _log?.Dispose();
            _log = null;
            File.Move(temporary, FilePath, overwrite: true);
            _log = OpenLog();
            _logger.LogInformation("Compacted {Path} to {Bytes} bytes for {Documents} documents", FilePath, _log.Length, documents.Count);
        }
        finally
        {
            File.Delete(temporary);
            _log ??= OpenLog();
        }
    }

    private void Load()
    {
        var legacy = Path.Combine(Path.GetDirectoryName(FilePath)!, LegacyFileName);
        if (File.Exists(legacy))
        {
            _logger.LogInformation("Removing the index {Path} of an earlier version; the next ingestion rebuilds it as {Log}", legacy, FilePath);
            File.Delete(legacy);
        }

        if (!File.Exists(FilePath))
        {
            return;
        }

        var log = OpenLog();
        long good = Magic.Length;
        try
        {
            using var reader = new BinaryReader(log, Encoding.UTF8, leaveOpen: true);
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException($"{FilePath} is not a chunk log.");
            }

            while (log.Position < log.Length)
            {
                if (!TryReadRecord(reader, out var documents))
                {
                    _logger.LogWarning("Cutting a torn or corrupt record off {Path} at byte {Offset} of {Length}", FilePath, good, log.Length);
                    log.SetLength(good);
                    break;
                }

                foreach (var (documentId, chunks) in documents)
                {
                    _liveBytes += _index.Replace(documentId, chunks);
                }

                good = log.Position;
            }

            if (_index.DeadCount > 0)
            {
                _index = _index.Compacted();
            }

            _logger.LogInformation("Loaded {Count} chunks from {Path}", _index.LiveCount, FilePath);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            // A log of another format or version is rebuilt by the next ingestion; refusing to start would help no one.
            _logger.LogError(ex, "Ignoring unreadable chunk log {Path}; the next ingestion rebuilds it", FilePath);
            _index = new Index();
            _liveBytes = 0;
            log.SetLength(0);
            log.Position = 0;
            log.Write(Magic);
            log.Flush(flushToDisk: true);
        }

        _log = log;
    }

    // Record: int32 payload length, payload, CRC-32 of the payload. Payload: document count, then per document its
    // id and chunks (no chunks = deleted).
    private static byte[] EncodeRecord(IReadOnlyList<(string DocumentId, List<PreparedChunk> Chunks)> documents)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(documents.Count);
            foreach (var (documentId, chunks) in documents)
            {
                writer.Write(documentId);
                writer.Write(chunks.Count);
                foreach (var chunk in chunks)
                {
                    chunk.Write(writer);
                }
            }
        }

        var body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        var record = new byte[body.Length + 8];
        BitConverter.TryWriteBytes(record.AsSpan(0, 4), body.Length);
        body.CopyTo(record.AsSpan(4));
        BitConverter.TryWriteBytes(record.AsSpan(4 + body.Length), Crc32.HashToUInt32(body));
        return record;
    }

    private static bool TryReadRecord(BinaryReader reader, out List<(string DocumentId, List<PreparedChunk> Chunks)> documents)
    {
        documents = [];
        var remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (remaining < 8)
        {
            return false;
        }

        var length = reader.ReadInt32();
        if (length < 0 || length > remaining - 8)
        {
            return false;
        }

        var body = reader.ReadBytes(length);
        if (Crc32.HashToUInt32(body) != reader.ReadUInt32())
        {
            return false;
        }

        using var payload = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var count = payload.ReadInt32();
        for (var d = 0; d < count; d++)
        {
            var documentId = payload.ReadString();
            var chunks = new List<PreparedChunk>(payload.ReadInt32());
            for (var c = chunks.Capacity; c > 0; c--)
            {
                chunks.Add(PreparedChunk.Read(payload, documentId));
            }

            documents.Add((documentId, chunks));
        }

        return true;
    }

    /// <summary>A chunk ready to store: without its vector, the vector copied, its index tokens counted.</summary>
    private sealed record PreparedChunk(IngestedChunk Chunk, float[] Vector, Dictionary<string, int> TermFrequencies, int Length, int Bytes)
    {
        public static PreparedChunk From(IngestedChunk chunk)
        {
            var tokens = HybridRanking.IndexTokens(chunk);
            var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var token in tokens)
            {
                frequencies[token] = frequencies.GetValueOrDefault(token) + 1;
            }

            var stored = chunk with { Vector = ReadOnlyMemory<float>.Empty };
            return new PreparedChunk(stored, chunk.Vector.ToArray(), frequencies, tokens.Count, EstimateBytes(stored, chunk.Vector.Length));
        }

        public static PreparedChunk Read(BinaryReader reader, string documentId)
        {
            var chunk = new IngestedChunk
            {
                Key = reader.ReadString(),
                DocumentId = documentId,
                DocumentTitle = reader.ReadString(),
                DocumentType = reader.ReadString(),
                Product = reader.ReadString(),
                Section = reader.ReadString(),
                Page = reader.ReadInt32() is var page and >= 0 ? page : null,
                Ordinal = reader.ReadInt32(),
                Text = reader.ReadString(),
                DocumentHash = reader.ReadString(),
            };
            var vector = new float[reader.ReadInt32()];
            if (vector.Length is not (0 or Dimensions) || reader.Read(MemoryMarshal.AsBytes(vector.AsSpan())) != vector.Length * sizeof(float))
            {
                throw new InvalidDataException($"Chunk '{chunk.Key}' has a vector of {vector.Length} dimensions.");
            }

            return From(chunk with { Vector = vector });
        }

        public void Write(BinaryWriter writer)
        {
            writer.Write(Chunk.Key);
            writer.Write(Chunk.DocumentTitle);
            writer.Write(Chunk.DocumentType);
            writer.Write(Chunk.Product);
            writer.Write(Chunk.Section);
            writer.Write(Chunk.Page ?? -1);
            writer.Write(Chunk.Ordinal);
            writer.Write(Chunk.Text);
            writer.Write(Chunk.DocumentHash);
            writer.Write(Vector.Length);
            writer.Write(MemoryMarshal.AsBytes(Vector.AsSpan()));
        }

        private static int EstimateBytes(IngestedChunk chunk, int dimensions) =>
            48 + (dimensions * sizeof(float)) + Encoding.UTF8.GetByteCount(chunk.Key) + Encoding.UTF8.GetByteCount(chunk.Text)
            + Encoding.UTF8.GetByteCount(chunk.Section) + Encoding.UTF8.GetByteCount(chunk.DocumentTitle) + chunk.DocumentHash.Length;
    }

    /// <summary>Statistics read through the store's lock, so they are always those of the current contents.</summary>
    private sealed class LiveStatistics(EmbeddedVectorStoreCollection store) : IKeywordStatistics
    {
        public int DocumentFrequency(string token)
        {
            ArgumentNullException.ThrowIfNull(token);
            store._lock.EnterReadLock();
            try
            {
                return store._index.DocumentFrequencies.GetValueOrDefault(token);
            }
            finally
            {
                store._lock.ExitReadLock();
            }
        }

        public double InverseDocumentFrequency(string token)
        {
            ArgumentNullException.ThrowIfNull(token);
            store._lock.EnterReadLock();
            try
            {
                return HybridRanking.InverseDocumentFrequency(store._index.LiveCount, store._index.DocumentFrequencies.GetValueOrDefault(token));
            }
            finally
            {
                store._lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// The in-memory index. Chunks live in slots; a slot's vector is row <c>slot % BlockRows</c> of block
    /// <c>slot / BlockRows</c>. Removing a chunk clears its slot (a tombstone) and its postings stay until
    /// <see cref="Compacted"/>; document frequencies are kept exact at every step.
    /// </summary>
    private sealed class Index
    {
        public List<IngestedChunk?> Chunks { get; } = [];

        public List<int> Lengths { get; } = [];

        public List<int> Bytes { get; } = [];

        public List<float[]> VectorBlocks { get; } = [];

        public Dictionary<string, int> SlotOf { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<int>> DocumentSlots { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Postings> Postings { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> DocumentFrequencies { get; } = new(StringComparer.Ordinal);

        public int LiveCount { get; private set; }

        public int DeadCount => Chunks.Count - LiveCount;

        public long TotalLength { get; private set; }

        /// <summary>Replaces a document's chunks; returns the change in stored bytes.</summary>
        public long Replace(string documentId, List<PreparedChunk> chunks)
        {
            long delta = 0;
            if (DocumentSlots.Remove(documentId, out var old))
            {
                foreach (var slot in old)
                {
                    delta -= Remove(slot);
                }
            }

            if (chunks.Count > 0)
            {
                var slots = new List<int>(chunks.Count);
                foreach (var chunk in chunks)
                {
                    slots.Add(Add(chunk));
                    delta += chunk.Bytes;
                }

                DocumentSlots[documentId] = slots;
            }

            return delta;
        }

        public Span<float> VectorOf(int slot) => VectorBlocks[slot / BlockRows].AsSpan(slot % BlockRows * Dimensions, Dimensions);

        /// <summary>
        /// The chunk with its vector as a view of the block, not a copy: a slot's row is written once, when the slot is
        /// added, and never again (removal leaves a tombstone; compaction writes new blocks).
        /// </summary>
        public IngestedChunk WithVector(int slot) =>
            Chunks[slot]! with { Vector = new ReadOnlyMemory<float>(VectorBlocks[slot / BlockRows], slot % BlockRows * Dimensions, Dimensions) };

        public PreparedChunk Prepared(int slot)
        {
            var chunk = Chunks[slot]!;
            var vector = VectorOf(slot);
            return PreparedChunk.From(chunk with { Vector = vector.ContainsAnyExcept(0f) ? vector.ToArray() : ReadOnlyMemory<float>.Empty });
        }

        /// <summary>Slot keys of the <paramref name="window"/> chunks most similar to <paramref name="query"/>, best first, ties by key.</summary>
        public List<string> VectorRanking(ReadOnlySpan<float> query, int window)
        {
            var best = new TopScores(window, this);
            for (var slot = 0; slot < Chunks.Count; slot++)
            {
                if (Chunks[slot] is null)
                {
                    continue;
                }

                // A chunk stored without a vector has zeros here; cosine is then NaN and it scores 0, as before.
                var similarity = TensorPrimitives.CosineSimilarity(query, VectorOf(slot));
                best.Offer(slot, float.IsFinite(similarity) ? similarity : 0);
            }

            return best.Keys();
        }

        /// <summary>Slot keys of the <paramref name="window"/> chunks with the highest BM25 score above 0, best first, ties by key.</summary>
        public List<string> KeywordRanking(List<string> queryTokens, int window)
        {
            if (queryTokens.Count == 0 || LiveCount == 0)
            {
                return [];
            }

            var scores = ArrayPool<double>.Shared.Rent(Chunks.Count);
            var touched = new List<int>();
            try
            {
                Array.Clear(scores, 0, Chunks.Count);
                var averageLength = (double)TotalLength / LiveCount;
                foreach (var token in queryTokens)
                {
                    if (!Postings.TryGetValue(token, out var postings))
                    {
                        continue;
                    }

                    var idf = HybridRanking.InverseDocumentFrequency(LiveCount, DocumentFrequencies.GetValueOrDefault(token));
                    for (var i = 0; i < postings.Count; i++)
                    {
                        var slot = postings.Slots[i];
                        if (Chunks[slot] is null)
                        {
                            continue;
                        }

                        if (scores[slot] == 0)
                        {
                            touched.Add(slot);
                        }

                        scores[slot] += HybridRanking.Bm25(idf, postings.Frequencies[i], Lengths[slot], averageLength);
                    }
                }

                var best = new TopScores(window, this);
                foreach (var slot in touched)
                {
                    best.Offer(slot, scores[slot]);
                }

                return best.Keys();
            }
            finally
            {
                ArrayPool<double>.Shared.Return(scores);
            }
        }

        /// <summary>A copy without tombstones: live chunks in their order, vectors and postings carried over.</summary>
        public Index Compacted()
        {
            var compacted = new Index();
            var newSlot = new int[Chunks.Count];
            for (var slot = 0; slot < Chunks.Count; slot++)
            {
                newSlot[slot] = -1;
                if (Chunks[slot] is { } chunk)
                {
                    newSlot[slot] = compacted.AddSlot(chunk, VectorOf(slot), Lengths[slot], Bytes[slot]);
                }
            }

            foreach (var (documentId, slots) in DocumentSlots)
            {
                compacted.DocumentSlots[documentId] = slots.Select(s => newSlot[s]).ToList();
            }

            foreach (var (token, postings) in Postings)
            {
                var kept = new Postings();
                for (var i = 0; i < postings.Count; i++)
                {
                    if (newSlot[postings.Slots[i]] is var slot and >= 0)
                    {
                        kept.Add(slot, postings.Frequencies[i]);
                    }
                }

                if (kept.Count > 0)
                {
                    compacted.Postings[token] = kept;
                }
            }

            foreach (var (token, frequency) in DocumentFrequencies)
            {
                compacted.DocumentFrequencies[token] = frequency;
            }

            compacted.TotalLength = TotalLength;
            return compacted;
        }

        private int Add(PreparedChunk chunk)
        {
            var slot = AddSlot(chunk.Chunk, chunk.Vector, chunk.Length, chunk.Bytes);
            TotalLength += chunk.Length;
            foreach (var (token, frequency) in chunk.TermFrequencies)
            {
                if (!Postings.TryGetValue(token, out var postings))
                {
                    Postings[token] = postings = new Postings();
                }

                postings.Add(slot, frequency);
                DocumentFrequencies[token] = DocumentFrequencies.GetValueOrDefault(token) + 1;
            }

            return slot;
        }

        private int AddSlot(IngestedChunk chunk, ReadOnlySpan<float> vector, int length, int bytes)
        {
            var slot = Chunks.Count;
            if (slot / BlockRows == VectorBlocks.Count)
            {
                VectorBlocks.Add(new float[BlockFloats]);
            }

            vector.CopyTo(VectorOf(slot));
            Chunks.Add(chunk);
            Lengths.Add(length);
            Bytes.Add(bytes);
            SlotOf[chunk.Key] = slot;
            LiveCount++;
            return slot;
        }

        private int Remove(int slot)
        {
            var chunk = Chunks[slot]!;
            Chunks[slot] = null;
            SlotOf.Remove(chunk.Key);
            LiveCount--;
            TotalLength -= Lengths[slot];
            foreach (var token in HybridRanking.IndexTokens(chunk).Distinct(StringComparer.Ordinal))
            {
                if ((DocumentFrequencies[token] -= 1) == 0)
                {
                    DocumentFrequencies.Remove(token);
                }
            }

            return Bytes[slot];
        }
    }

    /// <summary>One token's postings: slots and term frequencies, appended in slot order.</summary>
    private sealed class Postings
    {
        public int[] Slots { get; private set; } = new int[4];

        public int[] Frequencies { get; private set; } = new int[4];

        public int Count { get; private set; }

        public void Add(int slot, int frequency)
        {
            if (Count == Slots.Length)
            {
                Slots = [.. Slots, .. new int[Count]];
                Frequencies = [.. Frequencies, .. new int[Count]];
            }

            Slots[Count] = slot;
            Frequencies[Count++] = frequency;
        }
    }

    /// <summary>The best <c>capacity</c> slots by score, ties by key in ordinal order, kept in a heap with the worst on top.</summary>
    private sealed class TopScores(int capacity, Index index)
    {
        private readonly PriorityQueue<int, (double Score, string Key)> _heap = new(capacity + 1, WorstFirst.Instance);

        public void Offer(int slot, double score)
        {
            if (_heap.Count < capacity)
            {
                _heap.Enqueue(slot, (score, index.Chunks[slot]!.Key));
                return;
            }

            _heap.TryPeek(out _, out var worst);
            if (score > worst.Score || (score == worst.Score && string.CompareOrdinal(index.Chunks[slot]!.Key, worst.Key) < 0))
            {
                _heap.EnqueueDequeue(slot, (score, index.Chunks[slot]!.Key));
            }
        }

        public List<string> Keys()
        {
            var keys = new List<(double Score, string Key)>(_heap.Count);
            while (_heap.TryDequeue(out _, out var entry))
            {
                keys.Add(entry);
            }

            keys.Reverse();
            return keys.Select(k => k.Key).ToList();
        }

        private sealed class WorstFirst : IComparer<(double Score, string Key)>
        {
            public static readonly WorstFirst Instance = new();

            public int Compare((double Score, string Key) x, (double Score, string Key) y)
            {
                var byScore = x.Score.CompareTo(y.Score);
                return byScore != 0 ? byScore : string.CompareOrdinal(y.Key, x.Key);
            }
        }
    }
}
