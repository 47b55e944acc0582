using System.Collections.Concurrent;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Ingestion;
using Chatbot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chatbot.Rag.Tests.Llm;

/// <summary>
/// The RAG engine as the host builds it (<see cref="RagServiceCollectionExtensions.AddChatbotRag"/>), configured to
/// use a <see cref="FakeOpenAiServer"/> for generation and embeddings, over a corpus ingested through that server.
/// </summary>
internal sealed class OpenAiEngine : IAsyncDisposable
{
    public const string ApiKey = "sk-test-do-not-log-3f9a1c";

    private readonly ServiceProvider _services;
    private readonly TempDirectory? _ownedData;

    private OpenAiEngine(ServiceProvider services, TempDirectory? ownedData, CapturingLoggerProvider logs)
    {
        _services = services;
        _ownedData = ownedData;
        Logs = logs;
    }

    public CapturingLoggerProvider Logs { get; }

    public IngestionSummary Ingested { get; private set; } = null!;

    public IChatAnswerer Answerer => _services.GetRequiredService<IChatAnswerer>();

    public ExtractiveAnswerer Extractive => _services.GetRequiredService<ExtractiveAnswerer>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<OpenAiEngine> StartAsync(FakeOpenAiServer server, string knowledgePath, IDictionary<string, string?>? overrides = null, TempDirectory? data = null)
    {
        var ownedData = data is null ? new TempDirectory() : null;
        data ??= ownedData!;
        var settings = new Dictionary<string, string?>
        {
            ["Ai:OpenAI:BaseUrl"] = server.BaseUrl.ToString(),
            ["Ai:OpenAI:ApiKey"] = ApiKey,
            ["Ai:OpenAI:FirstTokenTimeoutSeconds"] = "2",
            ["Ai:OpenAI:StreamIdleTimeoutSeconds"] = "2",
            ["Ai:OpenAI:MaxRetries"] = "0",
            ["Rag:DataDirectory"] = data.Combine("data"),
            ["Rag:KnowledgePath"] = knowledgePath,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddChatbotRag(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var engine = new OpenAiEngine(services, ownedData, logs);
        engine.Ingested = await services.GetRequiredService<KnowledgeIngestor>().IngestDirectoryAsync(knowledgePath, null, default);
        return engine;
    }

    public async Task<Answer> AskAsync(string question)
    {
        var updates = await Answerer.AnswerAsync(question).ToListAsync();
        return new Answer(updates);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _ownedData?.Dispose();
    }
}

/// <summary>One streamed answer, taken apart.</summary>
internal sealed record Answer(IReadOnlyList<AnswerUpdate> Updates)
{
    public IReadOnlyList<string> Deltas => Updates.OfType<AnswerDelta>().Select(d => d.Text).ToList();

    public string Text => string.Concat(Deltas);

    public IReadOnlyList<Dongyang.Chat.Protocol.Citation> Citations => Assert.Single(Updates.OfType<AnswerCitations>()).Citations;

    public AnswerFinished Finished => Assert.IsType<AnswerFinished>(Updates[^1]);
}

/// <summary>Keeps every log line, formatted, so tests can check what was and was not logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    public string All => string.Join('\n', _entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : "\n" + exception)));
    }
}
