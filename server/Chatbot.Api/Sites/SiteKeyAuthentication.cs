using System.Security.Claims;
using System.Text.Encodings.Web;
using Chatbot.Data.Sites;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Chatbot.Api.Sites;

/// <summary>
/// The partner-site credential as an ASP.NET Core authentication scheme, and the customer policy that the customer API
/// group and the chat hub require (<see cref="CustomerApi"/>). Which endpoints need it is their metadata, never a path.
/// </summary>
internal static class SiteKeyAuthentication
{
    public const string Scheme = "SiteKey";

    /// <summary>A caller admitted by <see cref="Scheme"/>: a known, enabled key from an allowed origin, and a verified identity if one was given.</summary>
    public const string CustomerPolicy = "SiteCustomer";

    /// <summary>
    /// A <see cref="CustomerPolicy"/> caller whose identity verified (a partner hash or a session token): the customer
    /// claim. Refused with 401 and <see cref="ChatErrorCodes.IdentityRequired"/> (<see cref="SiteAuthorizationResultHandler"/>).
    /// </summary>
    public const string VerifiedCustomerPolicy = "VerifiedCustomer";

    /// <summary>Query parameters for clients that cannot set headers (browser WebSockets and EventSource).</summary>
    public const string SiteKeyQuery = ChatEndpoints.SiteKeyQueryParameter;
    public const string AccessTokenQuery = "access_token";
    public const string UserIdHeader = "X-User-Id";
    public const string UserHashHeader = "X-User-Hash";
    public const string UserIdQuery = "userId";
    public const string UserHashQuery = "userHash";
    public const string UserHashExpiresQuery = "userHashExpires";

    /// <summary>Adds the scheme and the policy; the host's default scheme (the console's cookie) is left as it is.</summary>
    public static IServiceCollection AddSiteKeyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, SiteKeyAuthenticationHandler>(Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(CustomerPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(SiteCaller.SiteKeyClaim))
            .AddPolicy(VerifiedCustomerPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(SiteCaller.SiteKeyClaim).RequireClaim(SiteCaller.CustomerClaim));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, SiteAuthorizationResultHandler>();
        return services;
    }

    /// <summary>What an endpoint for a verified customer only (their history) needs, on top of the customer API group's conventions.</summary>
    public static TBuilder RequireVerifiedCustomer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(VerifiedCustomerPolicy);

    internal static bool IsAllowedOrigin(SiteSnapshot site, StringValues origin) =>
        origin.Count == 1 && SiteOrigins.Normalize(origin[0]) is { } normalized && site.Origins.Contains(normalized);

    /// <summary>The server's own pages (the sample page, the widget demo) may use any valid key: they are not a partner's.</summary>
    internal static bool IsSameOrigin(HttpRequest request, StringValues origin) =>
        origin.Count == 1
        && SiteOrigins.Normalize(origin[0]) is { } normalized
        && SiteOrigins.Normalize($"{request.Scheme}://{request.Host}") is { } own
        && string.Equals(normalized, own, StringComparison.Ordinal);
}

/// <summary>
/// Answers an admitted site caller that <see cref="SiteKeyAuthentication.VerifiedCustomerPolicy"/> refuses for want of
/// the customer claim with 401 and <see cref="ChatErrorCodes.IdentityRequired"/>, the body the widget and SDK know;
/// every other outcome is the framework's (the scheme's challenge, the console cookie's redirect, …).
/// </summary>
internal sealed class SiteAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler framework = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ClaimsAuthorizationRequirement>().Any(r => r.ClaimType == SiteCaller.CustomerClaim) == true)
        {
            return AccessProblem.WriteAsync(context, StatusCodes.Status401Unauthorized, ChatErrorCodes.IdentityRequired, "Only a verified customer (X-User-Id and X-User-Hash) has a history.");
        }

        return framework.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Why the site gate refused a request: the status, stable code and detail of the problem body it answers with.</summary>
internal sealed class SiteAccessRefusal(int status, string code, string detail) : Exception($"{code}: {detail}")
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Detail { get; } = detail;

    public static SiteAccessRefusal ForIdentity(IdentityCheck check) => check == IdentityCheck.Expired
        ? new(StatusCodes.Status401Unauthorized, ChatErrorCodes.IdentityExpired, "The signed identity has expired; the partner must sign a new one.")
        : new(StatusCodes.Status401Unauthorized, ChatErrorCodes.IdentityInvalid, "The user hash does not match the user id (and expiry).");
}

/// <summary>
/// The gate in front of the customer API and the hub (negotiate and connect alike): a known, enabled site key, an
/// <c>Origin</c> the site allows (requests without one — servers, curl, the .NET SDK — pass with a valid key), and,
/// when a customer id is given, a hash that verifies (and has not expired). A session token (<see cref="SessionTokens"/>,
/// as a bearer or SignalR's <c>access_token</c>) stands for the key and the customer. An admitted caller is a
/// <see cref="ClaimsPrincipal"/> carrying the <see cref="SiteCaller"/>; a refused one is answered, by the challenge,
/// with the refusal's problem body (401, or 403 for a disabled key or a foreign origin).
/// </summary>
internal sealed class SiteKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SiteRegistry registry,
    UserIdHasher userIds,
    SessionTokens sessions,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        try
        {
            var caller = await AdmitAsync();

            // The ticket ends with the credential: the hub (CloseOnAuthenticationExpiration) closes a connection whose
            // session token or signed identity has expired, rather than keep it open on a credential no longer taken.
            var properties = new AuthenticationProperties { ExpiresUtc = caller.CredentialExpiresAt };
            return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(Scheme.Name), properties, Scheme.Name));
        }
        catch (SiteAccessRefusal refusal)
        {
            return AuthenticateResult.Fail(refusal);
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var refusal = (await HandleAuthenticateOnceSafeAsync()).Failure as SiteAccessRefusal
            ?? new SiteAccessRefusal(StatusCodes.Status401Unauthorized, ChatErrorCodes.SiteKeyMissing, $"Send the partner site key in the {ChatEndpoints.SiteKeyHeader} header.");
        await AccessProblem.WriteAsync(Context, refusal.Status, refusal.Code, refusal.Detail);
    }

    private async Task<SiteCaller> AdmitAsync()
    {
        var key = ReadSiteKey(Request, out var token);
        SessionClaims? session = null;
        if (token is not null)
        {
            var check = sessions.Read(token, out session);
            if (check != SessionCheck.Valid)
            {
                throw check == SessionCheck.Expired
                    ? new SiteAccessRefusal(StatusCodes.Status401Unauthorized, ChatErrorCodes.SessionExpired, "The session token has expired; exchange the identity again.")
                    : new SiteAccessRefusal(StatusCodes.Status401Unauthorized, ChatErrorCodes.SessionInvalid, "The session token is not valid.");
            }

            if (key is not null && !string.Equals(key, session!.SiteKey, StringComparison.Ordinal))
            {
                throw new SiteAccessRefusal(StatusCodes.Status401Unauthorized, ChatErrorCodes.SessionInvalid, "The session token belongs to another site key.");
            }

            key = session!.SiteKey;
        }

        if (key is null)
        {
            throw new SiteAccessRefusal(StatusCodes.Status401Unauthorized, ChatErrorCodes.SiteKeyMissing, $"Send the partner site key in the {ChatEndpoints.SiteKeyHeader} header.");
        }

        var site = await registry.FindAsync(key, Context.RequestAborted)
            ?? throw new SiteAccessRefusal(StatusCodes.Status401Unauthorized, ChatErrorCodes.SiteKeyInvalid, "The site key is not known.");
        if (!site.Enabled)
        {
            throw new SiteAccessRefusal(StatusCodes.Status403Forbidden, ChatErrorCodes.SiteKeyDisabled, "The site key is disabled.");
        }

        if (Request.Headers.Origin is { Count: > 0 } origin && !SiteKeyAuthentication.IsAllowedOrigin(site, origin) && !SiteKeyAuthentication.IsSameOrigin(Request, origin))
        {
            throw new SiteAccessRefusal(StatusCodes.Status403Forbidden, ChatErrorCodes.OriginNotAllowed, "This origin is not allowed for the site key.");
        }

        // A session token is the whole identity; otherwise the partner's hash (headers, or the deprecated query).
        if (session is not null)
        {
            return new SiteCaller(site.PublicKey, session.UserId) { FromSession = true, AnonymousId = session.AnonymousId, CredentialExpiresAt = session.ExpiresAt };
        }

        var userId = First(Request.Headers[SiteKeyAuthentication.UserIdHeader]) ?? First(Request.Query[SiteKeyAuthentication.UserIdQuery]);
        if (userId is null)
        {
            return new SiteCaller(site.PublicKey, null);
        }

        var hash = First(Request.Headers[SiteKeyAuthentication.UserHashHeader]) ?? First(Request.Query[SiteKeyAuthentication.UserHashQuery]);
        var expires = First(Request.Headers[ChatEndpoints.UserHashExpiresHeader]) ?? First(Request.Query[SiteKeyAuthentication.UserHashExpiresQuery]);
        var identity = SiteIdentity.Check(site.IdentitySecret, userId, hash, expires, clock.GetUtcNow(), out var expiresAt);
        if (identity != IdentityCheck.Valid)
        {
            throw SiteAccessRefusal.ForIdentity(identity);
        }

        // From here on the customer is their keyed hash: it is what is stored, and what history is looked up by.
        return new SiteCaller(site.PublicKey, userIds.Hash(site.PublicKey, userId)) { IdentityExpiresAt = expiresAt, CredentialExpiresAt = expiresAt };
    }

    /// <summary>The site key sent, and the session token if one came where a key may (<c>access_token</c>, a bearer).</summary>
    private static string? ReadSiteKey(HttpRequest request, out string? sessionToken)
    {
        sessionToken = null;
        string? bearer = null;
        if (First(request.Headers.Authorization) is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            bearer = authorization["Bearer ".Length..].Trim();
        }

        var accessToken = First(request.Query[SiteKeyAuthentication.AccessTokenQuery]);
        if (SessionTokens.IsSessionToken(bearer))
        {
            sessionToken = bearer;
        }
        else if (SessionTokens.IsSessionToken(accessToken))
        {
            sessionToken = accessToken;
        }

        if (First(request.Headers[ChatEndpoints.SiteKeyHeader]) is { } header)
        {
            return header;
        }

        if (bearer is not null && bearer.StartsWith("pk_", StringComparison.Ordinal))
        {
            return bearer;
        }

        return First(request.Query[SiteKeyAuthentication.SiteKeyQuery]) ?? (SessionTokens.IsSessionToken(accessToken) ? null : accessToken);
    }

    private static string? First(StringValues values) => values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;
}
