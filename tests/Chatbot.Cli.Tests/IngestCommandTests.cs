using Chatbot.Testing;

namespace Chatbot.Cli.Tests;

public sealed class IngestCommandTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("chatbot-cli-tests-");

    public void Dispose() => _work.Delete(recursive: true);

    private string Data => Path.Combine(_work.FullName, "data");

    private string Index => Path.Combine(Data, Chatbot.Rag.VectorStores.EmbeddedVectorStoreCollection.DefaultFileName);

    private static string Fixture(string name) => Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.Rag.Tests", "Fixtures", name);

    private string MixedCorpus()
    {
        var corpus = Directory.CreateDirectory(Path.Combine(_work.FullName, "corpus")).FullName;
        File.Copy(Fixture("injury-terms.pdf"), Path.Combine(corpus, "injury-terms.pdf"));
        File.Copy(Fixture("injury-terms.docx"), Path.Combine(corpus, "injury-terms-word.docx"));
        File.Copy(Fixture("premium-faq.html"), Path.Combine(corpus, "premium-faq.html"));
        File.Copy(Fixture("encrypted-terms.pdf"), Path.Combine(corpus, "encrypted-terms.pdf"));
        File.WriteAllText(Path.Combine(corpus, "scan.pdf"), "not a pdf at all");
        return corpus;
    }

    [Fact]
    public async Task Ingest_summarises_files_chunks_and_failures_with_reasons_and_goes_on()
    {
        var corpus = MixedCorpus();

        var first = await ChatbotCommand.RunAsync(_work.FullName, "ingest", corpus, "--data", Data);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Ingestion summary", first.Output, StringComparison.Ordinal);
        Assert.Matches(@"Files ingested \(new or changed\)\s*│\s*3\s", first.Output);
        Assert.Matches(@"Failed\s*│\s*2\s", first.Output);
        Assert.Contains("encrypted-terms.pdf", first.Output, StringComparison.Ordinal);
        Assert.Contains("encrypted", first.Output.Replace("encrypted-terms", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("no %PDF- header", first.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Index));

        var second = await ChatbotCommand.RunAsync(_work.FullName, "ingest", corpus, "--data", Data);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches(@"Skipped \(unchanged\)\s*│\s*3\s", second.Output);
        Assert.Matches(@"Files ingested \(new or changed\)\s*│\s*0\s", second.Output);
    }

    [Fact]
    public async Task A_missing_folder_is_a_clear_error()
    {
        var result = await ChatbotCommand.RunAsync(_work.FullName, "ingest", Path.Combine(_work.FullName, "nope"), "--data", Data);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Index));
    }

    [Fact]
    public async Task An_empty_folder_or_a_folder_where_everything_fails_exits_non_zero_and_keeps_the_index()
    {
        var corpus = MixedCorpus();
        Assert.Equal(0, (await ChatbotCommand.RunAsync(_work.FullName, "ingest", corpus, "--data", Data)).ExitCode);
        var before = await File.ReadAllBytesAsync(Index);

        var empty = Directory.CreateDirectory(Path.Combine(_work.FullName, "empty")).FullName;
        var emptyRun = await ChatbotCommand.RunAsync(_work.FullName, "ingest", empty, "--data", Data);

        Assert.True(emptyRun.ExitCode == 1, emptyRun.ToString());
        Assert.Contains("Nothing to ingest", emptyRun.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(Index));

        var broken = Directory.CreateDirectory(Path.Combine(_work.FullName, "broken")).FullName;
        File.Copy(Fixture("encrypted-terms.pdf"), Path.Combine(broken, "encrypted-terms.pdf"));
        var brokenRun = await ChatbotCommand.RunAsync(_work.FullName, "ingest", broken, "--data", Path.Combine(_work.FullName, "other-data"));

        Assert.True(brokenRun.ExitCode == 1, brokenRun.ToString());
        Assert.Contains("every file failed", brokenRun.Output, StringComparison.Ordinal);
    }
}
