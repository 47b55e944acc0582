using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chatbot.Testing;

namespace Chatbot.Rag.Tests.Llm;

/// <summary>A fake OpenAI server and the engine wired to it over the sample corpus, shared by a test class.</summary>
public sealed class OpenAiFixture : IAsyncLifetime
{
    internal FakeOpenAiServer Server { get; private set; } = null!;

    internal OpenAiEngine Engine { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await FakeOpenAiServer.StartAsync();
        Engine = await OpenAiEngine.StartAsync(Server, TestSupport.SampleKnowledgePath);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>A source as the prompt numbered it.</summary>
internal sealed record PromptSource(int Id, string Document, string Text);

internal static partial class Prompt
{
    public static string System(IReadOnlyList<JsonObject> messages) => string.Join('\n', messages.Where(m => (string?)m["role"] == "system").Select(m => (string)m["content"]!));

    public static string User(IReadOnlyList<JsonObject> messages) => string.Join('\n', messages.Where(m => (string?)m["role"] == "user").Select(m => (string)m["content"]!));

    public static IReadOnlyList<PromptSource> Sources(string userMessage) => SourceBlock().Matches(userMessage)
        .Select(m => new PromptSource(int.Parse(m.Groups["id"].Value, global::System.Globalization.CultureInfo.InvariantCulture), m.Groups["document"].Value, m.Groups["text"].Value))
        .ToList();

    public static string Question(string userMessage) => QuestionBlock().Match(userMessage).Groups["text"].Value;

    /// <summary>The first sentence of a source, as a model would restate it.</summary>
    public static string FirstSentence(PromptSource source) => Chatbot.Rag.Ingestion.KoreanChunker.SplitSentences(source.Text.Split('\n').First(l => l.Trim().Length > 10 && !l.Contains(" | ", StringComparison.Ordinal)).Trim())[0];

    [GeneratedRegex("<source id=\"(?<id>\\d+)\" document=\"(?<document>[^\"]*)\"(?: [a-z]+=\"[^\"]*\")*>\\n(?<text>.*?)\\n</source>", RegexOptions.Singleline)]
    private static partial Regex SourceBlock();

    [GeneratedRegex("<question>\\n(?<text>.*?)\\n</question>", RegexOptions.Singleline)]
    private static partial Regex QuestionBlock();
}
