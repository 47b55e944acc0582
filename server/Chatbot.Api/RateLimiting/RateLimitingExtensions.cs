using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Chatbot.Api.Sites;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// The built-in ASP.NET Core rate limiter: HTTP per client IP and per site key, hub invocations per connection and per
/// site (<see cref="HubRateLimitFilter"/>). Each partition has its own budget, so one noisy customer or site does not
/// slow the others. Over budget: 429 with Retry-After and a Korean message with the wait.
/// </summary>
internal static class RateLimitingExtensions
{
    public static IServiceCollection AddChatRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        // Behind the reverse proxy the client IP comes from X-Forwarded-For: AddReverseProxySupport configures which proxies are trusted.
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (rejection, cancellationToken) =>
            {
                Telemetry.ChatTelemetry.Refused("http");
                var window = rejection.HttpContext.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.WindowSeconds;
                var seconds = RateLimitMessages.RetryAfterSeconds(rejection.Lease, window);
                var http = rejection.HttpContext;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "rate limited",
                    detail: $"Too many requests; retry after {seconds} seconds.",
                    extensions: new Dictionary<string, object?>
                    {
                        ["code"] = RateLimitMessages.Code,
                        ["message"] = RateLimitMessages.ForCustomer(seconds),
                        ["retryAfterSeconds"] = seconds,
                    }).ExecuteAsync(http);
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "ip", ClientIp(http), o => o.PerIp)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "site", http.Features.Get<SiteCaller>()?.SiteKey, o => o.PerSite)));
        });

        services.AddSingleton<HubRateLimitFilter>();
        return services;
    }

    /// <summary>After the site-key gate, so the site budget is spent only under a key that exists.</summary>
    public static WebApplication UseChatRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext http, string kind, string? key, Func<RateLimitOptions, int> permits)
    {
        if (key is null || !SiteAccessMiddleware.IsProtected(http.Request.Path) && !http.Request.Path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase))
        {
            return RateLimitPartition.GetNoLimiter($"{kind}:none");
        }

        var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter($"{kind}:{key}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(options),
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static string ClientIp(HttpContext http) => (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
}
