using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Chatbot.CounsellorConsole.Data;

/// <summary>The embedded default: the console's tables in the chat's SQLite file, migrated from Data/Migrations/Sqlite.</summary>
public sealed class SqliteConsoleDbContext(DbContextOptions<SqliteConsoleDbContext> options) : ConsoleDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context without the web host.</summary>
internal sealed class SqliteConsoleDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqliteConsoleDbContext>
{
    public SqliteConsoleDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteConsoleDbContext>();
        options.UseConsoleDatabase(new ConsoleDatabase(ConsoleDatabaseProvider.Sqlite, "Data Source=design-time.db"));
        return new(options.Options);
    }
}
