using Chatbot.Testing;

namespace Chatbot.Rag.Tests.VectorStores;

/// <summary>A fresh database on the real PostgreSQL + pgvector test server for one test class, dropped afterwards.</summary>
public sealed class PgVectorDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestPostgres.CreateDatabaseAsync("rag");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(ConnectionString);
}
