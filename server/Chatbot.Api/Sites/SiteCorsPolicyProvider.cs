using Chatbot.Data.Sites;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Chatbot.Api.Sites;

/// <summary>
/// CORS from the partner sites' origin lists. A preflight carries no site key, so it is granted for an origin that
/// some enabled site allows; the actual request is then checked against its own key by <see cref="SiteAccessMiddleware"/>.
/// </summary>
internal sealed class SiteCorsPolicyProvider(SiteRegistry registry) : ICorsPolicyProvider
{
    private static readonly string[] Headers =
    [
        "Content-Type", Dongyang.Chat.Protocol.ChatEndpoints.SiteKeyHeader, SiteAccessMiddleware.UserIdHeader, SiteAccessMiddleware.UserHashHeader,
        Dongyang.Chat.Protocol.ChatEndpoints.UserHashExpiresHeader,
        "Authorization", "X-Requested-With", "X-SignalR-User-Agent", "Last-Event-ID",
    ];

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (!SiteAccessMiddleware.IsProtected(context.Request.Path)
            || SiteOrigins.Normalize(context.Request.Headers.Origin.ToString()) is not { } origin
            || !(await registry.AllowedOriginsAsync(context.RequestAborted)).Contains(origin))
        {
            return null;
        }

        var policy = new CorsPolicyBuilder()
            .WithOrigins(context.Request.Headers.Origin.ToString())
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders(Headers)
            .WithExposedHeaders("Retry-After")
            .AllowCredentials()
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
        return policy;
    }
}
