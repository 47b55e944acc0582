using Chatbot.Testing;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// The stack as compose runs it, on loopback: the production nginx config in front of a Chatbot.Api process that
/// uses a separate Chatbot.Ai process and a fresh PostgreSQL database; nginx serves the site as the nginx image does
/// (deploy/scripts/build-static-site.sh).
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    private readonly string aiData = Directory.CreateTempSubdirectory("chatbot-ai-").FullName;
    private readonly string apiData = Directory.CreateTempSubdirectory("chatbot-api-").FullName;
    private string connectionString = "";

    public ServerProcess Ai { get; private set; } = null!;

    /// <summary>The stack's one database: the api's conversations and the ai's knowledge index (pgvector).</summary>
    public string ConnectionString => connectionString;

    /// <summary>The ai's data folder (knowledge files and uploads; the index is in PostgreSQL).</summary>
    public string AiData => aiData;

    public ServerProcess Api { get; private set; } = null!;

    public NginxProxy Nginx { get; private set; } = null!;

    /// <summary>A fingerprinted file placed as the Blazor build places its _framework files.</summary>
    public const string FingerprintedWasm = "widget/_framework/dotnet.native.k2x9f7r1qz.wasm";

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("stack");
        // As compose runs it: the ai keeps the knowledge index in PostgreSQL (pgvector), in the api's database.
        Ai = await Services.StartAiAsync(aiData, settings: new Dictionary<string, string>
        {
            ["Rag__VectorStore"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
        });
        Api = await Services.StartApiAsync(connectionString, Ai.BaseAddress, apiData);
        Nginx = await NginxProxy.StartAsync($"127.0.0.1:{Api.BaseAddress.Port}");

        var wwwroot = Directory.CreateTempSubdirectory("chatbot-wwwroot-").FullName;
        try
        {
            CopyDirectory(Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api", "wwwroot"), wwwroot);
            var wasm = Path.Combine(wwwroot, FingerprintedWasm);
            Directory.CreateDirectory(Path.GetDirectoryName(wasm)!);
            // The smallest valid WebAssembly module (magic and version), padded so that compression is worth it.
            await File.WriteAllBytesAsync(wasm, [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, .. new byte[4096]]);
            var build = await Tool.RunAsync("bash", [
                Path.Combine(RepositoryPaths.Root, "deploy", "scripts", "build-static-site.sh"),
                "--site", Path.Combine(RepositoryPaths.Root, "samples", "site"),
                "--wwwroot", wwwroot,
                "--out", Nginx.SiteRoot]);
            Assert.True(build.ExitCode == 0, build.ToString());
        }
        finally
        {
            Directory.Delete(wwwroot, recursive: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(Nginx.SiteRoot, "*", SearchOption.AllDirectories))
        {
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Nginx.DisposeAsync();
        await Api.DisposeAsync();
        await Ai.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
        Directory.Delete(aiData, recursive: true);
        Directory.Delete(apiData, recursive: true);
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
