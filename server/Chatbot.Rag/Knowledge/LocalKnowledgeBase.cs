using Chatbot.Ai.Contracts;
using Chatbot.Privacy;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Knowledge;

/// <summary>
/// The knowledge base in this process: the folder <see cref="RagOptions.KnowledgePath"/> and the chunk store, changed
/// one at a time by everyone who shares the store (<see cref="IKnowledgeChangeLock"/>). Used by the embedded Api, the AI service and the CLI; the rules live here and
/// in <see cref="KnowledgeIngestor"/>, nowhere else:
/// <list type="bullet">
/// <item>a sync of a missing folder, or of one without a supported document, is refused and leaves the index as it is;</item>
/// <item>a document's new content waits in a hidden file beside its place and replaces the stored file only once it is
/// read and indexed (<see cref="KnowledgeIngestor.IngestDocumentAsync"/>);</item>
/// <item>paths stay inside the folder, are not hidden or README files (a sync skips those), have a supported extension
/// and hold no personal data (the path is the document id, which is stored and cited).</item>
/// </list>
/// </summary>
public sealed partial class LocalKnowledgeBase(
    KnowledgeIngestor ingestor,
    IDocumentChunkStore store,
    IKnowledgeChangeLock changeLock,
    PersonalDataMasker masker,
    IOptions<RagOptions> options,
    ILogger<LocalKnowledgeBase> logger) : IKnowledgeBase
{
    /// <summary>How long a change waits for the one running before it is refused with <see cref="KnowledgeProblems.IngestionRunning"/>.</summary>
    public static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(30);

    /// <summary>The knowledge folder, a full path.</summary>
    public string Folder => Path.GetFullPath(options.Value.KnowledgePath);

    public async Task<KnowledgeChange> SyncAsync(IProgress<KnowledgeProgress>? progress, CancellationToken cancellationToken)
    {
        var held = await changeLock.TryEnterAsync(BusyWait, cancellationToken);
        if (held is null)
        {
            return Busy();
        }

        try
        {
            var folder = Folder;
            if (ingestor.FindDocuments(folder).Count == 0)
            {
                // Mirroring an empty folder would delete every stored document: refuse instead.
                LogNothingToSync(logger, folder);
                return KnowledgeChange.Refused(
                    KnowledgeProblems.FolderEmpty,
                    $"The knowledge folder '{folder}' is missing or holds no {string.Join(", ", ingestor.SupportedExtensions.Order(StringComparer.Ordinal))} document. The index was left unchanged.");
            }

            var summary = await ingestor.IngestDirectoryAsync(folder, progress is null ? null : new ForwardedProgress(progress), cancellationToken);
            LogSynced(logger, folder, summary.Files, summary.Chunks, summary.Skipped, summary.Removed, summary.Failed.Count);
            foreach (var failure in summary.Failed)
            {
                LogFailed(logger, failure.Path, failure.Reason);
            }

            return KnowledgeChange.Done(ReportOf(summary));
        }
        finally
        {
            await held.DisposeAsync();
        }
    }

    public async Task<KnowledgeChange> PutAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Check(path, out var fullPath, out var relative) is { } refused)
        {
            return refused;
        }

        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.uploading");
        try
        {
            long length;
            await using (var file = File.Create(temporary))
            {
                await content.CopyToAsync(file, cancellationToken);
                length = file.Length;
            }

            if (length == 0)
            {
                return KnowledgeChange.Refused(KnowledgeProblems.EmptyDocument, "The document is empty.");
            }

            var held = await changeLock.TryEnterAsync(BusyWait, cancellationToken);
            if (held is null)
            {
                return Busy();
            }

            try
            {
                var summary = await ingestor.IngestDocumentAsync(Folder, relative, temporary, cancellationToken);
                if (summary.Failed is [var failure, ..])
                {
                    return KnowledgeChange.Refused(failure.Code, $"The document could not be ingested: {failure.Reason} The stored version, if any, is unchanged.");
                }

                File.Move(temporary, fullPath, overwrite: true);
                return KnowledgeChange.Done(ReportOf(summary));
            }
            finally
            {
                await held.DisposeAsync();
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<KnowledgeChange> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        if (Check(path, out var fullPath, out var relative) is { } refused)
        {
            return refused;
        }

        var held = await changeLock.TryEnterAsync(BusyWait, cancellationToken);
        if (held is null)
        {
            return Busy();
        }

        try
        {
            if (!File.Exists(fullPath))
            {
                return KnowledgeChange.Refused(KnowledgeProblems.DocumentNotFound, $"There is no document '{relative}' in the knowledge folder.");
            }

            File.Delete(fullPath);
            var documentId = KnowledgePaths.DocumentIdOf(relative);
            await store.DeleteDocumentAsync(documentId, cancellationToken);
            LogDeleted(logger, relative);

            // Another file with the same id (the same name, another extension) now owns the document alone.
            if (ingestor.FindDocuments(Folder).FirstOrDefault(other => KnowledgePaths.DocumentIdOf(other) == documentId) is { } owner)
            {
                var summary = await ingestor.IngestDocumentAsync(Folder, owner, Path.Combine(Folder, owner), cancellationToken);
                return KnowledgeChange.Done(ReportOf(summary));
            }

            return KnowledgeChange.Done(new IngestionReport(0, 0, 0, 1, []));
        }
        finally
        {
            await held.DisposeAsync();
        }
    }

    public async Task<IReadOnlyList<KnowledgeDocument>> ListAsync(CancellationToken cancellationToken)
    {
        var folder = Folder;
        var indexed = await store.GetDocumentHashesAsync(cancellationToken);
        return [.. ingestor.FindDocuments(folder).Select(relative =>
        {
            var file = new FileInfo(Path.Combine(folder, relative));
            var documentId = KnowledgePaths.DocumentIdOf(relative);
            return new KnowledgeDocument(documentId, relative, file.Length, file.LastWriteTimeUtc, indexed.ContainsKey(documentId));
        })];
    }

    public async Task<IReadOnlyList<KnowledgeChunk>?> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var chunks = await store.GetDocumentChunksAsync(documentId, cancellationToken);
        return chunks.Count == 0
            ? null
            : [.. chunks.OrderBy(c => c.Ordinal).Select(c => new KnowledgeChunk(c.Key, c.DocumentTitle, string.IsNullOrEmpty(c.Section) ? null : c.Section, c.Page, c.Ordinal, c.Text))];
    }

    /// <summary>The refusal of a path the knowledge base does not take, or null with its full and relative forms.</summary>
    private KnowledgeChange? Check(string path, out string fullPath, out string relative)
    {
        fullPath = relative = "";
        var root = Folder;
        string candidate;
        try
        {
            candidate = Path.GetFullPath(Path.Combine(root, (path ?? "").Replace('\\', '/').TrimStart('/')));
        }
        catch (ArgumentException)
        {
            candidate = ""; // a NUL or another character no path may hold
        }

        if (string.IsNullOrWhiteSpace(path) || !candidate.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return KnowledgeChange.Refused(KnowledgeProblems.InvalidFileName, "The document path must name a file inside the knowledge folder.");
        }

        var inside = Path.GetRelativePath(root, candidate).Replace('\\', '/');
        if (KnowledgeIngestor.IsIgnoredPath(inside))
        {
            return KnowledgeChange.Refused(KnowledgeProblems.InvalidFileName, "Hidden files and README files are not knowledge: a sync of the folder skips them.");
        }

        if (!ingestor.SupportedExtensions.Contains(Path.GetExtension(inside), StringComparer.OrdinalIgnoreCase))
        {
            return KnowledgeChange.Refused(
                KnowledgeProblems.UnsupportedType,
                $"'{Path.GetExtension(inside)}' is not a supported document type; use one of: {string.Join(", ", ingestor.SupportedExtensions.Order(StringComparer.Ordinal))}.");
        }

        if (masker.ContainsPersonalData(inside))
        {
            return KnowledgeChange.Refused(
                KnowledgeProblems.PersonalDataInFileName,
                "The document name holds personal data (a registration, phone, card or account number, an e-mail address); rename it.");
        }

        fullPath = candidate;
        relative = inside;
        return null;
    }

    private static KnowledgeChange Busy() =>
        KnowledgeChange.Refused(KnowledgeProblems.IngestionRunning, "Another change of the knowledge base is running; try again when it has finished.");

    private static IngestionReport ReportOf(IngestionSummary summary) =>
        new(summary.Files, summary.Chunks, summary.Skipped, summary.Removed, [.. summary.Failed.Select(f => new IngestionProblem(f.Path, f.Reason))]);

    private sealed class ForwardedProgress(IProgress<KnowledgeProgress> target) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => target.Report(new KnowledgeProgress(value.Processed, value.Total, value.Path));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge folder {Path} is missing or holds no document; the index was left unchanged")]
    private static partial void LogNothingToSync(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge from {Path}: {Files} files, {Chunks} chunks embedded, {Skipped} unchanged, {Removed} removed, {Failed} failed")]
    private static partial void LogSynced(ILogger logger, string path, int files, int chunks, int skipped, int removed, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not ingest {File}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the document {Path} and its chunks")]
    private static partial void LogDeleted(ILogger logger, string path);
}
