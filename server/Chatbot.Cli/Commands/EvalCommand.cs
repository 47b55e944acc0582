using System.CommandLine;
using System.Globalization;
using Chatbot.Rag.Evaluation;
using Spectre.Console;

namespace Chatbot.Cli.Commands;

/// <summary>
/// <c>chatbot eval --corpus &lt;dir&gt; --questions &lt;file.jsonl&gt; [--top 10] [--json]</c>: ingests the corpus into
/// a fresh temporary store, asks every question through the chat's retrieval and answering path, and prints a table
/// per question and the figures. With --json the last line of standard output is the figures as one JSON object; with
/// --answers FILE every question is written to FILE (Markdown) with the full answer the customer would read.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "A folder of documents in any supported format.", Required = true };
        var questions = new Option<string>("--questions") { Description = "JSON lines: {\"id\", \"question\", \"expected_document\" (or null), \"answers\"}.", Required = true };
        var top = new Option<int>("--top") { Description = "Passages retrieved per question for recall and MRR.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "End with the figures as one JSON line." };
        var answers = new Option<string?>("--answers") { Description = "Write every question with its full answer to this file (Markdown), for people to read." };
        var command = new Command("eval", "Evaluate retrieval and answers on a question set over a corpus, in an isolated store.") { corpus, questions, top, json, answers };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(corpus)!, result.GetValue(questions)!, result.GetValue(top), result.GetValue(json), result.GetValue(answers), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string corpus, string questionsPath, int top, bool json, string? answersPath, CancellationToken cancellationToken)
    {
        if (top < 1)
        {
            AnsiConsole.MarkupLine("[red]--top must be at least 1.[/]");
            return CliEngine.BadInput;
        }

        if (!Directory.Exists(corpus))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The corpus folder '{Path.GetFullPath(corpus)}' does not exist.[/]");
            return CliEngine.BadInput;
        }

        CliEngine.WidenRedirectedOutput();
        EvaluationReport report;
        try
        {
            var questions = await EvaluationQuestion.LoadAsync(questionsPath, cancellationToken);
            Task<EvaluationReport> Run(IProgress<EvaluationProgress>? progress) =>
                RagEvaluator.RunAsync(corpus, questions, CliEngine.Configuration(), top, CliEngine.AddHostServices, progress, cancellationToken);

            // A spinner helps at a terminal; in a log or a pipe it would only add a line per question.
            report = Console.IsOutputRedirected
                ? await Run(null)
                : await AnsiConsole.Status().StartAsync("Ingesting the corpus into a temporary store…", status =>
                    Run(new InlineProgress<EvaluationProgress>(p => status.Status(p.Stage == "ingest" ? $"Ingesting {p.Done}/{p.Total}…" : $"Asking {p.Done}/{p.Total}…"))));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FormatException or DirectoryNotFoundException or InvalidOperationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return CliEngine.BadInput;
        }

        PrintQuestions(report);
        PrintMetrics(report);
        if (answersPath is not null)
        {
            await File.WriteAllTextAsync(answersPath, AnswersDocument.Write(report), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Answers written to {Path.GetFullPath(answersPath)}.");
        }

        if (json)
        {
            Console.Out.WriteLine(report.Metrics.ToJson());
            Console.Out.Flush();
        }

        return CliEngine.Success;
    }

    private static void PrintQuestions(EvaluationReport report)
    {
        var table = new Table().Title("Questions").Border(TableBorder.Simple)
            .AddColumn("id").AddColumn("expected").AddColumn("retrieved #1").AddColumn(new TableColumn("rank").RightAligned())
            .AddColumn("answer").AddColumn("ok");
        foreach (var result in report.Results)
        {
            var question = result.Question;
            var ok = result.DeclineCorrect
                && (!question.IsAnswerable || (result.Rank <= 5 && result.ContainsExpected != false && result.CitationPrecision is null or >= 1));
            table.AddRow(
                Markup.Escape(question.Id),
                Markup.Escape(question.ExpectedDocument ?? "(decline)"),
                Markup.Escape(result.RetrievedDocuments.Count > 0 ? result.RetrievedDocuments[0] : "-"),
                result.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-",
                result.Declined ? "declined" : Markup.Escape($"cites {string.Join(", ", result.CitedDocuments)}"),
                ok ? "[green]✓[/]" : "[red]✗[/]");
        }

        AnsiConsole.Write(table);
        var ingestion = report.Ingestion;
        AnsiConsole.MarkupLineInterpolated($"Corpus: {ingestion.Files} files, {ingestion.Chunks} chunks, {ingestion.Failed.Count} failed.");
        foreach (var failure in ingestion.Failed)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]  {failure.Path}: {failure.Reason}[/]");
        }
    }

    private static void PrintMetrics(EvaluationReport report)
    {
        var results = report.Results;
        var answerable = results.Count(r => r.Question.IsAnswerable);
        var withAnswers = results.Count(r => r.Question.IsAnswerable && r.Question.Answers is { Count: > 0 });
        var answeredWithCitations = results.Count(r => r.CitationPrecision is not null);
        var metrics = report.Metrics;
        var table = new Table().Title("Figures").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned()).AddColumn("over");
        table.AddRow("recall@1", Format(metrics.RecallAt1), $"{answerable} answerable questions");
        table.AddRow("recall@5", Format(metrics.RecallAt5), $"{answerable} answerable questions");
        table.AddRow("MRR@10", Format(metrics.MrrAt10), $"{answerable} answerable questions");
        table.AddRow("answer contains expected", Format(metrics.AnswerContainsExpected), $"{withAnswers} answerable questions with expected substrings");
        table.AddRow("decline accuracy", Format(metrics.DeclineAccuracy), $"all {results.Count} questions ({results.Count - answerable} should decline)");
        table.AddRow("citation precision", Format(metrics.CitationPrecision), $"{answeredWithCitations} answered answerable questions");
        table.AddRow("forbidden rate", Format(metrics.ForbiddenRate), $"{results.Count(r => r.ContainsForbidden is not null)} questions with forbidden strings (lower is better)");
        table.AddRow("seconds", metrics.Seconds.ToString("0.00", CultureInfo.InvariantCulture), "ingestion and all questions");
        AnsiConsole.Write(table);
    }

    private static string Format(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "n/a";
}
