using Chatbot.Data;
using Chatbot.Testing;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Tests;

/// <summary>A server whose database the test can also open, to check (or age) what is stored.</summary>
public abstract class StoredRowsFixture : ChatServerFixture
{
    /// <summary>Extra settings for the server, on top of the storage ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> ServerSettings { get; } = new Dictionary<string, string>();

    public abstract ChatDbContext OpenDatabase();

    protected static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Concat(b).ToDictionary(p => p.Key, p => p.Value);
}

public abstract class SqliteStoredRowsFixture : StoredRowsFixture
{
    public override ChatDbContext OpenDatabase() =>
        new SqliteChatDbContext(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite($"Data Source={Path.Combine(Server.DataDirectory, "chatbot.db")}").Options);

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() => Task.FromResult(ServerSettings);
}

public abstract class PostgresStoredRowsFixture : StoredRowsFixture
{
    public string ConnectionString { get; private set; } = "";

    public override ChatDbContext OpenDatabase() =>
        new PostgresChatDbContext(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(ConnectionString).Options);

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("trust");
        return Merge(ServerSettings, new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["ConnectionStrings__Chatbot"] = ConnectionString });
    }

    protected override Task ReleaseStorageAsync() => TestPostgres.DropDatabaseAsync(ConnectionString);
}
