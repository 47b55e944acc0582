using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Sites;

/// <summary>Open hub connections by site key, so a disabled key's connections can be closed at once.</summary>
internal sealed partial class SiteConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> bySite = new(StringComparer.Ordinal);
    private readonly SiteRegistry registry;
    private readonly ILogger<SiteConnections> logger;

    public SiteConnections(SiteRegistry registry, ILogger<SiteConnections> logger)
    {
        this.registry = registry;
        this.logger = logger;
        registry.Disabled += CloseAll;
    }

    public IReadOnlyCollection<string> SiteKeys => [.. bySite.Keys];

    public void Add(string siteKey, HubCallerContext connection) =>
        bySite.GetOrAdd(siteKey, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;

    public void Remove(string siteKey, HubCallerContext connection)
    {
        if (bySite.TryGetValue(siteKey, out var connections))
        {
            connections.TryRemove(connection.ConnectionId, out _);
        }
    }

    public void CloseAll(string siteKey)
    {
        if (!bySite.TryGetValue(siteKey, out var connections))
        {
            return;
        }

        foreach (var connection in connections.Values)
        {
            connection.Abort();
        }

        LogClosed(logger, connections.Count);
        connections.Clear();
    }

    public void Dispose() => registry.Disabled -= CloseAll;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed {Count} hub connections of a disabled site key")]
    private static partial void LogClosed(ILogger logger, int count);
}

/// <summary>
/// Closes open connections of keys disabled elsewhere (the CLI, another instance) within <see cref="SiteOptions.CacheSeconds"/>;
/// keys disabled through this server's admin API are closed immediately by <see cref="SiteConnections"/>.
/// </summary>
internal sealed class OpenConnectionGuard(SiteConnections connections, SiteRegistry registry, TimeProvider clock, IOptions<SiteOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CacheSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var key in connections.SiteKeys)
            {
                try
                {
                    if (await registry.FindAsync(key, stoppingToken) is not { Enabled: true })
                    {
                        connections.CloseAll(key);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be restarting; the next tick tries again, and each invocation is checked anyway.
                }
            }
        }
    }
}
