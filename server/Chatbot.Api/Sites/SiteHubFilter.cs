using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace Chatbot.Api.Sites;

/// <summary>
/// Carries the <see cref="SiteCaller"/> that the hub endpoint's customer policy admitted (the connection's user) into
/// the hub, and checks the key again on every invocation, so a key disabled while a connection is open is refused on
/// its next call; and refuses every call once the connection's credential (session token, signed identity) has
/// expired, with <see cref="ChatErrorCodes.SessionExpired"/> (or <see cref="ChatErrorCodes.IdentityExpired"/>), which
/// the SDK answers by renewing the token and reconnecting. SignalR closes such a connection within a second anyway
/// (<c>CloseOnAuthenticationExpiration</c>); this covers the calls that arrive in between.
/// </summary>
internal sealed class SiteHubFilter(SiteRegistry registry, SiteConnections connections, TimeProvider clock) : IHubFilter
{
    private const string CallerItem = "site-caller";

    public static SiteCaller CallerOf(HubCallerContext context) =>
        context.Items.TryGetValue(CallerItem, out var caller) && caller is SiteCaller known
            ? known
            : throw new HubException("site_key_missing");

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var caller = SiteCaller.From(context.Context.User) ?? throw new HubException("site_key_missing");
        context.Context.Items[CallerItem] = caller;
        connections.Add(caller.SiteKey, context.Context);
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.TryGetValue(CallerItem, out var caller) && caller is SiteCaller known)
        {
            connections.Remove(known.SiteKey, context.Context);
        }

        await next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var caller = CallerOf(invocationContext.Context);
        if (caller.CredentialExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            var code = caller.FromSession ? ChatErrorCodes.SessionExpired : ChatErrorCodes.IdentityExpired;
            return Refuse(invocationContext, code, AccessProblem.CustomerMessage(code));
        }

        if (await registry.FindAsync(caller.SiteKey, invocationContext.Context.ConnectionAborted) is not { Enabled: true })
        {
            connections.CloseAll(caller.SiteKey);
            invocationContext.Context.Abort();
            return Refuse(invocationContext, "site_key_disabled", AccessProblem.CustomerMessage("site_key_disabled"));
        }

        return await next(invocationContext);
    }

    /// <summary>A streaming method gets an <see cref="ErrorEvent"/> the customer can read; other methods a hub error.</summary>
    public static object Refuse(HubInvocationContext invocation, string code, string message, int? retryAfterSeconds = null)
    {
        var returnType = invocation.HubMethod.ReturnType;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
        {
            return Single(new ErrorEvent(code, message) { RetryAfterSeconds = retryAfterSeconds });
        }

        throw new HubException($"{code}: {message}");
    }

#pragma warning disable CS1998 // A one-event stream needs no await.
    private static async IAsyncEnumerable<ChatStreamEvent> Single(ChatStreamEvent e)
    {
        yield return e;
    }
#pragma warning restore CS1998
}
