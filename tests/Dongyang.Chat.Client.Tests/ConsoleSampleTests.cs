namespace Dongyang.Chat.Client.Tests;

/// <summary>samples/Chatbot.Samples.Console, run from its build output against the real server, both ways it asks.</summary>
public sealed class ConsoleSampleTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    [Theory]
    [InlineData(false, "출처:")]
    [InlineData(true, "출처 (CitationAnnotation):")]
    public async Task Sample_prints_the_streamed_answer_and_its_numbered_sources(bool throughChatClient, string sourcesHeading)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var sample = Path.Combine(RepositoryPaths.Root, "samples", "Chatbot.Samples.Console", "bin", configuration, "net10.0", "Chatbot.Samples.Console.dll");
        List<string> arguments = [sample, "--server", fixture.Server.BaseAddress.ToString(), "보험금 청구할 때 필요한 서류는 뭐예요?"];
        if (throughChatClient)
        {
            arguments.Add("--ai");
        }

        var output = await PackedSdk.DotnetAsync(RepositoryPaths.Root, null, [.. arguments]);

        var lines = output.ReplaceLineEndings("\n").Split('\n');
        var answer = Assert.Single(lines, l => l.StartsWith("A: ", StringComparison.Ordinal));
        Assert.Contains("[1]", answer, StringComparison.Ordinal);
        var heading = Array.IndexOf(lines, sourcesHeading);
        Assert.True(heading > 0, $"no '{sourcesHeading}' line in:\n{output}");
        Assert.StartsWith("  [1] ", lines[heading + 1], StringComparison.Ordinal);
        Assert.True(lines[heading + 1].Length > "  [1] ".Length, "the source has a title");
    }

    /// <summary>README's IChatClient snippet is the sample's code, line by line in order, so the run above runs it.</summary>
    [Fact]
    public async Task READMEs_IChatClient_snippet_is_the_code_of_the_samples_ai_path()
    {
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"))).ReplaceLineEndings("\n");
        var section = readme.IndexOf("**As a Microsoft.Extensions.AI `IChatClient`**", StringComparison.Ordinal);
        Assert.True(section >= 0, "README's .NET section should show the IChatClient adapter");
        var start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var snippet = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sample = (await File.ReadAllLinesAsync(Path.Combine(RepositoryPaths.Root, "samples", "Chatbot.Samples.Console", "Program.cs")))
            .Select(l => l.Trim()).ToList();

        Assert.True(snippet.Length >= 5, "the snippet shows the adapter, the stream and the citations");
        var at = 0;
        foreach (var line in snippet)
        {
            at = sample.IndexOf(line, at);
            Assert.True(at >= 0, $"README's line '{line}' is not in the sample (after the lines before it)");
            at++;
        }
    }
}
