using Chatbot.Api.Chat;
using Chatbot.Api.Limits;
using Chatbot.Api.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Sites;

/// <summary>
/// The customer API: one route group under <c>/api</c> whose conventions every endpoint mapped into it gets — site
/// CORS, the per-address budget (before the gate), the customer policy (<see cref="SiteKeyAuthentication"/>), the
/// per-site budget (after it) and the body size limit. An endpoint is protected because it is in the group, not
/// because of how its path is spelled; health and the widget configuration are mapped outside it, and the admin API
/// is a group of its own.
/// </summary>
internal static class CustomerApi
{
    public const string Prefix = "/api";

    /// <summary>What a partner site's caller needs on an endpoint: the customer API group and the chat hub.</summary>
    public static TBuilder RequireSiteCustomer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireCors(SiteCorsPolicyProvider.PolicyName);
        builder.RequireRateLimiting(RateLimitingExtensions.PerAddressPolicy);
        builder.RequireAuthorization(SiteKeyAuthentication.CustomerPolicy);
        builder.RequireSiteRateLimit();
        return builder;
    }

    public static IEndpointRouteBuilder MapCustomerApi(this IEndpointRouteBuilder endpoints)
    {
        var limits = endpoints.ServiceProvider.GetRequiredService<IOptions<RequestLimitOptions>>().Value;
        var api = endpoints.MapGroup(Prefix).RequireSiteCustomer().WithRequestBodyLimit(limits.MaxRequestBodyBytes);
        api.MapChatApi();
        api.MapConversationApi();
        api.MapFeedbackApi();
        api.MapCustomerConversationApi();
        api.MapSessionApi();
        api.MapSourceApi();
        return endpoints;
    }

    /// <summary>A protocol path (<c>/api/…</c>) as a route inside the group.</summary>
    public static string Route(string path) =>
        path.StartsWith(Prefix + "/", StringComparison.Ordinal) ? path[Prefix.Length..] : throw new ArgumentException($"{path} is not under {Prefix}.", nameof(path));
}
