using Chatbot.Testing;

namespace Chatbot.Api.Tests;

/// <summary>
/// The real Chatbot.Api process, started from its build output on a loopback port, with its own data folder.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly ServerProcess process;

    private ChatServer(ServerProcess process, string dataDirectory)
    {
        this.process = process;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress => process.BaseAddress;

    public string DataDirectory { get; }

    public string Output => process.Output;

    /// <summary>The build output of Chatbot.Api that this test build was compiled beside.</summary>
    public static string ApiOutputDirectory { get; } = ServerProcess.OutputDirectory("Chatbot.Api");

    public static async Task<ChatServer> StartAsync(string? dataDirectory = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("chatbot-test-").FullName;
        var environment = new Dictionary<string, string> { ["Storage__DataDirectory"] = dataDirectory };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        // As with 'dotnet run', the project folder is the content root, so wwwroot is served from source.
        var process = await ServerProcess.StartAsync(
            "Chatbot.Api",
            "/api/health",
            environment,
            contentRoot: Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api"));
        return new ChatServer(process, dataDirectory);
    }

    public HttpClient CreateHttpClient() => process.CreateHttpClient();

    public Task StopAsync() => process.StopAsync();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
