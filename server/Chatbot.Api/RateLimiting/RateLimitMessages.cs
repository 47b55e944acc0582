using System.Globalization;
using System.Threading.RateLimiting;

namespace Chatbot.Api.RateLimiting;

internal static class RateLimitMessages
{
    public const string Code = "rate_limited";

    /// <summary>Whole seconds until a retry can succeed, at least 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease, int windowSeconds) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : windowSeconds;

    public static string ForCustomer(int seconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"요청이 너무 많습니다. {seconds}초 후에 다시 시도해 주세요. (Too many requests. Please try again in {seconds} seconds.)");
}
