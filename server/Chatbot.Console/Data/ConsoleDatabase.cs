using Microsoft.EntityFrameworkCore;

namespace Chatbot.CounsellorConsole.Data;

public enum ConsoleDatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the console keeps its tables: the host's chat database (the host resolves provider and connection).</summary>
public sealed record ConsoleDatabase(ConsoleDatabaseProvider Provider, string ConnectionString);

public static class ConsoleDatabaseExtensions
{
    /// <summary>The one place that says how a console context talks to its database, for the host, the CLI and design time.</summary>
    public static DbContextOptionsBuilder UseConsoleDatabase(this DbContextOptionsBuilder options, ConsoleDatabase database)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        return database.Provider switch
        {
            ConsoleDatabaseProvider.Sqlite => options.UseSqlite(database.ConnectionString, sqlite => sqlite.MigrationsHistoryTable(ConsoleDbContext.MigrationsHistoryTable)),
            ConsoleDatabaseProvider.Postgres => options.UseNpgsql(database.ConnectionString, npgsql => npgsql.MigrationsHistoryTable(ConsoleDbContext.MigrationsHistoryTable).EnableRetryOnFailure()),
            _ => throw new ArgumentOutOfRangeException(nameof(database), database.Provider, "Use Sqlite or Postgres."),
        };
    }
}
