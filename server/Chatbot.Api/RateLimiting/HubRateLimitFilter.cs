using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// Budgets chat hub invocations per connection, per client address and per site, and caps the answers in generation
/// per connection and per address. A refused question gets an <c>error</c> event with code <c>rate_limited</c> and
/// the wait in Korean; the connection stays open. Registered for the chat hub only: the console's Blazor circuit is
/// never refused.
/// </summary>
internal sealed class HubRateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<HubInvocationContext> calls;
    private readonly PartitionedRateLimiter<HubInvocationContext> answers;

    public HubRateLimitFilter(IOptions<RateLimitOptions> options, AnswerSlots slots)
    {
        var settings = options.Value;
        var window = TimeSpan.FromSeconds(settings.WindowSeconds);

        // The address budget comes before the site's, so calls one address is refused never spend its site's budget.
        calls = PartitionedRateLimiter.CreateChained(
            Window(invocation => $"connection:{invocation.Context.ConnectionId}", settings.HubPerConnection, window),
            Window(invocation => $"ip:{AddressOf(invocation)}", settings.HubPerIp, window),
            Window(invocation => $"site:{SiteHubFilter.CallerOf(invocation.Context).SiteKey}", settings.HubPerSite, window));
        answers = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HubInvocationContext, string>(invocation => RateLimitPartition.GetConcurrencyLimiter(
                invocation.Context.ConnectionId,
                _ => new ConcurrencyLimiterOptions { PermitLimit = settings.MaxConcurrentAnswersPerConnection, QueueLimit = 0 })),
            slots.PerAddress.WithTranslatedKey<HubInvocationContext>(AddressOf, leaveOpen: true));
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // The answer caps are checked first: a question they refuse gives its place back and spends no budget.
        var answering = GeneratesAnAnswer(invocationContext) ? answers.AttemptAcquire(invocationContext) : null;
        try
        {
            if (answering is { IsAcquired: false })
            {
                return Refuse(invocationContext, answering);
            }

            using (var call = calls.AttemptAcquire(invocationContext))
            {
                if (!call.IsAcquired)
                {
                    return Refuse(invocationContext, call);
                }
            }

            var result = await next(invocationContext);
            if (answering is not null && result is IAsyncEnumerable<ChatStreamEvent> stream)
            {
                // The hub method only returns its stream; the answer is generated while SignalR reads it.
                var held = HoldWhileStreaming(stream, answering);
                answering = null;
                return held;
            }

            return result;
        }
        finally
        {
            answering?.Dispose();
        }
    }

    public void Dispose()
    {
        calls.Dispose();
        answers.Dispose();
    }

    private static object Refuse(HubInvocationContext invocation, RateLimitLease lease)
    {
        Telemetry.ChatTelemetry.Refused("hub");
        var seconds = RateLimitMessages.RetryAfterSeconds(lease);
        return SiteHubFilter.Refuse(invocation, RateLimitMessages.Code, RateLimitMessages.ForCustomer(seconds), seconds);
    }

    private static async IAsyncEnumerable<ChatStreamEvent> HoldWhileStreaming(
        IAsyncEnumerable<ChatStreamEvent> stream,
        RateLimitLease lease,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using (lease)
        {
            await foreach (var update in stream.WithCancellation(cancellationToken))
            {
                yield return update;
            }
        }
    }

    /// <summary>Asking is the one hub method that generates an answer (HubMethodName is the C# name, not the wire name).</summary>
    private static bool GeneratesAnAnswer(HubInvocationContext invocation) => invocation.HubMethod.Name == nameof(Chat.ChatHub.AskAsync);

    private static string AddressOf(HubInvocationContext invocation) => ClientAddress.Of(invocation.Context.GetHttpContext());

    private static PartitionedRateLimiter<HubInvocationContext> Window(Func<HubInvocationContext, string> key, int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<HubInvocationContext, string>(invocation => RateLimitPartition.GetFixedWindowLimiter(
            key(invocation),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
}
