using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chatbot.Rag.Evaluation;

/// <summary>One line of an evaluation set: a customer question and what a right answer looks like.</summary>
/// <param name="Id">A stable id, unique in the set.</param>
/// <param name="Question">The question as a customer would type it.</param>
/// <param name="ExpectedDocument">The id of the document that answers it, or null when the corpus cannot and the bot should decline.</param>
/// <param name="Answers">Short substrings a right answer contains (amounts, periods); any one of them counts.</param>
/// <param name="Forbidden">
/// Optional strings a right answer must not contain: a figure the same document gives for another case, or an
/// exclusion-list item that reads as covered without its lead-in.
/// </param>
public sealed record EvaluationQuestion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("expected_document")] string? ExpectedDocument,
    [property: JsonPropertyName("answers")] IReadOnlyList<string>? Answers,
    [property: JsonPropertyName("forbidden")] IReadOnlyList<string>? Forbidden = null)
{
    /// <summary>True when the corpus holds the answer.</summary>
    [JsonIgnore]
    public bool IsAnswerable => ExpectedDocument is not null;

    /// <summary>
    /// Reads a JSON-lines file. Blank lines are ignored; a malformed line, a missing id or question, or a repeated id
    /// is an error naming the line.
    /// </summary>
    public static async Task<IReadOnlyList<EvaluationQuestion>> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The questions file '{Path.GetFullPath(path)}' does not exist.", path);
        }

        var questions = new List<EvaluationQuestion>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            EvaluationQuestion? question;
            try
            {
                question = JsonSerializer.Deserialize<EvaluationQuestion>(line);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"{path}:{Line(lineNumber)}: not a JSON object ({ex.Message}).", ex);
            }

            if (question is null || string.IsNullOrWhiteSpace(question.Id) || string.IsNullOrWhiteSpace(question.Question))
            {
                throw new FormatException($"{path}:{Line(lineNumber)}: \"id\" and \"question\" are required.");
            }

            if (!ids.Add(question.Id))
            {
                throw new FormatException($"{path}:{Line(lineNumber)}: the id \"{question.Id}\" is used twice.");
            }

            questions.Add(question with { ExpectedDocument = string.IsNullOrWhiteSpace(question.ExpectedDocument) ? null : question.ExpectedDocument });
        }

        return questions.Count > 0 ? questions : throw new FormatException($"{path}: no questions.");
    }

    private static string Line(int number) => number.ToString(CultureInfo.InvariantCulture);
}
