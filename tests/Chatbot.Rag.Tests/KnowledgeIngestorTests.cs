using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.Tests;

public sealed class KnowledgeIngestorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Corpus => _directory.Combine("corpus");

    private void WriteCorpus()
    {
        _directory.Write("corpus/claims.md", """
            ---
            title: 보험금 청구 안내
            type: faq
            product: common
            ---
            # 보험금 청구 안내

            ## 1. 청구 방법

            보험금 청구는 모바일 앱, 홈페이지, 팩스, 우편, 고객플라자 방문으로 하실 수 있습니다.
            """);
        _directory.Write("corpus/loans/policy-loan.md", "# 보험계약대출 안내\n\n## 1. 이자\n\n보험계약대출 이자는 매월 대출일에 납입합니다.\n");
        _directory.Write("corpus/terms.txt", "제1조(목적)\n이 약관은 보험계약의 조건을 정합니다.\n");
        _directory.Write("corpus/README.md", "# About this corpus\n\nNot knowledge.\n");
        _directory.Write("corpus/image.png", "not a document");
    }

    [Fact]
    public async Task First_run_ingests_every_supported_file_with_ids_titles_and_metadata()
    {
        WriteCorpus();
        using var store = TestSupport.NewStore(_directory);
        var progress = new List<IngestionProgress>();

        var summary = await TestSupport.NewIngestor(store).IngestDirectoryAsync(Corpus, new SynchronousProgress(progress.Add), default);

        Assert.Equal(3, summary.Files);
        Assert.Equal(3, summary.Chunks);
        Assert.Equal(0, summary.Skipped);
        Assert.Empty(summary.Failed);
        Assert.Equal(["claims", "loans/policy-loan", "terms"], (await store.GetDocumentHashesAsync()).Keys.Order(StringComparer.Ordinal));
        var claims = Assert.Single(await store.GetDocumentChunksAsync("claims"));
        Assert.Equal("claims#0", claims.Key);
        Assert.Equal("보험금 청구 안내", claims.DocumentTitle);
        Assert.Equal("faq", claims.DocumentType);
        Assert.Equal("common", claims.Product);
        Assert.Equal("1. 청구 방법", claims.Section);
        Assert.Equal("제1조(목적)", (await store.GetDocumentChunksAsync("terms"))[0].Section);
        Assert.Equal(3, progress.Count);
        Assert.All(progress, p => Assert.Equal(IngestionOutcome.Ingested, p.Outcome));
    }

    [Fact]
    public async Task Second_run_skips_unchanged_replaces_changed_and_removes_deleted_files()
    {
        WriteCorpus();
        using var store = TestSupport.NewStore(_directory);
        var ingestor = TestSupport.NewIngestor(store);
        await ingestor.IngestDirectoryAsync(Corpus, null, default);
        var loanHash = (await store.GetDocumentHashesAsync())["loans/policy-loan"];

        _directory.Write("corpus/claims.md", "# 보험금 청구 안내\n\n## 1. 청구 방법\n\n보험금 청구는 모바일 앱에서만 하실 수 있습니다.\n\n## 2. 지급 기한\n\n보험금은 3영업일 이내에 지급합니다.\n");
        File.Delete(_directory.Combine("corpus", "terms.txt"));

        var summary = await ingestor.IngestDirectoryAsync(Corpus, null, default);

        Assert.Equal(new { Files = 1, Chunks = 2, Skipped = 1, Removed = 1 }, new { summary.Files, summary.Chunks, summary.Skipped, summary.Removed });
        Assert.Empty(summary.Failed);
        var claims = await store.GetDocumentChunksAsync("claims");
        Assert.Equal(["보험금 청구는 모바일 앱에서만 하실 수 있습니다.", "보험금은 3영업일 이내에 지급합니다."], claims.Select(c => c.Text));
        Assert.Empty(await store.GetDocumentChunksAsync("terms"));
        Assert.Equal(loanHash, (await store.GetDocumentHashesAsync())["loans/policy-loan"]);

        var third = await ingestor.IngestDirectoryAsync(Corpus, null, default);
        Assert.Equal(new { Files = 0, Skipped = 2, Removed = 0 }, new { third.Files, third.Skipped, third.Removed });
    }

    [Fact]
    public async Task A_file_that_fails_fails_alone_and_keeps_its_previous_chunks()
    {
        WriteCorpus();
        using var store = TestSupport.NewStore(_directory);
        var ingestor = new KnowledgeIngestor(
            store,
            new Embeddings.HashingEmbeddingGenerator(),
            new KoreanChunker(),
            [new MarkdownDocumentReader(), new PlainTextDocumentReader(), new FailingReader()]);
        await ingestor.IngestDirectoryAsync(Corpus, null, default);
        _directory.Write("corpus/broken.bad", "unreadable");

        var summary = await ingestor.IngestDirectoryAsync(Corpus, null, default);

        var failure = Assert.Single(summary.Failed);
        Assert.Equal("broken.bad", failure.Path);
        Assert.Contains("corrupt", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(3, summary.Skipped);
        Assert.Single(await store.GetDocumentChunksAsync("claims"));
        Assert.Single(await store.GetDocumentChunksAsync("terms"));
    }

    [Fact]
    public async Task A_missing_corpus_directory_is_reported()
    {
        using var store = TestSupport.NewStore(_directory);

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => TestSupport.NewIngestor(store).IngestDirectoryAsync(_directory.Combine("nope"), null, default));
    }

    [Fact]
    public void Document_ids_are_relative_paths_without_extension()
    {
        Assert.Equal("claims-procedure", KnowledgeIngestor.DocumentIdOf("claims-procedure.md"));
        Assert.Equal("terms/cancer", KnowledgeIngestor.DocumentIdOf("terms\\cancer.txt"));
    }

    private sealed class FailingReader : IDocumentReader
    {
        public IReadOnlyCollection<string> Extensions { get; } = [".bad"];

        public Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default) =>
            throw new InvalidDataException($"{fileName} is corrupt.");
    }

    /// <summary>Reports on the calling thread, unlike Progress&lt;T&gt;, so the test sees every report before asserting.</summary>
    private sealed class SynchronousProgress(Action<IngestionProgress> report) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => report(value);
    }
}
