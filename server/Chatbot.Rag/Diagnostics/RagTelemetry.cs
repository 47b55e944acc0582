using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chatbot.Rag.Diagnostics;

/// <summary>
/// The engine's spans and metrics (ActivitySource and Meter "Chatbot.Rag"). Attributes carry counts, scores, document
/// ids and outcomes, never the question or any text a customer wrote.
/// </summary>
public static class RagTelemetry
{
    public const string Name = "Chatbot.Rag";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> RetrievalDuration = Meter.CreateHistogram<double>(
        "chatbot.rag.retrieval.duration", "s", "Time to retrieve and rank the passages for one question.");

    private static readonly Counter<long> IngestedDocuments = Meter.CreateCounter<long>(
        "chatbot.rag.ingestion.documents", "{document}", "Documents handled by ingestion, by outcome (ingested, skipped, removed, failed).");

    private static readonly Counter<long> IngestedChunks = Meter.CreateCounter<long>(
        "chatbot.rag.ingestion.chunks", "{chunk}", "Chunks written by ingestion.");

    private static readonly Histogram<double> AnswerDuration = Meter.CreateHistogram<double>(
        "chatbot.rag.answer.duration", "s", "Time to produce a whole answer in the engine, by mode and outcome.");

    private static readonly Counter<long> ModelFallbacks = Meter.CreateCounter<long>(
        "chatbot.rag.model.fallbacks", "{answer}", "Model answers replaced by the offline answer, by reason.");

    public static void RecordRetrieval(TimeSpan elapsed, bool confident) =>
        RetrievalDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("rag.confident", confident));

    public static void RecordIngestion(int ingested, int skipped, int removed, int failed, int chunks)
    {
        IngestedDocuments.Add(ingested, new KeyValuePair<string, object?>("outcome", "ingested"));
        IngestedDocuments.Add(skipped, new KeyValuePair<string, object?>("outcome", "skipped"));
        IngestedDocuments.Add(removed, new KeyValuePair<string, object?>("outcome", "removed"));
        IngestedDocuments.Add(failed, new KeyValuePair<string, object?>("outcome", "failed"));
        IngestedChunks.Add(chunks);
    }

    public static void RecordAnswer(TimeSpan elapsed, string mode, bool grounded) =>
        AnswerDuration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("rag.mode", mode),
            new KeyValuePair<string, object?>("rag.grounded", grounded));

    /// <summary>The model's answer was not used; <paramref name="reason"/> is a fixed word: <c>timeout</c>, <c>model_error</c> or <c>ungrounded</c>.</summary>
    public static void RecordModelFallback(string reason)
    {
        ModelFallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Activity.Current?.AddEvent(new ActivityEvent("rag.model.fallback", tags: new ActivityTagsCollection { ["reason"] = reason }));
    }
}
