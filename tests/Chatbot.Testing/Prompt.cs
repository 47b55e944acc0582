using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chatbot.Testing;

/// <summary>A source as the prompt numbered it.</summary>
public sealed record PromptSource(int Id, string Document, string Text);

/// <summary>Reads the grounded prompt as the fake server received it.</summary>
public static partial class Prompt
{
    public static string SystemText(IReadOnlyList<JsonObject> messages) => string.Join('\n', messages.Where(m => (string?)m["role"] == "system").Select(m => (string)m["content"]!));

    public static string User(IReadOnlyList<JsonObject> messages) => string.Join('\n', messages.Where(m => (string?)m["role"] == "user").Select(m => (string)m["content"]!));

    public static IReadOnlyList<PromptSource> Sources(string userMessage) => SourceBlock().Matches(userMessage)
        .Select(m => new PromptSource(int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["document"].Value, m.Groups["text"].Value))
        .ToList();

    public static string Question(string userMessage) => QuestionBlock().Match(userMessage).Groups["text"].Value;

    /// <summary>The first sentence of a source, as a model would restate it.</summary>
    public static string FirstSentence(PromptSource source) => Chatbot.Rag.Ingestion.KoreanChunker.SplitSentences(source.Text.Split('\n').First(l => l.Trim().Length > 10 && !l.Contains(" | ", StringComparison.Ordinal)).Trim())[0];

    [GeneratedRegex("<source id=\"(?<id>\\d+)\" document=\"(?<document>[^\"]*)\"(?: [a-z]+=\"[^\"]*\")*>\\n(?<text>.*?)\\n</source>", RegexOptions.Singleline)]
    private static partial Regex SourceBlock();

    [GeneratedRegex("<question>\\n(?<text>.*?)\\n</question>", RegexOptions.Singleline)]
    private static partial Regex QuestionBlock();
}
