using System.Globalization;
using System.Text.Json;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Sites;

/// <summary>
/// <c>POST /api/session</c>: the partner-signed identity (headers, or a <see cref="SessionRequest"/> body for ids no
/// header can carry), checked as every request is, exchanged for a short-lived <see cref="SessionTokens">session
/// token</see>, so that browsers put a token that expires, not the hash, in the hub's URL. Without an identity the
/// caller gets an anonymous session: a token carrying a random anonymous id of its own, so that two anonymous callers
/// of one site are two callers (<see cref="Persistence.ClientMessageScope"/>). An anonymous token may renew itself
/// (it keeps its id); a verified one may not, so it never outlives the partner's signature.
/// </summary>
internal static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(CustomerApi.Route(ChatEndpoints.SessionPath), async Task<IResult> (HttpContext http, SiteRegistry registry, UserIdHasher userIds, SessionTokens sessions, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var caller = http.GetSiteCaller();
            if (caller.FromSession && caller.UserId is not null)
            {
                // Otherwise a token could be renewed for ever, outliving the partner's identity and its expiry.
                return AccessProblem.Create(StatusCodes.Status401Unauthorized, ChatErrorCodes.SessionNotRenewable, "A session is made from the partner-signed identity, not from another session.");
            }

            var query = http.Request.Query;
            if (query.ContainsKey(SiteKeyAuthentication.UserHashQuery) || query.ContainsKey(SiteKeyAuthentication.UserIdQuery) || query.ContainsKey(SiteKeyAuthentication.UserHashExpiresQuery))
            {
                return AccessProblem.Create(StatusCodes.Status400BadRequest, ChatErrorCodes.IdentityInQuery, "Send the identity in the X-User-* headers or the JSON body, never in the query string.");
            }

            if (http.Request.HasJsonContentType())
            {
                SessionRequest? body;
                try
                {
                    body = await http.Request.ReadFromJsonAsync<SessionRequest>(JsonSerializerOptions.Web, cancellationToken);
                }
                catch (JsonException)
                {
                    return AccessProblem.Create(StatusCodes.Status400BadRequest, "invalid_request", "The body is not a session request.");
                }

                if (body?.UserId is { } userId)
                {
                    var site = await registry.FindAsync(caller.SiteKey, cancellationToken);
                    var expires = body.UserHashExpires?.ToString(CultureInfo.InvariantCulture);
                    var check = site is null ? IdentityCheck.Invalid : SiteIdentity.Check(site.IdentitySecret, userId, body.UserHash, expires, clock.GetUtcNow(), out var expiresAt);
                    if (check != IdentityCheck.Valid)
                    {
                        var refusal = SiteAccessRefusal.ForIdentity(check);
                        return AccessProblem.Create(refusal.Status, refusal.Code, refusal.Detail);
                    }

                    caller = caller with { UserId = userIds.Hash(caller.SiteKey, userId), IdentityExpiresAt = body.UserHashExpires is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null, AnonymousId = null };
                }
            }

            // An anonymous caller keeps the id of the token they renew with; a first exchange gets a new one.
            var anonymousId = caller.UserId is null ? caller.AnonymousId ?? SessionTokens.NewAnonymousId() : null;
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(sessions.Issue(caller.SiteKey, caller.UserId, caller.IdentityExpiresAt, anonymousId));
        });
        return endpoints;
    }
}
