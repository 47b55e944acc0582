using Dongyang.Chat.Protocol;
using Chatbot.Data.Sites;
using Chatbot.Privacy;
using Microsoft.Extensions.Primitives;

namespace Chatbot.Api.Sites;

/// <summary>
/// The gate in front of the customer API and the hub (negotiate and connect alike): a known, enabled site key, an
/// <c>Origin</c> the site allows (requests without one — servers, curl, the .NET SDK — pass with a valid key), and,
/// when a customer id is given, a hash that verifies. Admitted requests carry a <see cref="SiteCaller"/>.
/// </summary>
internal sealed class SiteAccessMiddleware(RequestDelegate next, SiteRegistry registry, UserIdHasher userIds)
{
    /// <summary>Query parameters for clients that cannot set headers (browser WebSockets and EventSource).</summary>
    public const string SiteKeyQuery = ChatEndpoints.SiteKeyQueryParameter;
    public const string AccessTokenQuery = "access_token";
    public const string UserIdHeader = "X-User-Id";
    public const string UserHashHeader = "X-User-Hash";
    public const string UserIdQuery = "userId";
    public const string UserHashQuery = "userHash";

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsProtected(http.Request.Path) || IsPreflight(http.Request))
        {
            await next(http);
            return;
        }

        var key = ReadSiteKey(http.Request);
        if (key is null)
        {
            await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, "site_key_missing", $"Send the partner site key in the {Dongyang.Chat.Protocol.ChatEndpoints.SiteKeyHeader} header.");
            return;
        }

        var site = await registry.FindAsync(key, http.RequestAborted);
        if (site is null)
        {
            await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, "site_key_invalid", "The site key is not known.");
            return;
        }

        if (!site.Enabled)
        {
            await AccessProblem.WriteAsync(http, StatusCodes.Status403Forbidden, "site_key_disabled", "The site key is disabled.");
            return;
        }

        if (http.Request.Headers.Origin is { Count: > 0 } origin && !IsAllowedOrigin(site, origin) && !IsSameOrigin(http.Request, origin))
        {
            await AccessProblem.WriteAsync(http, StatusCodes.Status403Forbidden, "origin_not_allowed", "This origin is not allowed for the site key.");
            return;
        }

        var userId = First(http.Request.Headers[UserIdHeader]) ?? First(http.Request.Query[UserIdQuery]);
        if (userId is not null)
        {
            var hash = First(http.Request.Headers[UserHashHeader]) ?? First(http.Request.Query[UserHashQuery]);
            if (!SiteIdentity.Verify(site.IdentitySecret, userId, hash))
            {
                await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, "identity_invalid", "The user hash does not match the user id.");
                return;
            }
        }

        // From here on the customer is their keyed hash: it is what is stored, and what history is looked up by.
        http.Features.Set(new SiteCaller(site.PublicKey, userId is null ? null : userIds.Hash(site.PublicKey, userId)));
        await next(http);
    }

    /// <summary>
    /// The customer API and the hubs; health, the admin API (own credential) and the widget configuration (which
    /// tells a refused page why, see <c>WidgetConfigurationApi</c>) are outside.
    /// </summary>
    public static bool IsProtected(PathString path) =>
        path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
        || (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/api/health", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments(ChatEndpoints.WidgetConfigurationPath, StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase));

    private static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");

    internal static bool IsAllowedOrigin(SiteSnapshot site, StringValues origin) =>
        origin.Count == 1 && SiteOrigins.Normalize(origin[0]) is { } normalized && site.Origins.Contains(normalized);

    /// <summary>The server's own pages (the sample page, the widget demo) may use any valid key: they are not a partner's.</summary>
    internal static bool IsSameOrigin(HttpRequest request, StringValues origin) =>
        origin.Count == 1
        && SiteOrigins.Normalize(origin[0]) is { } normalized
        && SiteOrigins.Normalize($"{request.Scheme}://{request.Host}") is { } own
        && string.Equals(normalized, own, StringComparison.Ordinal);

    private static string? ReadSiteKey(HttpRequest request)
    {
        if (First(request.Headers[Dongyang.Chat.Protocol.ChatEndpoints.SiteKeyHeader]) is { } header)
        {
            return header;
        }

        if (First(request.Headers.Authorization) is { } authorization && authorization.StartsWith("Bearer pk_", StringComparison.Ordinal))
        {
            return authorization["Bearer ".Length..];
        }

        return First(request.Query[SiteKeyQuery]) ?? First(request.Query[AccessTokenQuery]);
    }

    private static string? First(StringValues values) => values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;
}
