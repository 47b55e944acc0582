using System.Globalization;
using System.Security.Claims;
using Chatbot.Data.Conversations;

namespace Chatbot.Api.Sites;

/// <summary>
/// Who is calling: the checked partner site key and, when the identity hash verified, the customer as the keyed hash
/// of their partner id (<see cref="Chatbot.Privacy.UserIdHasher"/>); the raw id is never kept. It travels as the claims
/// of the principal that <see cref="SiteKeyAuthenticationHandler"/> admits, and is read back from them here only.
/// </summary>
internal sealed record SiteCaller(string SiteKey, string? UserId)
{
    public const string SiteKeyClaim = "dongyang:site_key";
    public const string CustomerClaim = "dongyang:customer";
    public const string IdentityExpiresClaim = "dongyang:identity_expires";
    public const string FromSessionClaim = "dongyang:from_session";
    public const string AnonymousClaim = "dongyang:anonymous";
    public const string CredentialExpiresClaim = "dongyang:credential_expires";

    /// <summary>When the partner-signed identity expires, if the partner signed it with an expiry.</summary>
    public DateTimeOffset? IdentityExpiresAt { get; init; }

    /// <summary>Admitted by a session token rather than the partner's hash (which alone can make a new session).</summary>
    public bool FromSession { get; init; }

    /// <summary>
    /// An anonymous caller's own id, from their anonymous session token (random, made by the server): what tells two
    /// anonymous callers of one site apart before they have a conversation. Null for a verified customer, and for a
    /// caller with nothing but the site key.
    /// </summary>
    public string? AnonymousId { get; init; }

    /// <summary>
    /// When the credential this caller was admitted with stops being accepted: the session token's expiry, or the
    /// partner-signed identity's. An open hub connection is closed then (and refused before).
    /// </summary>
    public DateTimeOffset? CredentialExpiresAt { get; init; }

    /// <summary>The caller as the conversation stores see them (<see cref="ConversationCaller"/>).</summary>
    public ConversationCaller AsConversationCaller() => ConversationCaller.Customer(SiteKey, UserId, AnonymousId);

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim> { new(SiteKeyClaim, SiteKey) };
        if (UserId is not null)
        {
            claims.Add(new Claim(CustomerClaim, UserId));
        }

        if (IdentityExpiresAt is { } expires)
        {
            claims.Add(new Claim(IdentityExpiresClaim, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        if (FromSession)
        {
            claims.Add(new Claim(FromSessionClaim, "true", ClaimValueTypes.Boolean));
        }

        if (AnonymousId is not null)
        {
            claims.Add(new Claim(AnonymousClaim, AnonymousId));
        }

        if (CredentialExpiresAt is { } credentialExpires)
        {
            claims.Add(new Claim(CredentialExpiresClaim, credentialExpires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    /// <summary>The caller a principal stands for, or null when the site gate did not admit it.</summary>
    public static SiteCaller? From(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirst(SiteKeyClaim)?.Value is not { Length: > 0 } siteKey)
        {
            return null;
        }

        return new SiteCaller(siteKey, principal.FindFirst(CustomerClaim)?.Value)
        {
            IdentityExpiresAt = UnixSeconds(principal.FindFirst(IdentityExpiresClaim)?.Value),
            FromSession = principal.HasClaim(FromSessionClaim, "true"),
            AnonymousId = principal.FindFirst(AnonymousClaim)?.Value,
            CredentialExpiresAt = UnixSeconds(principal.FindFirst(CredentialExpiresClaim)?.Value),
        };
    }

    private static DateTimeOffset? UnixSeconds(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}

internal static class SiteCallerHttpContextExtensions
{
    /// <summary>The caller the customer policy admitted. Endpoints that require it (the customer API group) can rely on it.</summary>
    public static SiteCaller GetSiteCaller(this HttpContext http) =>
        SiteCaller.From(http.User) ?? throw new InvalidOperationException("The endpoint does not require the site customer policy.");
}
