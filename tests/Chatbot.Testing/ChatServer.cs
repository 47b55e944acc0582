using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Testing;

/// <summary>
/// The real Chatbot.Api process, started from its build output on a loopback port, with its own data folder.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    /// <summary>The key the embedded default seeds; the tests call as the sample page does.</summary>
    public const string LocalSiteKey = "pk_local_dev";

    /// <summary>The admin credential every test server gets (a test value, long enough to pass validation).</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly ServerProcess process;

    private ChatServer(ServerProcess process, string dataDirectory)
    {
        this.process = process;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress => process.BaseAddress;

    /// <summary>The server's process id (the load tool reads its memory from /proc).</summary>
    public int ProcessId => process.ProcessId;

    public string DataDirectory { get; }

    public string Output => process.Output;

    /// <summary>The build output of Chatbot.Api that this test build was compiled beside.</summary>
    public static string ApiOutputDirectory { get; } = PublishedOutput ?? ServerProcess.OutputDirectory("Chatbot.Api");

    /// <summary>A published Chatbot.Api to run instead of the build output (set by the widget size report), or null.</summary>
    private static string? PublishedOutput =>
        Environment.GetEnvironmentVariable("CHATBOT_API_PUBLISHED") is { Length: > 0 } published ? Path.GetFullPath(published) : null;

    public static async Task<ChatServer> StartAsync(string? dataDirectory = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("chatbot-test-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = dataDirectory,
            ["Admin__ApiKey"] = AdminKey,

            // Every test talks from 127.0.0.1, so the per-IP budgets and caps would be shared by a whole test class;
            // the rate-limit and fairness tests set their own small values.
            ["RateLimits__PerIp"] = "100000",
            ["RateLimits__HubPerIp"] = "1000000",
            ["RateLimits__MaxConnectionsPerIp"] = "100000",
            ["RateLimits__MaxConcurrentAnswersPerConnection"] = "10000",
            ["RateLimits__MaxConcurrentAnswersPerIp"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        // As with 'dotnet run', the project folder is the content root, so wwwroot is served from source.
        var process = await ServerProcess.StartAsync(
            "Chatbot.Api",
            "/api/health",
            environment,
            contentRoot: PublishedOutput ?? Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api"),
            outputDirectory: PublishedOutput);
        return new ChatServer(process, dataDirectory);
    }

    /// <summary>An HTTP client that calls with <paramref name="siteKey"/> (the local key by default; null for none).</summary>
    public HttpClient CreateHttpClient(string? siteKey = LocalSiteKey)
    {
        var http = process.CreateHttpClient();
        if (siteKey is not null)
        {
            http.DefaultRequestHeaders.Add(ChatEndpoints.SiteKeyHeader, siteKey);
        }

        return http;
    }

    /// <summary>
    /// An anonymous session from <c>POST /api/session</c> (no identity): a token that stands for the site key and an
    /// anonymous caller of its own, as the widget and the SDK get before their first question.
    /// </summary>
    public async Task<SessionResponse> CreateAnonymousSessionAsync(string siteKey = LocalSiteKey)
    {
        using var http = CreateHttpClient(siteKey);
        using var response = await http.PostAsync(ChatEndpoints.SessionPath, content: null);
        response.EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<SessionResponse>(response.Content, System.Text.Json.JsonSerializerOptions.Web))!;
    }

    /// <summary>An HTTP client of one anonymous caller: the site key and its own anonymous session token as the bearer.</summary>
    public async Task<HttpClient> CreateAnonymousClientAsync(string siteKey = LocalSiteKey)
    {
        var session = await CreateAnonymousSessionAsync(siteKey);
        var http = CreateHttpClient(siteKey);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.Token);
        return http;
    }

    /// <summary>The header that makes a hub connection (or any request) that session's: <c>Authorization: Bearer dcs1.…</c>.</summary>
    public static Dictionary<string, string> SessionHeaders(SessionResponse session) => new() { ["Authorization"] = "Bearer " + session.Token };

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

    public Task StopAsync() => process.StopAsync();

    /// <summary>Kills the process at once, as a crash would.</summary>
    public Task KillAsync() => process.KillAsync();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
