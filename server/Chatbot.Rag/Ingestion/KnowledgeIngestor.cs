using System.Globalization;
using System.Security.Cryptography;
using Chatbot.Ai.Contracts;
using Chatbot.Rag.Diagnostics;
using Chatbot.Privacy;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Ingestion;

/// <summary>What happened to one file during ingestion.</summary>
public enum IngestionOutcome
{
    /// <summary>New or changed; its chunks were (re)written.</summary>
    Ingested,

    /// <summary>Unchanged since the last run.</summary>
    Skipped,

    /// <summary>Could not be read, chunked or embedded; its previous chunks, if any, are kept.</summary>
    Failed,

    /// <summary>The file is gone; its chunks were deleted.</summary>
    Removed,
}

/// <summary>Progress of an ingestion run, reported once per file.</summary>
/// <param name="Processed">Files handled so far, including this one.</param>
/// <param name="Total">Files found in the corpus plus documents to remove.</param>
/// <param name="Path">The file's path relative to the corpus root, or the removed document id.</param>
/// <param name="Outcome">What happened to it.</param>
public sealed record IngestionProgress(int Processed, int Total, string Path, IngestionOutcome Outcome);

/// <summary>A file that failed to ingest.</summary>
/// <param name="Path">The file's path relative to the corpus root.</param>
/// <param name="Reason">Why, for an operator.</param>
/// <param name="Code">
/// The <see cref="KnowledgeProblems"/> code of the refusal: <see cref="KnowledgeProblems.UnreadableDocument"/> unless a
/// more precise one applies (too complex, unsupported type, personal data in the name, document id taken).
/// </param>
public sealed record IngestionFailure(string Path, string Reason, string Code = KnowledgeProblems.UnreadableDocument);

/// <summary>The result of an ingestion run.</summary>
/// <param name="Files">Files (re)ingested because they were new or changed.</param>
/// <param name="Chunks">Chunks written for those files.</param>
/// <param name="Skipped">Unchanged files skipped.</param>
/// <param name="Removed">Documents whose files are gone and whose chunks were deleted.</param>
/// <param name="Failed">Files that failed, each with its reason.</param>
public sealed record IngestionSummary(int Files, int Chunks, int Skipped, int Removed, IReadOnlyList<IngestionFailure> Failed);

/// <summary>
/// Incrementally ingests a corpus directory into a chunk store: reads each supported file, masks personal data in its
/// text (<see cref="PersonalDataMasker.MaskDocument"/>: a registration number in a document is never indexed, so never
/// quoted), chunks it, embeds the chunks and replaces the document's chunks atomically. Unchanged files (same SHA-256
/// and same pipeline settings, masking rules included) are skipped; chunks of files no longer present are deleted. A
/// file that fails does so alone.
/// </summary>
/// <remarks>
/// Changed documents are written in batches of about <see cref="WriteBatchChunks"/> chunks, one atomic replacement
/// each, so the store pays one fsync (embedded) or one COPY (pgvector; a bulk load when the store is empty) per
/// batch rather than per file. If the store refuses a batch, every file in it is reported failed and keeps its
/// previous chunks.
/// </remarks>
public sealed class KnowledgeIngestor
{
    /// <summary>About how many chunks are written to the store at once.</summary>
    public const int WriteBatchChunks = 10_000;

    private readonly IDocumentChunkStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddingGenerator;
    private readonly KoreanChunker _chunker;
    private readonly Dictionary<string, IDocumentReader> _readers;
    private readonly RagOptions _options;
    private readonly PersonalDataMasker _masker;
    private readonly ILogger _logger;
    private readonly string _pipelineFingerprint;

    public KnowledgeIngestor(
        IDocumentChunkStore store,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        KoreanChunker chunker,
        IEnumerable<IDocumentReader> readers,
        IOptions<RagOptions>? options = null,
        ILogger<KnowledgeIngestor>? logger = null,
        PersonalDataMasker? masker = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        ArgumentNullException.ThrowIfNull(chunker);
        ArgumentNullException.ThrowIfNull(readers);
        _store = store;
        _embeddingGenerator = embeddingGenerator;
        _chunker = chunker;
        _options = options?.Value ?? new RagOptions();
        _masker = masker ?? new PersonalDataMasker();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _readers = new Dictionary<string, IDocumentReader>(StringComparer.OrdinalIgnoreCase);
        foreach (var reader in readers)
        {
            foreach (var extension in reader.Extensions)
            {
                _readers[extension] = reader;
            }
        }

        // Changing the chunker settings, the embedding model or the masking rules must re-ingest everything, not just
        // changed files: chunks indexed before masking (or with older rules) are replaced, not kept.
        var model = embeddingGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? embeddingGenerator.GetType().Name;
        _pipelineFingerprint = $"{model}/{chunker.Fingerprint}/masked-v{PersonalDataMasker.RulesVersion}";
    }

    /// <summary>The file extensions that can be ingested.</summary>
    public IReadOnlyCollection<string> SupportedExtensions => _readers.Keys;

    /// <summary>Ingests <see cref="RagOptions.KnowledgePath"/>.</summary>
    public Task<IngestionSummary> IngestDirectoryAsync(IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default) =>
        IngestDirectoryAsync(_options.KnowledgePath, progress, cancellationToken);

    /// <summary>Ingests every supported file under <paramref name="corpusPath"/>, recursively.</summary>
    public async Task<IngestionSummary> IngestDirectoryAsync(string corpusPath, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(corpusPath);
        using var activity = RagTelemetry.Source.StartActivity("rag.ingest");
        var summary = await MirrorDirectoryAsync(corpusPath, progress, cancellationToken);
        RagTelemetry.RecordIngestion(summary.Files, summary.Skipped, summary.Removed, summary.Failed.Count, summary.Chunks);
        activity?.SetTag("rag.documents.ingested", summary.Files);
        activity?.SetTag("rag.documents.skipped", summary.Skipped);
        activity?.SetTag("rag.documents.removed", summary.Removed);
        activity?.SetTag("rag.documents.failed", summary.Failed.Count);
        activity?.SetTag("rag.chunks", summary.Chunks);
        return summary;
    }

    /// <summary>
    /// Ingests one document whose new content waits in <paramref name="contentPath"/> (a temporary file), as the
    /// document <paramref name="relativePath"/> of <paramref name="corpusPath"/> will be. Nothing is replaced unless
    /// the content is read, chunked, embedded and stored: on failure the store keeps the document's previous chunks,
    /// the summary names the failure, and the caller leaves the document's file as it was. On success the caller
    /// moves <paramref name="contentPath"/> into place; the next folder ingestion then finds it unchanged.
    /// </summary>
    public async Task<IngestionSummary> IngestDocumentAsync(string corpusPath, string relativePath, string contentPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(corpusPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentPath);
        using var activity = RagTelemetry.Source.StartActivity("rag.ingest");
        var relative = relativePath.Replace('\\', '/');
        var documentId = DocumentIdOf(relative);
        IngestionSummary Failed(string path, string reason, string code)
        {
            RagTelemetry.RecordIngestion(0, 0, 0, 1, 0);
            activity?.SetTag("rag.documents.failed", 1);
            return new IngestionSummary(0, 0, 0, 0, [new IngestionFailure(path, reason, code)]);
        }

        if (!_readers.ContainsKey(Path.GetExtension(relative)))
        {
            return Failed(relative, $"'{Path.GetExtension(relative)}' is not a supported document type.", KnowledgeProblems.UnsupportedType);
        }

        if (_masker.ContainsPersonalData(relative))
        {
            var masked = _masker.Mask(relative);
            _logger.LogWarning("Not ingesting {Path}: its name holds personal data", masked);
            return Failed(masked, "The file name holds personal data; rename the file.", KnowledgeProblems.PersonalDataInFileName);
        }

        // Another file of the folder with the same id (the same name, another extension) owns the document.
        var target = Path.GetFullPath(Path.Combine(corpusPath, relative));
        if (_readers.Keys.Select(extension => Path.ChangeExtension(target, extension))
                .FirstOrDefault(other => !string.Equals(other, target, StringComparison.OrdinalIgnoreCase) && File.Exists(other)) is { } owner)
        {
            return Failed(relative, $"Document id '{documentId}' is already taken by '{Path.GetRelativePath(corpusPath, owner).Replace('\\', '/')}'.", KnowledgeProblems.DocumentIdTaken);
        }

        List<IngestedChunk> chunks;
        try
        {
            var bytes = await File.ReadAllBytesAsync(contentPath, cancellationToken);
            var hash = $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}@{_pipelineFingerprint}";
            chunks = await BuildChunksAsync(documentId, relative, bytes, hash, cancellationToken);
            await _store.ReplaceDocumentsAsync([new DocumentChunks(documentId, chunks)], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Failed to ingest {Path}; its previous version is kept", relative);
            return Failed(relative, ex.Message, CodeOf(ex));
        }

        _logger.LogInformation("Ingested {Path} as {DocumentId}: {Chunks} chunks", relative, documentId, chunks.Count);
        RagTelemetry.RecordIngestion(1, 0, 0, 0, chunks.Count);
        activity?.SetTag("rag.documents.ingested", 1);
        activity?.SetTag("rag.chunks", chunks.Count);
        return new IngestionSummary(1, chunks.Count, 0, 0, []);
    }

    private async Task<IngestionSummary> MirrorDirectoryAsync(string corpusPath, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(corpusPath);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The knowledge corpus directory '{root}' does not exist.");
        }

        var files = FindDocuments(root).Select(relative => (FullPath: Path.Combine(root, relative), Relative: relative)).ToList();

        var stored = await _store.GetDocumentHashesAsync(cancellationToken);
        var claimedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        var removals = stored.Keys.Where(id => !files.Any(f => DocumentIdOf(f.Relative) == id)).OrderBy(id => id, StringComparer.Ordinal).ToList();
        var total = files.Count + removals.Count;
        var processed = 0;
        int ingested = 0, chunkCount = 0, skipped = 0, removed = 0;
        var failures = new List<IngestionFailure>();
        var pending = new List<(string Relative, DocumentChunks Document)>();

        async Task FlushAsync()
        {
            if (pending.Count == 0)
            {
                return;
            }

            IngestionOutcome outcome;
            try
            {
                await _store.ReplaceDocumentsAsync(pending.Select(p => p.Document).ToList(), cancellationToken);
                outcome = IngestionOutcome.Ingested;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "The store refused {Count} documents", pending.Count);
                failures.AddRange(pending.Select(p => new IngestionFailure(p.Relative, ex.Message)));
                outcome = IngestionOutcome.Failed;
            }

            foreach (var (relative, document) in pending)
            {
                if (outcome == IngestionOutcome.Ingested)
                {
                    ingested++;
                    chunkCount += document.Chunks.Count;
                    _logger.LogInformation("Ingested {Path} as {DocumentId}: {Chunks} chunks", relative, document.DocumentId, document.Chunks.Count);
                }

                progress?.Report(new IngestionProgress(++processed, total, relative, outcome));
            }

            pending.Clear();
        }

        foreach (var (fullPath, relative) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var documentId = DocumentIdOf(relative);
            IngestionOutcome? outcome;
            if (claimedBy.TryGetValue(documentId, out var other))
            {
                failures.Add(new IngestionFailure(relative, $"Document id '{documentId}' is already taken by '{other}'.", KnowledgeProblems.DocumentIdTaken));
                outcome = IngestionOutcome.Failed;
            }
            else if (_masker.ContainsPersonalData(relative))
            {
                // The path becomes the document id, which is stored and cited as it is; it cannot be masked there.
                // It is reported masked too, so the name reaches no log.
                var masked = _masker.Mask(relative);
                _logger.LogWarning("Not ingesting {Path}: its name holds personal data", masked);
                failures.Add(new IngestionFailure(masked, "The file name holds personal data; rename the file.", KnowledgeProblems.PersonalDataInFileName));
                progress?.Report(new IngestionProgress(++processed, total, masked, IngestionOutcome.Failed));
                continue;
            }
            else
            {
                claimedBy[documentId] = relative;
                try
                {
                    var bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken);
                    var hash = $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}@{_pipelineFingerprint}";
                    if (stored.TryGetValue(documentId, out var storedHash) && storedHash == hash)
                    {
                        skipped++;
                        outcome = IngestionOutcome.Skipped;
                    }
                    else
                    {
                        pending.Add((relative, new DocumentChunks(documentId, await BuildChunksAsync(documentId, relative, bytes, hash, cancellationToken))));
                        outcome = null; // reported when its batch is written
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "Failed to ingest {Path}", relative);
                    failures.Add(new IngestionFailure(relative, ex.Message, CodeOf(ex)));
                    outcome = IngestionOutcome.Failed;
                }
            }

            if (outcome is { } done)
            {
                progress?.Report(new IngestionProgress(++processed, total, relative, done));
            }

            if (pending.Sum(p => p.Document.Chunks.Count) >= WriteBatchChunks) // a few hundred documents at most
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        foreach (var documentId in removals)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _store.DeleteDocumentAsync(documentId, cancellationToken);
            removed++;
            _logger.LogInformation("Removed {DocumentId}: its file is gone", documentId);
            progress?.Report(new IngestionProgress(++processed, total, documentId, IngestionOutcome.Removed));
        }

        return new IngestionSummary(ingested, chunkCount, skipped, removed, failures);
    }

    /// <summary>A document's id: its path relative to the corpus root, without extension, with '/' separators.</summary>
    public static string DocumentIdOf(string relativePath) => KnowledgePaths.DocumentIdOf(relativePath);

    /// <summary>
    /// The files a folder ingestion of <paramref name="corpusPath"/> reads, relative to it with '/' separators, in
    /// ordinal order: every supported file but hidden ones and README files. None for a missing folder.
    /// </summary>
    public IReadOnlyList<string> FindDocuments(string corpusPath)
    {
        var root = Path.GetFullPath(corpusPath);
        return !Directory.Exists(root)
            ? []
            : [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => _readers.ContainsKey(Path.GetExtension(f)) && !IsIgnored(root, f))
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .OrderBy(f => f, StringComparer.Ordinal)];
    }

    /// <summary>Whether a sync of the folder would skip <paramref name="relativePath"/> (hidden, or a README).</summary>
    public static bool IsIgnoredPath(string relativePath) =>
        Path.GetFileNameWithoutExtension(relativePath).Equals("README", StringComparison.OrdinalIgnoreCase)
        || relativePath.Split('/', '\\').Any(part => part.StartsWith('.'));

    private static string CodeOf(Exception exception) =>
        exception is DocumentTooComplexException ? DocumentTooComplexException.Code : KnowledgeProblems.UnreadableDocument;

    private async Task<List<IngestedChunk>> BuildChunksAsync(string documentId, string relative, byte[] bytes, string hash, CancellationToken cancellationToken)
    {
        var reader = _readers[Path.GetExtension(relative)];
        ParsedDocument document;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            document = await reader.ReadAsync(stream, Path.GetFileName(relative), cancellationToken);
        }

        // Sentences that address the assistant stay in the chunk (the document is kept as written) but the answerers
        // never quote them or send them to a model; an operator should hear that a document holds them.
        var instructions = document.Blocks
            .SelectMany(block => KoreanChunker.SplitSentences(block.Text))
            .Count(Safety.PromptInjectionDetector.IsInjection);
        if (instructions > 0)
        {
            _logger.LogWarning(
                "Document {DocumentId} holds {Count} sentence(s) addressed to the assistant; they are never quoted or sent to a model. Check the source: {Path}",
                documentId, instructions, relative);
        }

        document = Masked(document);
        var pieces = _chunker.Chunk(document);
        var chunks = pieces.Select((piece, ordinal) => new IngestedChunk
        {
            Key = $"{documentId}#{ordinal.ToString(CultureInfo.InvariantCulture)}",
            DocumentId = documentId,
            DocumentTitle = document.Title,
            DocumentType = document.DocumentType,
            Product = document.Product,
            Section = piece.Section,
            Page = piece.Page,
            Ordinal = ordinal,
            Text = piece.Text,
            DocumentHash = hash,
        }).ToList();

        if (chunks.Count == 0)
        {
            return chunks;
        }

        var embeddings = await _embeddingGenerator.GenerateAsync(chunks.Select(ChunkText.ForEmbedding), cancellationToken: cancellationToken);
        if (embeddings.Count != chunks.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {chunks.Count} chunks.");
        }

        return chunks.Select((chunk, i) => chunk with { Vector = embeddings[i].Vector }).ToList();
    }

    private ParsedDocument Masked(ParsedDocument document) => document with
    {
        Title = _masker.MaskDocument(document.Title),
        Blocks = [.. document.Blocks.Select(block => block with
        {
            HeadingPath = [.. block.HeadingPath.Select(_masker.MaskDocument)],
            Text = _masker.MaskDocument(block.Text),
        })],
    };

    /// <summary>Hidden files and folders, and README files that describe the corpus rather than belong to it.</summary>
    private static bool IsIgnored(string root, string path) => IsIgnoredPath(Path.GetRelativePath(root, path));
}
