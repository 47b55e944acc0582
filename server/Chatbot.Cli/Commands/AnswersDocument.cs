using System.Globalization;
using System.Text;
using Chatbot.Rag.Evaluation;

namespace Chatbot.Cli.Commands;

/// <summary>Every question of an evaluation with the whole answer, as Markdown a person can read and grade.</summary>
internal static class AnswersDocument
{
    public static string Write(EvaluationReport report)
    {
        var builder = new StringBuilder();
        builder.AppendLine("# Evaluation answers").AppendLine();
        builder.AppendLine(CultureInfo.InvariantCulture, $"Figures: `{report.Metrics.ToJson()}`").AppendLine();
        foreach (var result in report.Results)
        {
            var question = result.Question;
            builder.AppendLine(CultureInfo.InvariantCulture, $"## {question.Id}: {question.Question}").AppendLine();
            builder.AppendLine(CultureInfo.InvariantCulture, $"- expected: {question.ExpectedDocument ?? "(decline)"}; answers: {Join(question.Answers)}; forbidden: {Join(question.Forbidden)}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"- retrieved: {Join(result.RetrievedDocuments.Take(3).ToList())}; {(result.Declined ? "declined" : $"cites {Join(result.CitedDocuments)}")}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"- retrieval: relevance {result.Relevance:F3}; uncovered topic: {result.UncoveredTopic ?? "-"}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"- verdict: {Verdict(result)}").AppendLine();
            foreach (var line in result.Answer.Split('\n'))
            {
                builder.AppendLine(CultureInfo.InvariantCulture, $"> {line}");
            }

            builder.AppendLine();
        }

        return builder.ToString();
    }

    private static string Verdict(QuestionResult result)
    {
        var faults = new List<string>();
        if (!result.DeclineCorrect)
        {
            faults.Add(result.Declined ? "declined an answerable question" : "answered what it should decline");
        }

        if (result.ContainsExpected == false)
        {
            faults.Add("expected substring missing");
        }

        if (result.ContainsForbidden == true)
        {
            faults.Add("holds a forbidden string");
        }

        if (result.CitationPrecision is < 1)
        {
            faults.Add("cites another document");
        }

        return faults.Count == 0 ? "ok" : string.Join("; ", faults);
    }

    private static string Join(IReadOnlyList<string>? values) => values is { Count: > 0 } ? string.Join(", ", values) : "-";
}
