using System.Text;
using Chatbot.Ai.Contracts;
using Chatbot.Rag.Knowledge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Tests;

/// <summary>The in-process knowledge base: the rules every caller (embedded Api, AI service, CLI) now shares.</summary>
public sealed class LocalKnowledgeBaseTests : IDisposable
{
    private const string Claims = "# 보험금 청구 안내\n\n## 1. 청구 방법\n\n보험금 청구는 모바일 앱이나 홈페이지에서 하실 수 있습니다.\n";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ServiceProvider Build(string knowledgePath = "knowledge")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rag:DataDirectory"] = _directory.Combine("data"),
            ["Rag:KnowledgePath"] = knowledgePath,
        }).Build();
        return new ServiceCollection().AddLogging().AddLocalKnowledgeBase(configuration, _directory.Path).BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public async Task A_relative_knowledge_path_is_the_content_roots_and_the_default_is_the_shipped_samples()
    {
        await using var configured = Build("kb");
        await using var defaulted = Build(RagOptions.DefaultKnowledgePath);

        Assert.Equal(_directory.Combine("kb"), configured.GetRequiredService<IOptions<RagOptions>>().Value.KnowledgePath);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "samples", "knowledge"), defaulted.GetRequiredService<IOptions<RagOptions>>().Value.KnowledgePath);
        Assert.IsType<LocalKnowledgeBase>(configured.GetRequiredService<IKnowledgeBase>());
    }

    [Fact]
    public async Task A_sync_of_a_folder_without_documents_is_refused_and_keeps_the_index()
    {
        var file = _directory.Write("knowledge/claims.md", Claims);
        await using var services = Build();
        var knowledge = services.GetRequiredService<IKnowledgeBase>();
        Assert.Equal(1, (await knowledge.SyncAsync(null, default)).Report!.Files);

        File.Delete(file);
        _directory.Write("knowledge/README.md", "# 이 폴더는 지식 문서를 담습니다\n");
        var emptied = await knowledge.SyncAsync(null, default);
        Directory.Delete(_directory.Combine("knowledge"), recursive: true);
        var missing = await knowledge.SyncAsync(null, default);

        Assert.Equal(KnowledgeProblems.FolderEmpty, emptied.Problem?.Code);
        Assert.Equal(KnowledgeProblems.FolderEmpty, missing.Problem?.Code);
        Assert.Equal(409, missing.Problem!.StatusCode);
        Assert.NotNull(await knowledge.GetChunksAsync("claims", default));
    }

    [Theory]
    [InlineData("../outside.md", KnowledgeProblems.InvalidFileName)]
    [InlineData("/../../outside.md", KnowledgeProblems.InvalidFileName)]
    [InlineData("uploads/a\0b.md", KnowledgeProblems.InvalidFileName)]
    [InlineData("uploads/.hidden.md", KnowledgeProblems.InvalidFileName)]
    [InlineData("uploads/README.md", KnowledgeProblems.InvalidFileName)]
    [InlineData("uploads/tool.exe", KnowledgeProblems.UnsupportedType)]
    [InlineData("uploads/고객 010-1234-5678.md", KnowledgeProblems.PersonalDataInFileName)]
    public async Task A_document_path_the_knowledge_base_does_not_take_is_refused_and_nothing_is_written(string path, string code)
    {
        _directory.Write("knowledge/claims.md", Claims);
        await using var services = Build();
        var knowledge = services.GetRequiredService<IKnowledgeBase>();

        var put = await knowledge.PutAsync(path, new MemoryStream(Encoding.UTF8.GetBytes(Claims)), default);

        Assert.Equal(code, put.Problem?.Code);
        Assert.Equal(400, put.Problem!.StatusCode);
        Assert.Equal([_directory.Combine("knowledge", "claims.md")], Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(_directory.Combine("data"), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_document_put_is_listed_and_its_chunks_read_until_it_is_deleted()
    {
        _directory.Write("knowledge/claims.md", Claims);
        await using var services = Build();
        var knowledge = services.GetRequiredService<IKnowledgeBase>();
        await knowledge.SyncAsync(null, default);

        var put = await knowledge.PutAsync("uploads/pets.md", new MemoryStream(Encoding.UTF8.GetBytes("# 반려견 동반 방문\n\n지점에는 반려견 동반 방문이 가능합니다.\n")), default);
        var listed = await knowledge.ListAsync(default);
        var chunks = await knowledge.GetChunksAsync("uploads/pets", default);
        var empty = await knowledge.PutAsync("uploads/empty.md", new MemoryStream(), default);
        var deleted = await knowledge.DeleteAsync("uploads/pets.md", default);
        var again = await knowledge.DeleteAsync("uploads/pets.md", default);

        Assert.Equal(1, put.Report!.Files);
        Assert.Contains(listed, d => d is { DocumentId: "uploads/pets", Path: "uploads/pets.md", Indexed: true });
        Assert.Contains(listed, d => d is { DocumentId: "claims", Indexed: true });
        Assert.Contains(chunks!, c => c.Text.Contains("반려견 동반 방문이 가능합니다", StringComparison.Ordinal));
        Assert.Equal(KnowledgeProblems.EmptyDocument, empty.Problem?.Code);
        Assert.Equal(1, deleted.Report!.Removed);
        Assert.Null(await knowledge.GetChunksAsync("uploads/pets", default));
        Assert.False(File.Exists(_directory.Combine("knowledge", "uploads", "pets.md")));
        Assert.Equal(KnowledgeProblems.DocumentNotFound, again.Problem?.Code);
        Assert.Equal(404, again.Problem!.StatusCode);
    }

    [Fact]
    public async Task A_change_while_a_sync_runs_is_refused_as_ingestion_running_and_writes_nothing()
    {
        _directory.Write("knowledge/claims.md", Claims);
        await using var services = Build();
        var knowledge = services.GetRequiredService<IKnowledgeBase>();
        var during = new PutDuringSync(knowledge);

        // The put is made from inside the sync (its progress report), so it meets the held lock, waits its bounded
        // time for it and is refused: one change at a time, whoever asks.
        var synced = await knowledge.SyncAsync(during, default);

        Assert.Equal(1, synced.Report!.Files);
        Assert.Equal(KnowledgeProblems.IngestionRunning, during.Outcome?.Problem?.Code);
        Assert.Equal(409, during.Outcome!.Problem!.StatusCode);
        Assert.False(File.Exists(_directory.Combine("knowledge", "uploads", "pets.md")));
        Assert.Null(await knowledge.GetChunksAsync("uploads/pets", default));
    }

    /// <summary>Puts a document the first time the sync reports progress, and waits for the put's outcome there.</summary>
    private sealed class PutDuringSync(IKnowledgeBase knowledge) : IProgress<KnowledgeProgress>
    {
        public KnowledgeChange? Outcome { get; private set; }

        public void Report(KnowledgeProgress value)
        {
            Outcome ??= knowledge.PutAsync("uploads/pets.md", new MemoryStream(Encoding.UTF8.GetBytes("# 반려견 동반 방문\n\n가능합니다.\n")), default)
                .GetAwaiter().GetResult();
        }
    }
}
