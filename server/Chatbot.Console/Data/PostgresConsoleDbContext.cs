using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Chatbot.CounsellorConsole.Data;

/// <summary>Production: the console's tables in the chat's PostgreSQL database, migrated from Data/Migrations/Postgres.</summary>
public sealed class PostgresConsoleDbContext(DbContextOptions<PostgresConsoleDbContext> options) : ConsoleDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL context without a server.</summary>
internal sealed class PostgresConsoleDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgresConsoleDbContext>
{
    public PostgresConsoleDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresConsoleDbContext>();
        options.UseConsoleDatabase(new ConsoleDatabase(ConsoleDatabaseProvider.Postgres, "Host=localhost;Database=chatbot_design_time"));
        return new(options.Options);
    }
}
