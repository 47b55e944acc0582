namespace Chatbot.Api.Sites;

/// <summary>
/// Who is calling: the checked partner site key and, when the identity hash verified, the customer as the keyed hash
/// of their partner id (<see cref="Chatbot.Privacy.UserIdHasher"/>); the raw id is never kept.
/// </summary>
internal sealed record SiteCaller(string SiteKey, string? UserId)
{
    public bool IsVerifiedUser => UserId is not null;

    /// <summary>When the partner-signed identity expires, if the partner signed it with an expiry.</summary>
    public DateTimeOffset? IdentityExpiresAt { get; init; }

    /// <summary>Admitted by a session token rather than the partner's hash (which alone can make a new session).</summary>
    public bool FromSession { get; init; }
}

internal static class SiteCallerHttpContextExtensions
{
    /// <summary>The caller that <see cref="SiteAccessMiddleware"/> admitted. Endpoints behind it can rely on it.</summary>
    public static SiteCaller GetSiteCaller(this HttpContext http) =>
        http.Features.Get<SiteCaller>() ?? throw new InvalidOperationException("The request did not pass the site access check.");
}
