using System.Data.Common;
using Chatbot.Data;
using Chatbot.Testing;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data.Tests;

/// <summary>Each provider's migrations take an empty database to the current model with no manual step.</summary>
public sealed class MigrationTests
{
    private static readonly string[] Tables = ["conversations", "messages", "feedback"];

    [Fact]
    public async Task Sqlite_migrates_an_empty_database_to_the_latest()
    {
        var folder = Directory.CreateTempSubdirectory("chatbot-migrations-").FullName;
        try
        {
            var options = new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "chatbot.db")};Pooling=False").Options;
            await using var context = new SqliteChatDbContext(options);

            await AssertMigratesAsync(context, "SELECT name FROM sqlite_master WHERE type = 'table'");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_migrates_an_empty_database_to_the_latest()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrations");
        try
        {
            var options = new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(connectionString).Options;
            await using var context = new PostgresChatDbContext(options);

            await AssertMigratesAsync(context, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task AssertMigratesAsync(ChatDbContext context, string listTables)
    {
        var migrations = context.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        Assert.Equal(migrations, await context.Database.GetPendingMigrationsAsync());
        Assert.False(context.Database.HasPendingModelChanges(), "the model has changes no migration captures; add a migration for this provider");

        await context.Database.MigrateAsync();

        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.Equal(migrations, await context.Database.GetAppliedMigrationsAsync());
        var tables = await ListAsync(context, listTables);
        Assert.All(Tables, table => Assert.Contains(table, tables));

        // Applying again is a no-op, as every start-up does.
        await context.Database.MigrateAsync();
        Assert.Equal(migrations, await context.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await context.Conversations.CountAsync());
    }

    private static async Task<List<string>> ListAsync(ChatDbContext context, string sql)
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            var names = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }
}
