using System.Text.Json;
using Chatbot.Testing;

namespace Chatbot.Cli.Tests;

public sealed class EvalCommandTests : IDisposable
{
    private static readonly string[] ContractFields =
        ["questions", "recall_at_1", "recall_at_5", "mrr_at_10", "answer_contains_expected", "decline_accuracy", "citation_precision", "seconds", "forbidden_rate"];

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("chatbot-cli-tests-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string Samples(params string[] parts) => Path.Combine([RepositoryPaths.Root, "samples", .. parts]);

    [Fact]
    public async Task Eval_prints_its_table_and_ends_with_the_contract_json_line()
    {
        var questions = File.ReadLines(Samples("eval", "questions.jsonl")).Count(l => l.Trim().Length > 0);

        var result = await ChatbotCommand.RunAsync(
            _work.FullName, "eval", "--corpus", Samples("knowledge"), "--questions", Samples("eval", "questions.jsonl"), "--top", "10", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("recall@5", result.Output, StringComparison.Ordinal);
        Assert.Contains("decline accuracy", result.Output, StringComparison.Ordinal);
        var last = result.Output.TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        Assert.Equal(ContractFields, json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(questions, json.RootElement.GetProperty("questions").GetInt32());
        Assert.True(json.RootElement.GetProperty("recall_at_5").GetDouble() >= 0.95, last);
        Assert.True(json.RootElement.GetProperty("decline_accuracy").GetDouble() >= 0.95, last);
        Assert.True(json.RootElement.GetProperty("citation_precision").GetDouble() >= 0.95, last);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work.FullName));
    }

    /// <summary>
    /// The guard on the blind set (samples/eval/test.jsonl, written before the engine changes it judges and never tuned
    /// on): its figures may not drop below what the engine reached when it was last measured (README, "Answer quality").
    /// </summary>
    [Fact]
    public async Task The_blind_test_set_holds_the_figures_reached()
    {
        var result = await ChatbotCommand.RunAsync(
            _work.FullName, "eval", "--corpus", Samples("knowledge"), "--questions", Samples("eval", "test.jsonl"), "--top", "10", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var last = result.Output.TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        Assert.True(json.RootElement.GetProperty("recall_at_5").GetDouble() >= 0.98, last);
        Assert.True(json.RootElement.GetProperty("decline_accuracy").GetDouble() >= 0.889, last);
        Assert.True(json.RootElement.GetProperty("answer_contains_expected").GetDouble() >= 0.795, last);
        Assert.True(json.RootElement.GetProperty("citation_precision").GetDouble() >= 0.912, last);
        Assert.True(json.RootElement.GetProperty("forbidden_rate").GetDouble() <= 0.28, last);
    }

    [Fact]
    public async Task Answers_file_shows_each_answer_with_its_retrieval_relevance_and_why_it_declined()
    {
        var questions = Path.Combine(_work.FullName, "two.jsonl");
        await File.WriteAllLinesAsync(questions, [
            """{"id": "q1", "question": "보험금 청구할 때 필요한 서류는 뭐예요?", "expected_document": "claims-procedure", "answers": ["보험금 청구서"]}""",
            """{"id": "q2", "question": "펫보험 가입할 수 있나요? 강아지 키워요", "expected_document": null, "answers": []}""",
        ]);
        var answers = Path.Combine(_work.FullName, "answers.md");

        var result = await ChatbotCommand.RunAsync(_work.FullName, "eval", "--corpus", Samples("knowledge"), "--questions", questions, "--answers", answers);

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = await File.ReadAllTextAsync(answers);
        Assert.Contains("## q1: 보험금 청구할 때 필요한 서류는 뭐예요?", text, StringComparison.Ordinal);
        Assert.Matches(@"## q1:[^#]*- retrieval: relevance 0\.\d{3}; uncovered topic: -\n", text);
        Assert.Matches(@"## q2:[^#]*- retrieval: relevance 0\.\d{3}; uncovered topic: 펫보험\n", text);
    }

    [Fact]
    public async Task Eval_without_json_prints_no_json_line()
    {
        var questions = Path.Combine(_work.FullName, "few.jsonl");
        await File.WriteAllLinesAsync(questions, File.ReadLines(Samples("eval", "questions.jsonl")).Take(3));

        var result = await ChatbotCommand.RunAsync(_work.FullName, "eval", "--corpus", Samples("knowledge"), "--questions", questions);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("citation precision", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"questions\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_questions_file_or_corpus_is_a_clear_error()
    {
        var noQuestions = await ChatbotCommand.RunAsync(_work.FullName, "eval", "--corpus", Samples("knowledge"), "--questions", "nope.jsonl");
        var noCorpus = await ChatbotCommand.RunAsync(_work.FullName, "eval", "--corpus", "nope", "--questions", Samples("eval", "questions.jsonl"));

        Assert.Equal(2, noQuestions.ExitCode);
        Assert.Contains("does not exist", noQuestions.Output, StringComparison.Ordinal);
        Assert.Equal(2, noCorpus.ExitCode);
        Assert.Contains("does not exist", noCorpus.Output, StringComparison.Ordinal);
    }
}
