using System.CommandLine;

namespace Chatbot.Cli.Commands;

/// <summary>
/// The database the operator commands work on: <c>--provider</c> and <c>--connection</c>, defaulting as the Api does
/// ($Database__Provider, $ConnectionStrings__Chatbot, else the embedded SQLite file).
/// </summary>
internal static class CliDatabase
{
    public static readonly Option<string> Provider = new("--provider")
    {
        Description = "Sqlite or Postgres (default: $Database__Provider, else Sqlite)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Database__Provider") is { Length: > 0 } p ? p : "Sqlite",
    };

    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Connection string (default: $ConnectionStrings__Chatbot, else the Api's embedded SQLite file server/Chatbot.Api/data/chatbot.db)",
        Recursive = true,
    };

    /// <summary>Whether the provider is PostgreSQL, and the connection string to use.</summary>
    public static (bool IsPostgres, string ConnectionString) Resolve(ParseResult parse)
    {
        var provider = parse.GetValue(Provider)!;
        var connection = parse.GetValue(Connection)
            ?? (Environment.GetEnvironmentVariable("ConnectionStrings__Chatbot") is { Length: > 0 } configured ? configured : null);
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            return (true, connection ?? throw new ArgumentException("--connection (or ConnectionStrings__Chatbot) is needed for Postgres."));
        }

        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown provider '{provider}'. Use Sqlite or Postgres.");
        }

        return (false, connection ?? $"Data Source={DefaultSqliteFile()}");
    }

    /// <summary>The embedded default's database, found from the repository root above the working directory.</summary>
    private static string DefaultSqliteFile()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var api = Path.Combine(folder.FullName, "server", "Chatbot.Api");
            if (Directory.Exists(api))
            {
                Directory.CreateDirectory(Path.Combine(api, "data"));
                return Path.Combine(api, "data", "chatbot.db");
            }
        }

        throw new ArgumentException("Run inside the repository, or give --connection.");
    }
}
