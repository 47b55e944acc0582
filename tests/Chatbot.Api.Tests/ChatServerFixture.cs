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
public class PostgresChatServerFixture : ChatServerFixture
{
    private string connectionString = "";

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("chat");
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["Rag__VectorStore"] = "Postgres",
        };
        AddSettings(settings);
        return settings;
    }

    /// <summary>Lets a derived fixture tune the server beyond its storage.</summary>
    protected virtual void AddSettings(IDictionary<string, string> settings)
    {
    }

    protected override Task ReleaseStorageAsync() => TestPostgres.DropDatabaseAsync(connectionString);
}

/// <summary>
/// PostgreSQL storage for tests that play many customers at once. They all call from loopback, where real customers
/// come from many addresses, so the per-address limit is lifted; the per-site limits stay.
/// </summary>
public sealed class ManyCustomersPostgresChatServerFixture : PostgresChatServerFixture
{
    protected override void AddSettings(IDictionary<string, string> settings) => settings["RateLimits__PerIp"] = "100000";
}
