using Chatbot.Data.Sites;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Chatbot.Api.Sites;

/// <summary>
/// CORS from the partner sites' origin lists, for the endpoints that name <see cref="PolicyName"/> (the customer API
/// group and the chat hub, <see cref="CustomerApi.RequireSiteCustomer{TBuilder}"/>). A preflight carries no site key,
/// so it is granted for an origin that some enabled site allows; the actual request is then checked against its own
/// key by <see cref="SiteKeyAuthenticationHandler"/>.
/// </summary>
internal sealed class SiteCorsPolicyProvider(SiteRegistry registry) : ICorsPolicyProvider
{
    public const string PolicyName = "PartnerSites";

    private static readonly string[] Headers =
    [
        "Content-Type", Dongyang.Chat.Protocol.ChatEndpoints.SiteKeyHeader, SiteKeyAuthentication.UserIdHeader, SiteKeyAuthentication.UserHashHeader,
        Dongyang.Chat.Protocol.ChatEndpoints.UserHashExpiresHeader,
        "Authorization", "X-Requested-With", "X-SignalR-User-Agent", "Last-Event-ID",
    ];

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (!string.Equals(policyName, PolicyName, StringComparison.Ordinal)
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
