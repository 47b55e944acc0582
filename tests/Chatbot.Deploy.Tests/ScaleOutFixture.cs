using System.Net.WebSockets;
using System.Threading.Channels;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// Two Chatbot.Api processes on one shared PostgreSQL database behind the production nginx config, which balances
/// round-robin; hub clients go straight to WebSockets without negotiation, so any instance can take any connection.
/// Each instance names itself in <c>X-Chatbot-Instance</c>, so a test knows which one a connection landed on. With
/// <paramref name="redis"/>, the instances share a real redis-server as their SignalR backplane.
/// </summary>
public abstract class ScaleOutFixture(bool redis) : IAsyncLifetime
{
    public const string InstanceHeader = "X-Chatbot-Instance";

    private string connectionString = "";

    public RedisServer? Redis { get; private set; }

    /// <summary>The instances by name: api-1 and api-2.</summary>
    public IReadOnlyDictionary<string, ChatServer> Instances { get; private set; } = new Dictionary<string, ChatServer>();

    public NginxProxy Nginx { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Fail at once, before anything starts, when a tool the test needs is missing.
        Tool.Require("nginx", "Debian package nginx");
        if (redis)
        {
            Tool.Require("redis-server", "Debian package redis-server");
            Redis = await RedisServer.StartAsync();
        }

        connectionString = await TestPostgres.CreateDatabaseAsync("scale");
        var instances = new Dictionary<string, ChatServer>();
        // One after the other: the first applies the migrations and ingests the knowledge into pgvector, the second
        // finds both up to date.
        foreach (var name in new[] { "api-1", "api-2" })
        {
            var settings = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Chatbot"] = connectionString,
                ["Rag__VectorStore"] = "Postgres",
                ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
                ["ScaleOut__InstanceName"] = name,
            };
            if (Redis is not null)
            {
                settings["ScaleOut__RedisConnectionString"] = Redis.ConnectionString;
            }

            instances[name] = await ChatServer.StartAsync(settings: settings);
        }

        Instances = instances;
        Nginx = await NginxProxy.StartAsync([.. instances.Values.Select(i => $"127.0.0.1:{i.BaseAddress.Port}")]);
    }

    public async Task DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var instance in Instances.Values)
        {
            await instance.DisposeAsync();
            Directory.Delete(instance.DataDirectory, recursive: true);
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    /// <summary>
    /// A hub connection through nginx that landed on an instance other than <paramref name="notOn"/> (any, when null).
    /// Round-robin alternates per nginx worker, so a few connections are enough; the instance is read from the
    /// WebSocket upgrade response.
    /// </summary>
    public async Task<Tab> ConnectAsync(string? notOn = null)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var tab = await Tab.ConnectAsync(Nginx.HttpsBase);
            if (tab.Instance != notOn)
            {
                return tab;
            }

            await tab.DisposeAsync();
        }

        throw new InvalidOperationException($"nginx sent 16 connections in a row to {notOn}; it does not balance.");
    }
}

public sealed class ScaleOutWithRedisFixture() : ScaleOutFixture(redis: true);

public sealed class ScaleOutWithoutRedisFixture() : ScaleOutFixture(redis: false);

/// <summary>A customer's browser tab: a hub connection, the instance it is on, and the messages pushed to it.</summary>
public sealed class Tab : IAsyncDisposable
{
    private readonly Channel<MessageAdded> pushes = Channel.CreateUnbounded<MessageAdded>();

    private Tab(HubConnection connection, string instance)
    {
        Connection = connection;
        Instance = instance;
    }

    public HubConnection Connection { get; }

    /// <summary>The Api instance (api-1 or api-2) that holds this connection.</summary>
    public string Instance { get; }

    /// <summary>A tab over a connection made elsewhere (started), on the named instance.</summary>
    public static Tab Of(HubConnection connection, string instance)
    {
        var tab = new Tab(connection, instance);
        connection.On<MessageAdded>(ChatEndpoints.MessageAddedMethod, added => tab.pushes.Writer.TryWrite(added));
        return tab;
    }

    public static async Task<Tab> ConnectAsync(Uri proxy)
    {
        string? instance = null;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(proxy, ChatEndpoints.HubPath), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                // Our own socket, so the upgrade response's headers can be read.
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var socket = new ClientWebSocket();
                    socket.Options.CollectHttpResponseDetails = true;
                    socket.Options.SetRequestHeader(ChatEndpoints.SiteKeyHeader, Services.SiteKey);
                    socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Services.IsTrusted(certificate, errors);
                    try
                    {
                        await socket.ConnectAsync(context.Uri, cancellationToken);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }

                    instance = socket.HttpResponseHeaders?.TryGetValue(ScaleOutFixture.InstanceHeader, out var names) == true ? names.FirstOrDefault() : null;
                    return socket;
                };
            })
            .AddJsonProtocol()
            .Build();
        await connection.StartAsync();
        return Of(connection, instance ?? throw new InvalidOperationException($"The WebSocket upgrade had no {ScaleOutFixture.InstanceHeader} header."));
    }

    /// <summary>The next pushed message; fifteen seconds bound one that never comes.</summary>
    public async Task<MessageAdded> NextPushAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            return await pushes.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No MessageAdded reached the tab on {Instance} within 15 seconds.");
        }
    }

    public bool TryTakePush(out MessageAdded? added) => pushes.Reader.TryRead(out added);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
