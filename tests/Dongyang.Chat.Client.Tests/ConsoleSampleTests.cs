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

    /// <summary>README's ReadEventsAsync snippet is the sample's --events code, which is run against the real server.</summary>
    [Fact]
    public async Task READMEs_ReadEventsAsync_snippet_runs_in_the_sample_and_prints_the_connection_and_the_streamed_answer()
    {
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"))).ReplaceLineEndings("\n");
        var start = readme.IndexOf("```csharp\nawait foreach (var e in chat.ReadEventsAsync(", StringComparison.Ordinal);
        Assert.True(start >= 0, "README should show the ReadEventsAsync loop");
        start += "```csharp\n".Length;
        var snippet = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)].Trim();
        var code = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "samples", "Chatbot.Samples.Console", "Program.cs"))).ReplaceLineEndings("\n");
        Assert.Contains(Indent(snippet, "    "), code, StringComparison.Ordinal);

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var sample = Path.Combine(RepositoryPaths.Root, "samples", "Chatbot.Samples.Console", "bin", configuration, "net10.0", "Chatbot.Samples.Console.dll");
        var output = await PackedSdk.DotnetAsync(RepositoryPaths.Root, null, sample, "--server", fixture.Server.BaseAddress.ToString(), "--events", "보험금 청구할 때 필요한 서류는 뭐예요?");

        var lines = output.ReplaceLineEndings("\n").Split('\n');
        var connected = Array.IndexOf(lines, "(Connected)");
        Assert.True(connected > 0, $"no '(Connected)' line in:\n{output}");
        // The answer streamed after the connection, citing its source.
        Assert.Contains(lines.Skip(connected + 1), l => l.Contains("[1]", StringComparison.Ordinal) && l.Length > 20);
    }

    private static string Indent(string text, string indent) =>
        string.Join('\n', text.Split('\n').Select(l => l.Length == 0 ? l : indent + l));
}
