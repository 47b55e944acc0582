using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;

namespace Chatbot.Api.ScaleOut;

/// <summary>
/// The Redis backplane, made optional at run time: when Redis cannot be reached, a customer's hub connection still
/// opens and their questions are still answered (answers stream on the connection itself); only pushes to other tabs
/// pause. A connection that opened while Redis was away joins the backplane on its next group join, once Redis is back.
/// Without this, <see cref="RedisHubLifetimeManager{THub}"/> refuses every new connection while Redis is down.
/// </summary>
internal sealed partial class ResilientHubLifetimeManager<THub>(
    RedisHubLifetimeManager<THub> redis,
    ILogger<ResilientHubLifetimeManager<THub>> logger) : HubLifetimeManager<THub>
    where THub : Hub
{
    /// <summary>Connections the backplane has not registered yet, because Redis was away when they opened.</summary>
    private readonly ConcurrentDictionary<string, HubConnectionContext> unregistered = new();

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        try
        {
            await redis.OnConnectedAsync(connection);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            unregistered[connection.ConnectionId] = connection;
            LogConnectedWithoutBackplane(logger, e.Message);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (unregistered.TryRemove(connection.ConnectionId, out _))
        {
            return;
        }

        try
        {
            await redis.OnDisconnectedAsync(connection);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDisconnectFailed(logger, e.Message);
        }
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (unregistered.TryGetValue(connectionId, out var connection))
        {
            // Throws again while Redis is still away; the caller logs it and the conversation goes on.
            await redis.OnConnectedAsync(connection);
            unregistered.TryRemove(connectionId, out _);
        }

        await redis.AddToGroupAsync(connectionId, groupName, cancellationToken);
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        unregistered.ContainsKey(connectionId) ? Task.CompletedTask : redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        redis.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        redis.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        redis.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, Microsoft.AspNetCore.SignalR.Protocol.CompletionMessage result) =>
        redis.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        redis.TryGetReturnType(invocationId, out type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A hub connection opened without the Redis backplane (it joins once Redis is back): {Reason}")]
    private static partial void LogConnectedWithoutBackplane(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis backplane could not release a closed hub connection: {Reason}")]
    private static partial void LogDisconnectFailed(ILogger logger, string reason);
}
