namespace Dongyang.Chat.Protocol;

/// <summary>
/// The body of <c>POST</c> <see cref="ChatEndpoints.SessionPath"/>: a partner-signed customer identity, for clients
/// that cannot put it in headers (an id outside ASCII). Without a body the identity headers count.
/// </summary>
/// <param name="UserId">The partner's id for the customer.</param>
/// <param name="UserHash">hex(HMAC-SHA256(key: identity secret, message: <paramref name="UserId"/>)), or of <c>UserId + "." + UserHashExpires</c>.</param>
/// <param name="UserHashExpires">The unix time (seconds) the partner-signed identity expires at, when it was signed with one.</param>
public sealed record SessionRequest(string? UserId, string? UserHash, long? UserHashExpires = null);

/// <summary>
/// A short-lived session token for the hub (SignalR's <c>access_token</c>) or any customer endpoint
/// (<c>Authorization: Bearer</c>). It stands for the site key and the verified customer; it cannot be renewed with
/// itself, only by exchanging the partner-signed identity again.
/// </summary>
/// <param name="Token">The opaque token.</param>
/// <param name="ExpiresAt">When the server stops accepting it: the session lifetime, or the identity's own expiry if sooner.</param>
public sealed record SessionResponse(string Token, DateTimeOffset ExpiresAt);
