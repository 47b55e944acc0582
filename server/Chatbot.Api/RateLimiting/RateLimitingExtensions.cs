using System.Threading.RateLimiting;
using Chatbot.Api.Chat;
using Chatbot.Api.Sites;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// The built-in ASP.NET Core rate limiter, per client address, in front of the site-key gate: HTTP requests per
/// window to the endpoints that require <see cref="PerAddressPolicy"/> (the customer API, the admin API, the chat
/// hub), and chat hub connections held open at once. Behind the gate, HTTP per site key for the endpoints marked with
/// <see cref="RequireSiteRateLimit{TBuilder}"/> (<see cref="SiteRateLimitMiddleware"/>); in the chat hub, invocations
/// per connection, address and site and answers in generation per connection and address
/// (<see cref="HubRateLimitFilter"/>); on REST, answers per address (<see cref="AnswerSlotFilter"/>). Which endpoints
/// are budgeted is their metadata, never a path. Each partition has its own budget, so one noisy client or site does
/// not slow the others. Over budget: 429 with Retry-After and a Korean message with the wait.
/// </summary>
internal static class RateLimitingExtensions
{
    /// <summary>HTTP requests per client address per window.</summary>
    public const string PerAddressPolicy = "per-address";

    public static IServiceCollection AddChatRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        // Behind the reverse proxy the client IP comes from X-Forwarded-For: AddReverseProxySupport configures which proxies are trusted.
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejection, _) => new ValueTask(RateLimitMessages.Refusal(rejection.HttpContext, rejection.Lease).ExecuteAsync(rejection.HttpContext));
            limiter.AddPolicy(PerAddressPolicy, RequestsPerAddress);
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(HubConnectionsPerAddress);
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

    /// <summary>After authorization, so the site budget is spent only under a key that exists, by callers the gate admitted.</summary>
    public static WebApplication UseSiteRateLimits(this WebApplication app)
    {
        app.UseMiddleware<SiteRateLimitMiddleware>();
        return app;
    }

    /// <summary>Spends the admitted site's HTTP budget on each request to these endpoints (after the site gate).</summary>
    public static TBuilder RequireSiteRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(SiteRateLimitMetadata.Instance);

    /// <summary>Holds a place among the address's answers in generation for each request of the group.</summary>
    public static RouteGroupBuilder RequireAnswerSlot(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AnswerSlotFilter>();
        return group;
    }

    private static RateLimitPartition<string> RequestsPerAddress(HttpContext http)
    {
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
        var endpoint = http.GetEndpoint();
        var isChatHub = endpoint?.Metadata.GetMetadata<HubMetadata>()?.HubType == typeof(ChatHub);
        var isNegotiate = endpoint?.Metadata.GetMetadata<NegotiateMetadata>() is not null;
        if (!isChatHub || !(isNegotiate || HttpMethods.IsGet(http.Request.Method)))
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

    private static RateLimitOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
}

/// <summary>Marks the endpoints whose requests spend their site's HTTP budget.</summary>
internal sealed class SiteRateLimitMetadata
{
    public static SiteRateLimitMetadata Instance { get; } = new();

    private SiteRateLimitMetadata()
    {
    }
}

/// <summary>HTTP requests per admitted site key per window, on endpoints carrying <see cref="SiteRateLimitMetadata"/>.</summary>
internal sealed class SiteRateLimitMiddleware : IMiddleware, IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> limiter;

    public SiteRateLimitMiddleware(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        limiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.GetEndpoint()?.Metadata.GetMetadata<SiteRateLimitMetadata>() is not null && SiteCaller.From(http.User) is { } caller
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
