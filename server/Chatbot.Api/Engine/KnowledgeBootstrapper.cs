using Chatbot.Rag;
using Chatbot.Rag.Ingestion;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Engine;

/// <summary>
/// Brings the index up to date with the knowledge folder before the server takes questions. Ingestion is incremental,
/// so a restart with unchanged documents embeds nothing.
/// </summary>
internal sealed partial class KnowledgeBootstrapper(
    KnowledgeIngestor ingestor,
    IOptions<RagOptions> options,
    ILogger<KnowledgeBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.KnowledgePath;
        if (!Directory.Exists(path))
        {
            LogMissing(logger, path);
            return;
        }

        var summary = await ingestor.IngestDirectoryAsync(path, progress: null, cancellationToken);
        LogIngested(logger, path, summary.Files, summary.Chunks, summary.Skipped, summary.Failed.Count);
        foreach (var failure in summary.Failed)
        {
            LogFailed(logger, failure.Path, failure.Reason);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge folder {Path} does not exist; the bot will decline every question")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge from {Path}: {Files} files, {Chunks} chunks embedded, {Skipped} unchanged, {Failed} failed")]
    private static partial void LogIngested(ILogger logger, string path, int files, int chunks, int skipped, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not ingest {File}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string file, string reason);
}
