using System.Diagnostics;
using System.Text;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Rag.Evaluation;

/// <summary>Progress of an evaluation: ingestion first, then one report per question.</summary>
/// <param name="Stage">"ingest" or "ask".</param>
/// <param name="Done">Items done in this stage.</param>
/// <param name="Total">Items in this stage.</param>
/// <param name="Item">The file or question id just handled.</param>
public sealed record EvaluationProgress(string Stage, int Done, int Total, string Item);

/// <summary>
/// Runs an evaluation set against a corpus the way the chat would answer it: the engine is composed by
/// <see cref="RagServiceCollectionExtensions.AddChatbotRag"/> from the given configuration (so a configured model
/// is used exactly as in the chat), the corpus is ingested into a fresh store in a temporary directory that is deleted
/// afterwards, and every question goes through <see cref="KnowledgeRetriever"/> (for the ranking figures) and
/// <see cref="IChatAnswerer"/> (for the answer, its citations and whether it declined).
/// </summary>
public static class RagEvaluator
{
    /// <summary>Ingests <paramref name="corpusPath"/> into an isolated store and asks every question.</summary>
    /// <param name="corpusPath">A directory of documents in any supported format.</param>
    /// <param name="questions">The evaluation set.</param>
    /// <param name="configuration">Engine settings (the "Rag" section, model settings); the data directory and knowledge path are overridden.</param>
    /// <param name="top">How many passages retrieval returns for the ranking figures.</param>
    /// <param name="configureServices">Adds host services the engine may use, such as logging.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<EvaluationReport> RunAsync(
        string corpusPath,
        IReadOnlyList<EvaluationQuestion> questions,
        IConfiguration configuration,
        int top = 10,
        Action<IServiceCollection>? configureServices = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(corpusPath);
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var corpus = Path.GetFullPath(corpusPath);
        if (!Directory.Exists(corpus))
        {
            throw new DirectoryNotFoundException($"The corpus directory '{corpus}' does not exist.");
        }

        var stopwatch = Stopwatch.StartNew();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "chatbot-eval", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        try
        {
            var services = new ServiceCollection();
            configureServices?.Invoke(services);

            // Always an embedded store in the temporary folder, whatever store the configuration names (it may be the
            // server's PostgreSQL): an evaluation must never touch a live index. Registered first, so it is kept.
            services.AddSingleton(_ => new EmbeddedVectorStoreCollection(Path.Combine(dataDirectory, EmbeddedVectorStoreCollection.DefaultFileName)));
            services.AddSingleton<IDocumentChunkStore>(sp => sp.GetRequiredService<EmbeddedVectorStoreCollection>());
            services.AddChatbotRag(configuration);
            services.PostConfigure<RagOptions>(options =>
            {
                options.DataDirectory = dataDirectory;
                options.KnowledgePath = corpus;
            });

            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var ingestion = await provider.GetRequiredService<KnowledgeIngestor>().IngestDirectoryAsync(
                corpus,
                progress is null ? null : new InlineProgress<IngestionProgress>(p => progress.Report(new EvaluationProgress("ingest", p.Processed, p.Total, p.Path))),
                cancellationToken);
            if (ingestion.Files == 0)
            {
                var reasons = string.Join("; ", ingestion.Failed.Select(f => $"{f.Path}: {f.Reason}"));
                throw new InvalidOperationException($"Nothing in '{corpus}' could be ingested{(reasons.Length > 0 ? $" ({reasons})" : "")}.");
            }

            var documents = await provider.GetRequiredService<IDocumentChunkStore>().GetDocumentHashesAsync(cancellationToken);
            var unknown = questions.Where(q => q.ExpectedDocument is not null && !documents.ContainsKey(q.ExpectedDocument)).ToList();
            if (unknown.Count > 0)
            {
                throw new FormatException(
                    "These questions expect documents the corpus does not hold: "
                    + string.Join(", ", unknown.Take(10).Select(q => $"{q.Id} → '{q.ExpectedDocument}'"))
                    + $". Known documents: {string.Join(", ", documents.Keys.Order(StringComparer.Ordinal))}.");
            }

            var retriever = provider.GetRequiredService<KnowledgeRetriever>();
            var answerer = provider.GetRequiredService<IChatAnswerer>();
            var results = new List<QuestionResult>(questions.Count);
            foreach (var question in questions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(await AskAsync(retriever, answerer, question, top, cancellationToken));
                progress?.Report(new EvaluationProgress("ask", results.Count, questions.Count, question.Id));
            }

            return new EvaluationReport(ingestion, results, EvaluationMetrics.From(results, stopwatch.Elapsed.TotalSeconds));
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary store is harmless.
            }
        }
    }

    private static async Task<QuestionResult> AskAsync(KnowledgeRetriever retriever, IChatAnswerer answerer, EvaluationQuestion question, int top, CancellationToken cancellationToken)
    {
        var retrieval = await retriever.RetrieveAsync(question.Question, top, cancellationToken);
        var documents = retrieval.Passages.Select(p => p.Chunk.DocumentId).Distinct(StringComparer.Ordinal).ToList();
        int? rank = question.ExpectedDocument is { } expected && documents.IndexOf(expected) is var index and >= 0 ? index + 1 : null;

        var text = new StringBuilder();
        var cited = new List<string>();
        var grounded = false;
        await foreach (var update in answerer.AnswerAsync(question.Question, cancellationToken))
        {
            switch (update)
            {
                case AnswerDelta delta:
                    text.Append(delta.Text);
                    break;
                case AnswerCitations citations:
                    cited.AddRange(citations.Citations.Select(c => c.DocumentId).Where(id => !cited.Contains(id)));
                    break;
                case AnswerFinished finished:
                    grounded = finished.Grounded;
                    break;
            }
        }

        return new QuestionResult(question, documents, rank, !grounded, text.ToString(), cited.Distinct(StringComparer.Ordinal).ToList())
        {
            Relevance = retrieval.Confidence,
            UncoveredTopic = retrieval.UncoveredTopic,
        };
    }

    /// <summary>Reports on the calling thread, so reports arrive in order and before the run returns.</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
