using System.Text;
using Chatbot.Ai.Contracts;
using Chatbot.Rag.Knowledge;
using Chatbot.Rag.Tests.VectorStores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Rag.Tests;

/// <summary>
/// Two knowledge bases on one pgvector database and one folder, as two AI instances during a rolling update (or
/// <c>chatbot ingest</c> beside a running AI service) are: a change in one waits for the other's, on real PostgreSQL.
/// </summary>
public sealed class SharedKnowledgeLockTests(PgVectorDatabase database) : IClassFixture<PgVectorDatabase>, IDisposable
{
    private const string Claims = "# 보험금 청구 안내\n\n## 1. 청구 방법\n\n보험금 청구는 모바일 앱이나 홈페이지에서 하실 수 있습니다.\n";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ServiceProvider Instance(string name)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rag:DataDirectory"] = _directory.Combine(name),
            ["Rag:KnowledgePath"] = "knowledge",
            ["Rag:VectorStore"] = "Postgres",
            ["ConnectionStrings:Chatbot"] = database.ConnectionString,
        }).Build();
        return new ServiceCollection().AddLogging().AddLocalKnowledgeBase(configuration, _directory.Path).BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public async Task A_change_in_one_instance_while_another_syncs_is_refused_as_ingestion_running_and_goes_through_afterwards()
    {
        _directory.Write("knowledge/claims.md", Claims);
        await using var first = Instance("first");
        await using var second = Instance("second");
        var syncing = first.GetRequiredService<IKnowledgeBase>();
        var other = second.GetRequiredService<IKnowledgeBase>();
        var during = new PutDuringSync(other);

        var synced = await syncing.SyncAsync(during, default);
        var after = await other.PutAsync("uploads/pets.md", Pets(), default);

        Assert.Null(synced.Problem);
        Assert.Equal(KnowledgeProblems.IngestionRunning, during.Outcome?.Problem?.Code);
        Assert.Null(after.Problem);
        Assert.NotNull(await syncing.GetChunksAsync("uploads/pets", default));
    }

    [Fact]
    public async Task A_lock_whose_holder_died_is_free_for_the_next_change_at_once()
    {
        _directory.Write("knowledge/claims.md", Claims);
        using var crashed = new PostgresKnowledgeChangeLock(database.ConnectionString);
        var held = await crashed.TryEnterAsync(TimeSpan.Zero, default);
        Assert.NotNull(held);
        using var waiting = new PostgresKnowledgeChangeLock(database.ConnectionString);
        Assert.Null(await waiting.TryEnterAsync(TimeSpan.FromMilliseconds(300), default));

        // The holder's server session ends as it does when its process is killed; no lease has to run out.
        Assert.Equal(1, await TerminateHolderAsync());
        await using var next = Instance("next");
        var synced = await next.GetRequiredService<IKnowledgeBase>().SyncAsync(null, default);

        Assert.Null(synced.Problem);
        Assert.NotNull(await next.GetRequiredService<IKnowledgeBase>().GetChunksAsync("claims", default));
        await held.DisposeAsync();
    }

    private async Task<int> TerminateHolderAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) FROM pg_locks " +
            "WHERE locktype = 'advisory' AND objsubid = 1 AND granted " +
            "AND ((classid::bigint << 32) | objid::bigint) = @key) terminated", connection);
        command.Parameters.AddWithValue("key", PostgresKnowledgeChangeLock.AdvisoryKey);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static MemoryStream Pets() => new(Encoding.UTF8.GetBytes("# 반려견 동반 방문\n\n가능합니다.\n"));

    /// <summary>Puts a document through the other instance the first time the sync reports progress, and keeps the outcome.</summary>
    private sealed class PutDuringSync(IKnowledgeBase other) : IProgress<KnowledgeProgress>
    {
        public KnowledgeChange? Outcome { get; private set; }

        public void Report(KnowledgeProgress value) =>
            Outcome ??= other.PutAsync("uploads/pets.md", Pets(), default).GetAwaiter().GetResult();
    }
}
