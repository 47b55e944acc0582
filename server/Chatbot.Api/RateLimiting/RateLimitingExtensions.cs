using System.Threading.RateLimiting;
using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// The built-in ASP.NET Core rate limiter, per client address, in front of the site-key gate: HTTP requests per
/// window, and chat hub connections held open at once. Behind the gate, HTTP per site key
/// (<see cref="SiteRateLimitMiddleware"/>); in the chat hub, invocations per connection, address and site and answers
/// in generation per connection and address (<see cref="HubRateLimitFilter"/>); on REST, answers per address
/// (<see cref="AnswerSlotFilter"/>). Each partition has its own budget, so one noisy client or site does not slow
/// the others. Over budget: 429 with Retry-After and a Korean message with the wait.
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
            limiter.OnRejected = (rejection, _) => new ValueTask(RateLimitMessages.Refusal(rejection.HttpContext, rejection.Lease).ExecuteAsync(rejection.HttpContext));
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(RequestsPerAddress),
                PartitionedRateLimiter.Create<HttpContext, string>(HubConnectionsPerAddress));
        });

        services.AddSingleton<SiteRateLimitMiddleware>();
        services.AddSingleton<AnswerSlots>();
        services.AddSingleton<HubRateLimitFilter>();
        return services;
    }

    /// <summary>
    /// Before the site-key gate (and after CORS, so a browser can read the refusal): requests the gate refuses — an
    /// unknown key, a forged hash, a wrong Origin — are counted against their address like any other.
    /// </summary>
    public static WebApplication UseChatRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>After the site-key gate, so the site budget is spent only under a key that exists, by callers it admitted.</summary>
    public static WebApplication UseSiteRateLimits(this WebApplication app)
    {
        app.UseMiddleware<SiteRateLimitMiddleware>();
        return app;
    }

    /// <summary>Holds a place among the address's answers in generation for each request of the group.</summary>
    public static RouteGroupBuilder RequireAnswerSlot(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AnswerSlotFilter>();
        return group;
    }

    private static RateLimitPartition<string> RequestsPerAddress(HttpContext http)
    {
        if (!IsBudgeted(http.Request.Path))
        {
            return RateLimitPartition.GetNoLimiter("ip:none");
        }

        var options = Options(http);
        return RateLimitPartition.GetFixedWindowLimiter($"ip:{ClientAddress.Of(http)}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PerIp,
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            QueueLimit = 0,
        });
    }

    /// <summary>
    /// The chat hub's negotiate, and the request a connection lives in (a WebSocket, an SSE stream, a long poll), each
    /// hold a place for as long as they last, so the cap refuses at negotiate with 429, before any upgrade. Other hubs
    /// (the console's Blazor circuit) are not counted.
    /// </summary>
    private static RateLimitPartition<string> HubConnectionsPerAddress(HttpContext http)
    {
        var path = http.Request.Path;
        var isConnection = path.Equals(ChatEndpoints.HubPath, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(http.Request.Method);
        if (!isConnection && !path.Equals($"{ChatEndpoints.HubPath}/negotiate", StringComparison.OrdinalIgnoreCase))
        {
            return RateLimitPartition.GetNoLimiter("hub-connections:none");
        }

        var options = Options(http);
        return RateLimitPartition.GetConcurrencyLimiter($"hub-connections:{ClientAddress.Of(http)}", _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConnectionsPerIp,
            QueueLimit = 0,
        });
    }

    internal static bool IsBudgeted(PathString path) =>
        SiteAccessMiddleware.IsProtected(path) || path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase);

    private static RateLimitOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
}

/// <summary>HTTP requests per admitted site key per window.</summary>
internal sealed class SiteRateLimitMiddleware : IMiddleware, IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> limiter;

    public SiteRateLimitMiddleware(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        limiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.Features.Get<SiteCaller>() is { } caller && RateLimitingExtensions.IsBudgeted(http.Request.Path)
            ? RateLimitPartition.GetFixedWindowLimiter($"site:{caller.SiteKey}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PerSite,
                Window = TimeSpan.FromSeconds(settings.WindowSeconds),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("site:none"));
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        using (var lease = limiter.AttemptAcquire(context))
        {
            if (!lease.IsAcquired)
            {
                await RateLimitMessages.Refusal(context, lease).ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }

    public void Dispose() => limiter.Dispose();
}
