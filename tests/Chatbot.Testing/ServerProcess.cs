using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Testing;

/// <summary>
/// A real server process of ours (Chatbot.Api, Chatbot.Ai) started from its build output, listening on loopback. The
/// address comes from Kestrel's "Now listening on" line, so port 0 picks a free port.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(string assemblyPath, string url, string? contentRoot, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string>? arguments = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        if (contentRoot is not null)
        {
            start.ArgumentList.Add("--contentRoot");
            start.ArgumentList.Add(contentRoot);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        // A developer's own key must not turn the offline tests into calls to a model.
        start.Environment.Remove("OPENAI_API_KEY");
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            // Wait for the redirected output to drain, so the message holds the process's last words (e.g. why it stopped).
            process.WaitForExit();
            listening.TrySetException(new InvalidOperationException($"{Path.GetFileName(assemblyPath)} exited with {process.ExitCode} before listening:\n{Output}"));
        };
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The build output folder of a server project, in the configuration this test build was compiled in.</summary>
    /// <param name="project">The project folder under <c>server/</c>, e.g. <c>Chatbot.Api</c>; the assembly has the same name.</param>
    public static string OutputDirectory(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var folder = Path.Combine(RepositoryPaths.Root, "server", project, "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(folder, project + ".dll"))
            ? folder
            : throw new InvalidOperationException($"{project} is not built at {folder}.");
    }

    /// <summary>Starts the server and waits until it listens and its health endpoint answers 2xx.</summary>
    /// <param name="project">The project under <c>server/</c>, e.g. <c>Chatbot.Ai</c>.</param>
    /// <param name="healthPath">The path that must answer 2xx before the server counts as started.</param>
    /// <param name="settings">Environment variables, e.g. <c>Rag__DataDirectory</c>.</param>
    /// <param name="url">Where to listen; the default picks a free loopback port.</param>
    /// <param name="contentRoot">The content root, when not the output folder.</param>
    /// <param name="outputDirectory">Where the assembly is, when not the build output (e.g. a Release publish).</param>
    /// <param name="arguments">Arguments before <c>--urls</c>, e.g. a subcommand such as the load tool's <c>echo-server</c>.</param>
    public static async Task<ServerProcess> StartAsync(
        string project,
        string healthPath,
        IReadOnlyDictionary<string, string>? settings = null,
        string url = "http://127.0.0.1:0",
        string? contentRoot = null,
        string? outputDirectory = null,
        IReadOnlyList<string>? arguments = null)
    {
        var assembly = Path.Combine(outputDirectory ?? OutputDirectory(project), project + ".dll");
        var server = new ServerProcess(assembly, url, contentRoot, settings ?? new Dictionary<string, string>(), arguments);
        server.process.Start();
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await server.listening.Task.WaitAsync(StartTimeout);
            using var http = server.CreateHttpClient();
            using var health = await http.GetAsync(new Uri(healthPath, UriKind.Relative));
            health.EnsureSuccessStatusCode();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(1) };

    /// <summary>SIGTERM, as an operator's stop or <c>docker stop</c> sends: the host drains and shuts down gracefully.</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
            }
        }
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
