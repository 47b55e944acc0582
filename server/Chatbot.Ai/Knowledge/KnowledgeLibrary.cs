using Chatbot.Ai.Contracts;
using Chatbot.Rag;
using Chatbot.Rag.Ingestion;
using Microsoft.Extensions.Options;

namespace Chatbot.Ai.Knowledge;

/// <summary>
/// The knowledge folder and its index, kept in step: documents are written or removed, then the folder is re-ingested
/// (incrementally, so unchanged files are not re-embedded). Runs one ingestion at a time.
/// </summary>
internal sealed partial class KnowledgeLibrary(
    KnowledgeIngestor ingestor,
    IOptions<RagOptions> ragOptions,
    IOptions<AiOptions> aiOptions,
    ILogger<KnowledgeLibrary> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public string Folder => ragOptions.Value.KnowledgePath;

    /// <summary>Creates the folder, seeding it with the shipped samples when it is empty.</summary>
    public void EnsureSeeded()
    {
        Directory.CreateDirectory(Folder);
        var seed = aiOptions.Value.SeedKnowledgePath;
        if (string.IsNullOrWhiteSpace(seed) || Directory.EnumerateFileSystemEntries(Folder).Any())
        {
            return;
        }

        var source = Path.GetFullPath(seed, AppContext.BaseDirectory);
        if (!Directory.Exists(source))
        {
            LogSeedMissing(logger, source);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        LogSeeded(logger, source, Folder);
    }

    public async Task<IngestionReport> SyncAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var summary = await ingestor.IngestDirectoryAsync(Folder, progress: null, cancellationToken);
            LogIngested(logger, Folder, summary.Files, summary.Chunks, summary.Skipped, summary.Removed, summary.Failed.Count);
            return new IngestionReport(summary.Files, summary.Chunks, summary.Skipped, summary.Removed,
                [.. summary.Failed.Select(f => new IngestionProblem(f.Path, f.Reason))]);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Writes a document under the folder and ingests it. The content waits in a hidden file beside its place and
    /// replaces the document only once it is read and indexed; when it cannot be, the report names the failure and the
    /// stored file and its chunks stay as they were.
    /// </summary>
    public async Task<IngestionReport> PutAsync(string relativePath, Stream content, CancellationToken cancellationToken)
    {
        var path = Resolve(relativePath);
        var relative = Path.GetRelativePath(Path.GetFullPath(Folder), path).Replace('\\', '/');
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.uploading");
        try
        {
            await using (var file = File.Create(temporary))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            try
            {
                var summary = await ingestor.IngestDocumentAsync(Folder, relative, temporary, cancellationToken);
                if (summary.Failed.Count == 0)
                {
                    File.Move(temporary, path, overwrite: true);
                }

                return new IngestionReport(summary.Files, summary.Chunks, summary.Skipped, summary.Removed,
                    [.. summary.Failed.Select(f => new IngestionProblem(f.Path, f.Reason))]);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Removes a document and re-ingests; null when there was no such document.</summary>
    public async Task<IngestionReport?> DeleteAsync(string relativePath, CancellationToken cancellationToken)
    {
        var path = Resolve(relativePath);
        if (!File.Exists(path))
        {
            return null;
        }

        File.Delete(path);
        return await SyncAsync(cancellationToken);
    }

    /// <summary>The full path of a document, or an <see cref="ArgumentException"/> for a name that leaves the folder or cannot be ingested.</summary>
    public string Resolve(string relativePath)
    {
        var root = Path.GetFullPath(Folder);
        var path = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is outside the knowledge folder.", nameof(relativePath));
        }

        if (!ingestor.SupportedExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{relativePath}' is not a supported document type ({string.Join(", ", ingestor.SupportedExtensions)}).", nameof(relativePath));
        }

        return path;
    }

    public void Dispose() => gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seed knowledge folder {Path} does not exist; starting with no documents")]
    private static partial void LogSeedMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the knowledge folder {Folder} from {Source}")]
    private static partial void LogSeeded(ILogger logger, string source, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge from {Path}: {Files} files, {Chunks} chunks embedded, {Skipped} unchanged, {Removed} removed, {Failed} failed")]
    private static partial void LogIngested(ILogger logger, string path, int files, int chunks, int skipped, int removed, int failed);
}

/// <summary>Seeds and ingests the knowledge folder before the service takes requests.</summary>
internal sealed class KnowledgeStartup(KnowledgeLibrary library) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        library.EnsureSeeded();
        await library.SyncAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
