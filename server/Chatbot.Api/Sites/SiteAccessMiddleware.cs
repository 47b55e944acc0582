using Dongyang.Chat.Protocol;
using Chatbot.Data.Sites;
using Chatbot.Privacy;
using Microsoft.Extensions.Primitives;

namespace Chatbot.Api.Sites;

/// <summary>
/// The gate in front of the customer API and the hub (negotiate and connect alike): a known, enabled site key, an
/// <c>Origin</c> the site allows (requests without one — servers, curl, the .NET SDK — pass with a valid key), and,
/// when a customer id is given, a hash that verifies (and has not expired). A session token (<see cref="SessionTokens"/>,
/// as a bearer or SignalR's <c>access_token</c>) stands for the key and the customer. Admitted requests carry a
/// <see cref="SiteCaller"/>.
/// </summary>
internal sealed class SiteAccessMiddleware(RequestDelegate next, SiteRegistry registry, UserIdHasher userIds, SessionTokens sessions, TimeProvider clock)
{
    /// <summary>Query parameters for clients that cannot set headers (browser WebSockets and EventSource).</summary>
    public const string SiteKeyQuery = ChatEndpoints.SiteKeyQueryParameter;
    public const string AccessTokenQuery = "access_token";
    public const string UserIdHeader = "X-User-Id";
    public const string UserHashHeader = "X-User-Hash";
    public const string UserIdQuery = "userId";
    public const string UserHashQuery = "userHash";
    public const string UserHashExpiresQuery = "userHashExpires";

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsProtected(http.Request.Path) || IsPreflight(http.Request))
        {
            await next(http);
            return;
        }

        var key = ReadSiteKey(http.Request, out var token);
        SessionClaims? session = null;
        if (token is not null)
        {
            var check = sessions.Read(token, out session);
            if (check != SessionCheck.Valid)
            {
                await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, check == SessionCheck.Expired ? ChatErrorCodes.SessionExpired : ChatErrorCodes.SessionInvalid, check == SessionCheck.Expired ? "The session token has expired; exchange the identity again." : "The session token is not valid.");
                return;
            }

            if (key is not null && !string.Equals(key, session!.SiteKey, StringComparison.Ordinal))
            {
                await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, ChatErrorCodes.SessionInvalid, "The session token belongs to another site key.");
                return;
            }

            key = session!.SiteKey;
        }

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

        // A session token is the whole identity; otherwise the partner's hash (headers, or the deprecated query).
        var caller = session is not null
            ? new SiteCaller(site.PublicKey, session.UserId) { FromSession = true }
            : new SiteCaller(site.PublicKey, null);
        var userId = session is null ? First(http.Request.Headers[UserIdHeader]) ?? First(http.Request.Query[UserIdQuery]) : null;
        if (userId is not null)
        {
            var hash = First(http.Request.Headers[UserHashHeader]) ?? First(http.Request.Query[UserHashQuery]);
            var expires = First(http.Request.Headers[ChatEndpoints.UserHashExpiresHeader]) ?? First(http.Request.Query[UserHashExpiresQuery]);
            if (await RefuseIdentityAsync(http, SiteIdentity.Check(site.IdentitySecret, userId, hash, expires, clock.GetUtcNow(), out var expiresAt)))
            {
                return;
            }

            // From here on the customer is their keyed hash: it is what is stored, and what history is looked up by.
            caller = caller with { UserId = userIds.Hash(site.PublicKey, userId), IdentityExpiresAt = expiresAt };
        }

        http.Features.Set(caller);
        await next(http);
    }

    /// <summary>Answers a partner identity that did not verify (true), or does nothing for a valid one (false).</summary>
    internal static async Task<bool> RefuseIdentityAsync(HttpContext http, IdentityCheck check)
    {
        switch (check)
        {
            case IdentityCheck.Invalid:
                await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, ChatErrorCodes.IdentityInvalid, "The user hash does not match the user id (and expiry).");
                return true;
            case IdentityCheck.Expired:
                await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, ChatErrorCodes.IdentityExpired, "The signed identity has expired; the partner must sign a new one.");
                return true;
            default:
                return false;
        }
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

    /// <summary>The site key sent, and the session token if one came where a key may (<c>access_token</c>, a bearer).</summary>
    private static string? ReadSiteKey(HttpRequest request, out string? sessionToken)
    {
        sessionToken = null;
        string? bearer = null;
        if (First(request.Headers.Authorization) is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            bearer = authorization["Bearer ".Length..].Trim();
        }

        var accessToken = First(request.Query[AccessTokenQuery]);
        if (SessionTokens.IsSessionToken(bearer))
        {
            sessionToken = bearer;
        }
        else if (SessionTokens.IsSessionToken(accessToken))
        {
            sessionToken = accessToken;
        }

        if (First(request.Headers[Dongyang.Chat.Protocol.ChatEndpoints.SiteKeyHeader]) is { } header)
        {
            return header;
        }

        if (bearer is not null && bearer.StartsWith("pk_", StringComparison.Ordinal))
        {
            return bearer;
        }

        return First(request.Query[SiteKeyQuery]) ?? (SessionTokens.IsSessionToken(accessToken) ? null : accessToken);
    }

    private static string? First(StringValues values) => values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;
}
