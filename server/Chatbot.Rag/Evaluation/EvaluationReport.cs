using System.Text.Json;
using System.Text.Json.Serialization;
using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.Evaluation;

/// <summary>How the engine did on one question.</summary>
/// <param name="Question">The question and its expectations.</param>
/// <param name="RetrievedDocuments">Document ids in retrieval order (each at the rank of its best passage), at most the evaluation's top.</param>
/// <param name="Rank">The 1-based rank of the expected document among <paramref name="RetrievedDocuments"/>; null when absent or unanswerable.</param>
/// <param name="Declined">True when the answerer declined (its answer was not grounded).</param>
/// <param name="Answer">The answer text as the customer would read it.</param>
/// <param name="CitedDocuments">The distinct documents the answer cites, in citation order.</param>
public sealed record QuestionResult(
    EvaluationQuestion Question,
    IReadOnlyList<string> RetrievedDocuments,
    int? Rank,
    bool Declined,
    string Answer,
    IReadOnlyList<string> CitedDocuments)
{
    /// <summary>The retrieval's relevance of its best passage, which the offline decision compares with the threshold.</summary>
    public double Relevance { get; init; }

    /// <summary>The question word the retriever judged the documents not to cover, if any (why it declined).</summary>
    public string? UncoveredTopic { get; init; }

    /// <summary>True when the bot declined exactly when it should have.</summary>
    public bool DeclineCorrect => Declined == !Question.IsAnswerable;

    /// <summary>For an answered, answerable question with expected substrings: whether the answer holds at least one.</summary>
    public bool? ContainsExpected => !Question.IsAnswerable || Declined || Question.Answers is not { Count: > 0 } answers
        ? null
        : answers.Any(a => Normalize(Answer).Contains(Normalize(a), StringComparison.Ordinal));

    /// <summary>For an answered, answerable question with citations: the share of cited documents that are the expected one.</summary>
    public double? CitationPrecision => !Question.IsAnswerable || Declined || CitedDocuments.Count == 0
        ? null
        : CitedDocuments.Count(d => d == Question.ExpectedDocument) / (double)CitedDocuments.Count;

    /// <summary>For a question that lists forbidden strings: whether the answer holds one (a decline holds none).</summary>
    public bool? ContainsForbidden => Question.Forbidden is not { Count: > 0 } forbidden
        ? null
        : !Declined && forbidden.Any(f => Normalize(Answer).Contains(Normalize(f), StringComparison.Ordinal));

    private static string Normalize(string text) => Text.KoreanText.Normalize(text);
}

/// <summary>
/// The evaluation's figures, each over the questions it applies to (null when none do):
/// recall@k and MRR@10 over answerable questions, by the rank of the expected document among retrieved documents;
/// answer_contains_expected over answerable questions that list expected substrings (a decline counts as a miss);
/// decline_accuracy over all questions (declined exactly when expected_document is null);
/// citation_precision over answerable questions that were answered with citations, averaged per question;
/// forbidden_rate over questions that list forbidden strings (the share whose answer holds one; lower is better).
/// </summary>
public sealed record EvaluationMetrics(
    [property: JsonPropertyName("questions")] int Questions,
    [property: JsonPropertyName("recall_at_1")] double? RecallAt1,
    [property: JsonPropertyName("recall_at_5")] double? RecallAt5,
    [property: JsonPropertyName("mrr_at_10")] double? MrrAt10,
    [property: JsonPropertyName("answer_contains_expected")] double? AnswerContainsExpected,
    [property: JsonPropertyName("decline_accuracy")] double? DeclineAccuracy,
    [property: JsonPropertyName("citation_precision")] double? CitationPrecision,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("forbidden_rate")] double? ForbiddenRate = null)
{
    /// <summary>Computes the figures from per-question results.</summary>
    public static EvaluationMetrics From(IReadOnlyList<QuestionResult> results, double seconds)
    {
        ArgumentNullException.ThrowIfNull(results);
        var answerable = results.Where(r => r.Question.IsAnswerable).ToList();
        var contains = results.Select(r => r.Question.IsAnswerable && r.Question.Answers is { Count: > 0 } ? (r.ContainsExpected ?? false) : (bool?)null)
            .OfType<bool>().ToList();
        var precision = results.Select(r => r.CitationPrecision).OfType<double>().ToList();
        var forbidden = results.Select(r => r.ContainsForbidden).OfType<bool>().ToList();
        return new EvaluationMetrics(
            results.Count,
            Share(answerable, r => r.Rank == 1),
            Share(answerable, r => r.Rank <= 5),
            answerable.Count == 0 ? null : Round(answerable.Average(r => r.Rank is { } rank && rank <= 10 ? 1.0 / rank : 0)),
            contains.Count == 0 ? null : Round(contains.Count(c => c) / (double)contains.Count),
            Share(results, r => r.DeclineCorrect),
            precision.Count == 0 ? null : Round(precision.Average()),
            Math.Round(seconds, 2),
            forbidden.Count == 0 ? null : Round(forbidden.Count(f => f) / (double)forbidden.Count));
    }

    /// <summary>The figures as one line of JSON, in the evaluation contract's field order.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    private static double? Share(IReadOnlyCollection<QuestionResult> results, Func<QuestionResult, bool> predicate) =>
        results.Count == 0 ? null : Round(results.Count(predicate) / (double)results.Count);

    private static double Round(double value) => Math.Round(value, 4);
}

/// <summary>The outcome of an evaluation run.</summary>
/// <param name="Ingestion">What ingesting the corpus did.</param>
/// <param name="Results">Per-question results, in the order of the questions file.</param>
/// <param name="Metrics">The figures.</param>
public sealed record EvaluationReport(IngestionSummary Ingestion, IReadOnlyList<QuestionResult> Results, EvaluationMetrics Metrics);
