using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Deploy.Tests;

/// <summary>Starts the real Chatbot.Ai and Chatbot.Api processes as the deployed stack wires them, on loopback.</summary>
public static class Services
{
    /// <summary>The key the Api seeds by default; the deployed stack's tests call as the sample page does.</summary>
    public const string SiteKey = "pk_local_dev";

    /// <summary>The credential between api and ai in these tests, as init-secrets.sh makes one (48 letters and digits).</summary>
    public const string AiServiceKey = "TestAiServiceKey0123456789abcdefghijklmnopqrstuv";

    /// <summary>The AI service, with the service key (Ai:ServiceKey) unless <paramref name="settings"/> says otherwise.</summary>
    public static Task<ServerProcess> StartAiAsync(string dataDirectory, string url = "http://127.0.0.1:0", int streamDelayMilliseconds = 0, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Rag__DataDirectory"] = dataDirectory,
            ["Rag__KnowledgePath"] = Path.Combine(dataDirectory, "knowledge"),
            ["Ai__StreamDelayMilliseconds"] = streamDelayMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ai__ServiceKey"] = AiServiceKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ServerProcess.StartAsync("Chatbot.Ai", "/", environment, url);
    }

    /// <summary>A client of the AI service that calls as the api does, with the service key.</summary>
    public static HttpClient CreateAiClient(this ServerProcess ai)
    {
        var http = ai.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AiServiceKey);
        return http;
    }

    /// <summary>The Api with PostgreSQL storage and the AI service at <paramref name="ai"/>.</summary>
    public static Task<ServerProcess> StartApiAsync(string connectionString, Uri ai, string dataDirectory, string url = "http://127.0.0.1:0", IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = dataDirectory,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["AI_SERVER_URL"] = ai.ToString(),
            ["Ai__ServiceKey"] = AiServiceKey,
            ["Ai__BreakDurationSeconds"] = "2",
            ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ServerProcess.StartAsync("Chatbot.Api", "/api/health", environment, url, contentRoot: Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api"));
    }

    /// <summary>A SignalR connection over WebSockets only, without negotiation, as a proxy must carry it.</summary>
    public static async Task<HubConnection> ConnectHubAsync(Uri baseAddress)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, ChatEndpoints.HubPath), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                options.Headers[ChatEndpoints.SiteKeyHeader] = SiteKey;
                // The loopback proxy's certificate is self-signed for localhost.
                options.WebSocketConfiguration = socket => socket.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors);
            })
            .AddJsonProtocol()
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public static async Task<List<ChatStreamEvent>> AskAsync(HubConnection connection, ChatRequest request, Func<ChatStreamEvent, Task>? onEvent = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var events = new List<ChatStreamEvent>();
        await foreach (var update in connection.StreamAsync<ChatStreamEvent>(ChatEndpoints.AskMethod, request, timeout.Token))
        {
            events.Add(update);
            if (onEvent is not null)
            {
                await onEvent(update);
            }
        }

        return events;
    }

    /// <summary>A valid certificate, or the loopback proxy's self-signed one for localhost.</summary>
    public static bool IsTrusted(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Net.Security.SslPolicyErrors errors) =>
        errors == System.Net.Security.SslPolicyErrors.None || certificate?.Subject == "CN=localhost";

    public static string Text(IEnumerable<ChatStreamEvent> events) => string.Concat(events.OfType<DeltaEvent>().Select(d => d.Text));

    public static HttpClient InsecureHttpClient(Uri baseAddress) => InsecureHttpClient(baseAddress, from: null);

    /// <summary>
    /// As <see cref="InsecureHttpClient(Uri)"/>, but connecting from <paramref name="from"/> (another loopback address),
    /// so nginx and the Api count it as a client of its own: a test that spends a per-client rate budget leaves the
    /// other tests' budget whole.
    /// </summary>
    public static HttpClient InsecureHttpClient(Uri baseAddress, System.Net.IPAddress? from)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors) },
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellation) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(1),
        };
        http.DefaultRequestHeaders.Add(ChatEndpoints.SiteKeyHeader, SiteKey);
        return http;
    }

    /// <summary>A client of one server process that calls with the site key.</summary>
    public static HttpClient CreateSiteClient(this ServerProcess server)
    {
        var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Add(ChatEndpoints.SiteKeyHeader, SiteKey);
        return http;
    }
}
