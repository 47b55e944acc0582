using Chatbot.Ai.Contracts;

namespace Chatbot.Api.Engine;

/// <summary>
/// With the engine in-process: syncs the index with the knowledge folder before the server takes questions, through
/// the knowledge base (which logs what it did, and leaves the index as it is when the folder holds no document).
/// Ingestion is incremental, so a restart with unchanged documents embeds nothing. Not registered when the engine is
/// remote: the AI service syncs its own folder.
/// </summary>
internal sealed class KnowledgeBootstrapper(IKnowledgeBase knowledge) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => knowledge.SyncAsync(progress: null, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
