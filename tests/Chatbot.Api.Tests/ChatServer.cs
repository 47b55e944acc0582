using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Api.Tests;

/// <summary>
/// The real Chatbot.Api process, started from its build output on a loopback port, with its own data folder.
/// </summary>
public sealed partial class ChatServer : IAsyncDisposable
{
    /// <summary>The key the embedded default seeds; the tests call as the sample page does.</summary>
    public const string LocalSiteKey = "pk_local_dev";

    /// <summary>The admin credential every test server gets (a test value, long enough to pass validation).</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChatServer(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        DataDirectory = dataDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ApiOutputDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ApiOutputDirectory, "Chatbot.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        // As with 'dotnet run', the project folder is the content root, so wwwroot is served from source.
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Admin__ApiKey"] = AdminKey;

        // Every test talks from 127.0.0.1, so the per-IP budget would be shared by a whole test class; the rate-limit
        // tests set their own small budgets.
        start.Environment["RateLimits__PerIp"] = "100000";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Chatbot.Api exited with {process.ExitCode} before listening:\n{Output}"));
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string DataDirectory { get; }

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

    /// <summary>The build output of Chatbot.Api that this test build was compiled beside.</summary>
    public static string ApiOutputDirectory { get; } = FindApiOutput();

    public static async Task<ChatServer> StartAsync(string? dataDirectory = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("chatbot-test-").FullName;
        var server = new ChatServer(dataDirectory, settings ?? new Dictionary<string, string>());
        server.process.Start();
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        server.BaseAddress = await server.listening.Task.WaitAsync(StartTimeout);

        using var http = server.CreateHttpClient();
        using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        health.EnsureSuccessStatusCode();
        return server;
    }

    /// <summary>An HTTP client that calls with <paramref name="siteKey"/> (the local key by default; null for none).</summary>
    public HttpClient CreateHttpClient(string? siteKey = LocalSiteKey)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        if (siteKey is not null)
        {
            http.DefaultRequestHeaders.Add(ChatEndpoints.SiteKeyHeader, siteKey);
        }

        return http;
    }

    /// <summary>An HTTP client with the admin bearer token.</summary>
    public HttpClient CreateAdminClient()
    {
        var http = CreateHttpClient(siteKey: null);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        return http;
    }

    /// <summary>A SignalR connection to the chat hub that sends <paramref name="siteKey"/> and any extra headers.</summary>
    public HubConnection CreateHubConnection(string siteKey = LocalSiteKey, IReadOnlyDictionary<string, string>? headers = null) =>
        new HubConnectionBuilder()
            .WithUrl(
                new Uri(BaseAddress, ChatEndpoints.HubPath),
                options =>
                {
                    options.Headers[ChatEndpoints.SiteKeyHeader] = siteKey;
                    foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                    {
                        options.Headers[name] = value;
                    }
                })
            .AddJsonProtocol()
            .Build();

    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            // SIGTERM lets the host shut down gracefully, as an operator's stop would.
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>SIGKILL: the process dies mid-work, with no graceful shutdown, as in a crash or an OOM kill.</summary>
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

    private static string FindApiOutput()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var apiOutput = Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(apiOutput, "Chatbot.Api.dll"))
            ? apiOutput
            : throw new InvalidOperationException($"Chatbot.Api is not built at {apiOutput}.");
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
