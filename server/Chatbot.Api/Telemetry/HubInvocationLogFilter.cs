using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace Chatbot.Api.Telemetry;

/// <summary>
/// One log line per hub invocation: the method, how it ended and how long it took. Arguments are never logged: they
/// hold the customer's words. (A streaming method's line is written when its stream has been handed to SignalR.) A
/// refusal (a <see cref="HubException"/>) is one Information line; any other exception one Error line with its stack,
/// since SignalR's own line for it (<see cref="DispatcherCategory"/>) is filtered out.
/// </summary>
internal sealed partial class HubInvocationLogFilter(ILogger<HubInvocationLogFilter> logger) : IHubFilter
{
    /// <summary>The category of SignalR's "Failed to invoke hub method" entry, written for refusals too.</summary>
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var clock = Stopwatch.StartNew();
        var method = WireName(invocationContext);
        try
        {
            var result = await next(invocationContext);
            LogInvocation(logger, method, "ok", clock.Elapsed.TotalMilliseconds);
            return result;
        }
        catch (HubException e)
        {
            // A refusal the caller is told about (conversation_not_found, rate_limited, …): expected, no stack trace.
            LogInvocation(logger, method, e.Message, clock.Elapsed.TotalMilliseconds);
            throw;
        }
        catch (Exception e)
        {
            LogFailure(logger, method, clock.Elapsed.TotalMilliseconds, e);
            throw;
        }
    }

    /// <summary>The name clients call, as in <see cref="Dongyang.Chat.Protocol.ChatEndpoints"/>, rather than the C# method's.</summary>
    private static string WireName(HubInvocationContext invocation) =>
        invocation.HubMethod.GetCustomAttributes(typeof(HubMethodNameAttribute), inherit: true) is [HubMethodNameAttribute named, ..]
            ? named.Name
            : invocation.HubMethodName;

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub {Method} {Outcome} in {ElapsedMilliseconds:0.0} ms")]
    private static partial void LogInvocation(ILogger logger, string method, string outcome, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub {Method} error in {ElapsedMilliseconds:0.0} ms")]
    private static partial void LogFailure(ILogger logger, string method, double elapsedMilliseconds, Exception exception);
}
