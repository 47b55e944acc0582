using Chatbot.Testing;

namespace Chatbot.Api.Tests;

/// <summary>One real server shared by the tests of a class; each test starts its own conversations.</summary>
public abstract class ChatServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(settings: await PrepareStorageAsync());

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
        await ReleaseStorageAsync();
    }

    /// <summary>The settings that choose and point at this fixture's storage.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync();

    protected virtual Task ReleaseStorageAsync() => Task.CompletedTask;
}

/// <summary>The embedded default: SQLite and the in-process vector index.</summary>
public sealed class SqliteChatServerFixture : ChatServerFixture
{
    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
}

/// <summary>Production storage: a fresh database on the real PostgreSQL 17 + pgvector test server.</summary>
public sealed class PostgresChatServerFixture : ChatServerFixture
{
    private string connectionString = "";

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("chat");
        return new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["Rag__VectorStore"] = "Postgres",
        };
    }

    protected override Task ReleaseStorageAsync() => TestPostgres.DropDatabaseAsync(connectionString);
}
