using System.Threading.RateLimiting;
using Chatbot.Api.Sites;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// Budgets hub invocations per connection and per site. A refused question gets an <c>error</c> event with code
/// <c>rate_limited</c> and the wait in Korean; the connection stays open.
/// </summary>
internal sealed class HubRateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<HubInvocationContext> limiter;
    private readonly int windowSeconds;

    public HubRateLimitFilter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        windowSeconds = settings.WindowSeconds;
        var window = TimeSpan.FromSeconds(settings.WindowSeconds);
        limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HubInvocationContext, string>(invocation => RateLimitPartition.GetFixedWindowLimiter(
                $"connection:{invocation.Context.ConnectionId}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.HubPerConnection, Window = window, QueueLimit = 0 })),
            PartitionedRateLimiter.Create<HubInvocationContext, string>(invocation => RateLimitPartition.GetFixedWindowLimiter(
                $"site:{SiteHubFilter.CallerOf(invocation.Context).SiteKey}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.HubPerSite, Window = window, QueueLimit = 0 })));
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        using var lease = limiter.AttemptAcquire(invocationContext);
        if (!lease.IsAcquired)
        {
            Telemetry.ChatTelemetry.Refused("hub");
            var seconds = RateLimitMessages.RetryAfterSeconds(lease, windowSeconds);
            return SiteHubFilter.Refuse(invocationContext, RateLimitMessages.Code, RateLimitMessages.ForCustomer(seconds), seconds);
        }

        return await next(invocationContext);
    }

    public void Dispose() => limiter.Dispose();
}
