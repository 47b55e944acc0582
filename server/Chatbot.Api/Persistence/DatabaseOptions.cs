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
    public Chatbot.CounsellorConsole.Data.ConsoleDatabase ForConsole() => new(
        Provider == DatabaseProvider.Postgres ? Chatbot.CounsellorConsole.Data.ConsoleDatabaseProvider.Postgres : Chatbot.CounsellorConsole.Data.ConsoleDatabaseProvider.Sqlite,
        ConnectionString);
}
