using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// Answers in generation per client address, over the hub (<see cref="HubRateLimitFilter"/>) and REST
/// (<see cref="AnswerSlotFilter"/>) alike, so the per-address cap has one owner. A place is taken before the
/// question is stored and given back when the answer ends: completed, failed or cancelled.
/// </summary>
internal sealed class AnswerSlots(IOptions<RateLimitOptions> options) : IDisposable
{
    public PartitionedRateLimiter<string> PerAddress { get; } = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetConcurrencyLimiter(
            address,
            _ => new ConcurrencyLimiterOptions { PermitLimit = options.Value.MaxConcurrentAnswersPerIp, QueueLimit = 0 }));

    public void Dispose() => PerAddress.Dispose();
}

/// <summary>Holds a place in <see cref="AnswerSlots"/> while a REST answer (plain or streamed) is generated; 429 when there is none.</summary>
internal sealed class AnswerSlotFilter(AnswerSlots slots) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using var lease = slots.PerAddress.AttemptAcquire(ClientAddress.Of(context.HttpContext));
        if (!lease.IsAcquired)
        {
            return RateLimitMessages.Refusal(context.HttpContext, lease);
        }

        // Both chat endpoints finish the answer before they return, so the place is held for all of it.
        return await next(context);
    }
}
