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

    /// <summary>When the partner-signed identity expires, if the partner signed it with an expiry.</summary>
    public DateTimeOffset? IdentityExpiresAt { get; init; }

    /// <summary>Admitted by a session token rather than the partner's hash (which alone can make a new session).</summary>
    public bool FromSession { get; init; }

    /// <summary>The caller as the conversation stores see them (<see cref="ConversationCaller"/>).</summary>
    public ConversationCaller AsConversationCaller() => ConversationCaller.Customer(SiteKey, UserId);

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
            IdentityExpiresAt = long.TryParse(principal.FindFirst(IdentityExpiresClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null,
            FromSession = principal.HasClaim(FromSessionClaim, "true"),
        };
    }
}

internal static class SiteCallerHttpContextExtensions
{
    /// <summary>The caller the customer policy admitted. Endpoints that require it (the customer API group) can rely on it.</summary>
    public static SiteCaller GetSiteCaller(this HttpContext http) =>
        SiteCaller.From(http.User) ?? throw new InvalidOperationException("The endpoint does not require the site customer policy.");
}
