using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chatbot.Cli.Commands;

/// <summary>What every command shares: configuration as the server reads it, logging and the default data folder.</summary>
internal static class CliEngine
{
    /// <summary>Exit code for a run that worked.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the input was fine but nothing could be done (e.g. every file failed).</summary>
    public const int NothingDone = 1;

    /// <summary>Exit code for a bad path or bad input file.</summary>
    public const int BadInput = 2;

    /// <summary>The repository root (the folder with Chatbot.sln) above the working directory, if any.</summary>
    public static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Chatbot.sln")))
            {
                return folder.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The server's data folder: server/Chatbot.Api/data when run inside the repository (where
    /// <c>dotnet run --project server/Chatbot.Api</c> keeps it), otherwise ./data.
    /// </summary>
    public static string DefaultDataDirectory() =>
        RepositoryRoot() is { } root ? Path.Combine(root, "server", "Chatbot.Api", "data") : Path.GetFullPath("data");

    /// <summary>
    /// The server's settings: server/Chatbot.Api/appsettings.json when inside the repository, then environment
    /// variables (Rag__DeclineThreshold, OPENAI_API_KEY, …), so the CLI composes the engine exactly as the server does.
    /// </summary>
    public static IConfiguration Configuration()
    {
        var builder = new ConfigurationBuilder();
        if (RepositoryRoot() is { } root)
        {
            builder.AddJsonFile(Path.Combine(root, "server", "Chatbot.Api", "appsettings.json"), optional: true);
        }

        return builder.AddEnvironmentVariables().Build();
    }

    /// <summary>Tables written to a file or pipe get room for document ids instead of the 80-column default.</summary>
    public static void WidenRedirectedOutput()
    {
        if (Console.IsOutputRedirected)
        {
            Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 140);
        }
    }

    /// <summary>Warnings and errors go to standard error so standard output stays the report.</summary>
    public static void AddHostServices(IServiceCollection services) =>
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            // The ingestion summary lists each failed file with its reason; the stack trace adds nothing for an operator.
            .AddFilter("Chatbot.Rag.Ingestion", LogLevel.Error)
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
}
