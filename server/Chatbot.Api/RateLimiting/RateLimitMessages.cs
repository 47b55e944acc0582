using System.Globalization;
using System.Threading.RateLimiting;

namespace Chatbot.Api.RateLimiting;

internal static class RateLimitMessages
{
    public const string Code = "rate_limited";

    /// <summary>
    /// The wait suggested when a cap on what is held open (connections, answers in generation) refuses: a place frees
    /// up as soon as one ends, so there is no window to wait out.
    /// </summary>
    public const int BusyRetrySeconds = 5;

    /// <summary>Whole seconds until a retry can succeed, at least 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : BusyRetrySeconds;

    public static string ForCustomer(int seconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"요청이 너무 많습니다. {seconds}초 후에 다시 시도해 주세요. (Too many requests. Please try again in {seconds} seconds.)");

    /// <summary>The HTTP refusal: 429, Retry-After, and a problem body with the customer's message.</summary>
    public static IResult Refusal(HttpContext http, RateLimitLease lease)
    {
        Telemetry.ChatTelemetry.Refused("http");
        var seconds = RetryAfterSeconds(lease);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "rate limited",
            detail: $"Too many requests; retry after {seconds} seconds.",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = Code,
                ["message"] = ForCustomer(seconds),
                ["retryAfterSeconds"] = seconds,
            });
    }
}
