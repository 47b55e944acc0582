using Chatbot.Rag.Evaluation;
using Microsoft.Extensions.Configuration;

namespace Chatbot.Rag.Tests;

/// <summary>
/// The shipped evaluation set over the sample corpus, run offline through the same engine composition the chat uses,
/// must keep the targets: recall@5 ≥ 0.95, decline accuracy ≥ 0.95, citation precision ≥ 0.95.
/// </summary>
public sealed class EvaluationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string ShippedQuestions => Path.Combine(Path.GetDirectoryName(TestSupport.SampleKnowledgePath)!, "eval", "questions.jsonl");

    /// <summary>No model settings: the offline engine, whatever the machine's environment holds.</summary>
    private static IConfiguration Offline() => new ConfigurationBuilder().Build();

    [Fact]
    public async Task The_shipped_set_meets_the_offline_targets()
    {
        var questions = await EvaluationQuestion.LoadAsync(ShippedQuestions);

        var report = await RagEvaluator.RunAsync(TestSupport.SampleKnowledgePath, questions, Offline());

        Assert.True(questions.Count >= 150, $"{questions.Count} questions");
        Assert.True(questions.Count(q => !q.IsAnswerable) >= 25, "at least 25 questions the corpus cannot answer");
        var metrics = report.Metrics;
        var failures = string.Join('\n', report.Results
            .Where(r => !r.DeclineCorrect || (r.Question.IsAnswerable && (r.Rank is null or > 5 || r.CitationPrecision < 1)))
            .Select(r => $"{r.Question.Id} {r.Question.Question} → declined={r.Declined} rank={r.Rank} cites={string.Join(",", r.CitedDocuments)}"));
        Assert.True(metrics.RecallAt5 >= 0.95, $"recall@5 {metrics.RecallAt5}\n{failures}");
        Assert.True(metrics.DeclineAccuracy >= 0.95, $"decline accuracy {metrics.DeclineAccuracy}\n{failures}");
        Assert.True(metrics.CitationPrecision >= 0.95, $"citation precision {metrics.CitationPrecision}\n{failures}");
        Assert.Equal(questions.Count, metrics.Questions);
    }

    [Fact]
    public async Task Every_expected_document_and_answer_comes_from_the_corpus()
    {
        var questions = await EvaluationQuestion.LoadAsync(ShippedQuestions);

        foreach (var question in questions.Where(q => q.IsAnswerable))
        {
            var path = Path.Combine(TestSupport.SampleKnowledgePath, question.ExpectedDocument + ".md");
            Assert.True(File.Exists(path), $"{question.Id}: no document {question.ExpectedDocument}");
            var text = await File.ReadAllTextAsync(path);
            Assert.All(question.Answers ?? [], answer => Assert.True(text.Contains(answer, StringComparison.Ordinal), $"{question.Id}: '{answer}' is not in {question.ExpectedDocument}"));
        }
    }

    [Fact]
    public void Metrics_count_each_figure_over_the_questions_it_applies_to()
    {
        EvaluationQuestion Q(string id, string? expected, params string[] answers) => new(id, "질문", expected, answers);
        QuestionResult[] results =
        [
            // Answerable, found first, answered with the expected fact, citing only the expected document.
            new(Q("a", "doc-a", "3영업일"), ["doc-a", "doc-b"], 1, false, "보험금은 3영업일 이내에 지급합니다. [1]", ["doc-a"]),
            // Answerable, found third, answered without the fact, citing one right and one wrong document.
            new(Q("b", "doc-b", "30일"), ["doc-a", "doc-c", "doc-b"], 3, false, "다른 내용 [1][2]", ["doc-b", "doc-c"]),
            // Answerable but declined: a recall hit at rank 2, a decline error, a miss for contains, no citation figure.
            new(Q("c", "doc-c", "100만원"), ["doc-a", "doc-c"], 2, true, "죄송합니다.", []),
            // Unanswerable and declined: counts only for decline accuracy.
            new(Q("d", null), ["doc-a"], null, true, "죄송합니다.", []),
        ];

        var metrics = EvaluationMetrics.From(results, 1.234);

        Assert.Equal(4, metrics.Questions);
        Assert.Equal(Math.Round(1 / 3.0, 4), metrics.RecallAt1);
        Assert.Equal(1.0, metrics.RecallAt5);
        Assert.Equal(Math.Round((1 + (1 / 3.0) + (1 / 2.0)) / 3, 4), metrics.MrrAt10);
        Assert.Equal(Math.Round(1 / 3.0, 4), metrics.AnswerContainsExpected);
        Assert.Equal(0.75, metrics.DeclineAccuracy);
        Assert.Equal(0.75, metrics.CitationPrecision);
        Assert.Equal(1.23, metrics.Seconds);
        Assert.Equal(
            """{"questions":4,"recall_at_1":0.3333,"recall_at_5":1,"mrr_at_10":0.6111,"answer_contains_expected":0.3333,"decline_accuracy":0.75,"citation_precision":0.75,"seconds":1.23,"forbidden_rate":null}""",
            metrics.ToJson());
    }

    [Fact]
    public async Task The_evaluation_store_stays_isolated_even_when_the_configuration_names_postgres()
    {
        var corpus = _directory.Combine("corpus");
        _directory.Write("corpus/claims.md", "# 보험금 청구\n\n## 방법\n\n보험금 청구는 모바일 앱으로 하실 수 있습니다.\n");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rag:VectorStore"] = "Postgres",
            // Nothing listens on port 1: touching this store would fail the run.
            ["ConnectionStrings:Chatbot"] = "Host=127.0.0.1;Port=1;Database=live;Username=nobody;Password=x;Timeout=1",
        }).Build();
        EvaluationQuestion[] questions = [new("q1", "보험금 청구 어떻게 해요?", "claims", ["모바일 앱"])];

        var report = await RagEvaluator.RunAsync(corpus, questions, configuration);

        Assert.Equal(1, report.Ingestion.Files);
        Assert.Equal(1, report.Metrics.RecallAt1);
    }

    [Fact]
    public async Task A_malformed_questions_file_is_rejected_with_the_line()
    {
        var path = _directory.Write("questions.jsonl", """
            {"id": "q1", "question": "보험금 청구는 어떻게 하나요?", "expected_document": "claims-procedure", "answers": ["모바일 앱"]}

            {"id": "q2", "question": "반쯤 쓴 줄
            """);

        var error = await Assert.ThrowsAsync<FormatException>(() => EvaluationQuestion.LoadAsync(path));

        Assert.Contains("questions.jsonl:3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_expecting_a_document_the_corpus_lacks_is_rejected()
    {
        var corpus = _directory.Combine("corpus");
        _directory.Write("corpus/claims.md", "# 보험금 청구\n\n## 방법\n\n보험금 청구는 모바일 앱으로 하실 수 있습니다.\n");
        EvaluationQuestion[] questions = [new("q1", "보험금 청구 방법", "claims-procedure", ["모바일 앱"])];

        var error = await Assert.ThrowsAsync<FormatException>(() => RagEvaluator.RunAsync(corpus, questions, Offline()));

        Assert.Contains("q1 → 'claims-procedure'", error.Message, StringComparison.Ordinal);
        Assert.Contains("claims", error.Message, StringComparison.Ordinal);
    }
}
