using Chatbot.Api.Chat;
using Chatbot.Api.Sites;
using Chatbot.Counselling;
using Chatbot.Data.Sites;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.PartnerSite;

/// <summary>
/// What a widget asks before it connects (<see cref="ChatEndpoints.WidgetConfigurationPath"/>): whether the page it
/// is on may use its key, with the fix for the developer when not, and the counsellor line from the server's
/// configuration. It answers every origin (<c>Access-Control-Allow-Origin: *</c>, no credentials): a page its key does
/// not allow is exactly the one that must learn why, which a CORS refusal would hide behind a network error. It says
/// nothing the frame page's <c>frame-ancestors</c> does not already publish.
/// </summary>
internal static class WidgetConfigurationApi
{
    public static IEndpointRouteBuilder MapWidgetConfigurationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ChatEndpoints.WidgetConfigurationPath, async (HttpContext http, string? siteKey, string? lang, SiteRegistry registry, CounsellorLine counsellors, CancellationToken cancellationToken) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            http.Response.Headers.CacheControl = "no-store";
            var (code, fix) = await VerdictAsync(http.Request, siteKey?.Trim(), registry, cancellationToken);
            return TypedResults.Ok(new WidgetConfiguration(code, fix, counsellors.Contact(lang)));
        });
        return endpoints;
    }

    /// <summary>The same checks, in the same order, as <see cref="SiteKeyAuthenticationHandler"/> makes for this key and origin.</summary>
    private static async Task<(string? Code, string? Fix)> VerdictAsync(HttpRequest request, string? siteKey, SiteRegistry registry, CancellationToken cancellationToken)
    {
        var server = $"{request.Scheme}://{request.Host}";
        if (string.IsNullOrEmpty(siteKey))
        {
            return (ChatErrorCodes.SiteKeyMissing, "Give the widget its partner site key: <dongyang-chat site-key=\"pk_…\">.");
        }

        var site = await registry.FindAsync(siteKey, cancellationToken);
        if (site is null)
        {
            return (ChatErrorCodes.SiteKeyInvalid, $"The site key {siteKey} is not known to the chat server {server}. Check it for typos, or have an operator create a site for this page: chatbot sites add \"<name>\" --origin <this page's origin>.");
        }

        if (!site.Enabled)
        {
            return (ChatErrorCodes.SiteKeyDisabled, $"The site key {siteKey} is disabled. An operator turns it back on with: chatbot sites enable {siteKey}.");
        }

        var origin = request.Headers.Origin;
        if (origin.Count > 0 && !SiteKeyAuthentication.IsAllowedOrigin(site, origin) && !SiteKeyAuthentication.IsSameOrigin(request, origin))
        {
            var page = SiteOrigins.Normalize(origin[0]) ?? origin[0];
            return (ChatErrorCodes.OriginNotAllowed, $"This page's origin {page} is not allowed for the site key {siteKey} (it allows: {string.Join(", ", site.Origins.Order(StringComparer.Ordinal))}). Add the origin to the site: PUT {server}/api/admin/sites/{siteKey}/origins with every origin it should allow, or embed the widget on an allowed origin.");
        }

        return (null, null);
    }
}
