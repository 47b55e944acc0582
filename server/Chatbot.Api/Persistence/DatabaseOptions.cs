using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Persistence;

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

internal sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

/// <summary>The chat database as configured: provider and connection string.</summary>
internal sealed record ChatDatabase(DatabaseProvider Provider, string ConnectionString)
{
    public Chatbot.Console.Data.ConsoleDatabase ForConsole() => new(
        Provider == DatabaseProvider.Postgres ? Chatbot.Console.Data.ConsoleDatabaseProvider.Postgres : Chatbot.Console.Data.ConsoleDatabaseProvider.Sqlite,
        ConnectionString);
}
