using Chatbot.Data;
using Microsoft.EntityFrameworkCore;

namespace Dongyang.Chat.Client.Tests;

/// <summary>One real Chatbot.Api process (SQLite default) shared by the client tests; each test has its own conversations.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
    }

    /// <summary>The server's own database, read as an operator would.</summary>
    public SqliteChatDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<SqliteChatDbContext>()
            .UseSqlite($"Data Source={Path.Combine(Server.DataDirectory, "chatbot.db")};Pooling=False")
            .Options);
}
