using Chatbot.Ai.Contracts;
using Chatbot.Rag;
using Microsoft.Extensions.Options;

namespace Chatbot.Ai.Knowledge;

/// <summary>
/// Before the service takes requests: seeds an empty knowledge folder with the shipped samples (<c>Ai:SeedKnowledgePath</c>),
/// then syncs the index with the folder through the knowledge base. The AI service owns start-up ingestion whenever
/// it runs; an Api that uses it ingests nothing.
/// </summary>
internal sealed partial class KnowledgeStartup(
    IKnowledgeBase knowledge,
    IOptions<RagOptions> ragOptions,
    IOptions<AiOptions> aiOptions,
    ILogger<KnowledgeStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureSeeded();
        await knowledge.SyncAsync(progress: null, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the folder, seeding it with the shipped samples when it is empty.</summary>
    private void EnsureSeeded()
    {
        var folder = ragOptions.Value.KnowledgePath;
        Directory.CreateDirectory(folder);
        var seed = aiOptions.Value.SeedKnowledgePath;
        if (string.IsNullOrWhiteSpace(seed) || Directory.EnumerateFileSystemEntries(folder).Any())
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
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        LogSeeded(logger, folder, source);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seed knowledge folder {Path} does not exist; starting with no documents")]
    private static partial void LogSeedMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the knowledge folder {Folder} from {Source}")]
    private static partial void LogSeeded(ILogger logger, string folder, string source);
}
