using System.Text;

namespace Dongyang.Chat.Client;

/// <summary>
/// A customer the partner site has signed in, vouched for by the partner's server. A verified customer gets their own
/// conversations on every device; the server refuses a hash that does not match (<see cref="DongyangChatAccessDeniedException"/>
/// with code <c>identity_invalid</c>) rather than treating the customer as anonymous.
/// </summary>
/// <param name="Id">The partner's id for the customer (at most 200 characters, no control characters).</param>
/// <param name="Hash">
/// hex(HMAC-SHA256(key: the site's identity secret, message: <paramref name="Id"/>)), computed on the partner's
/// server; the secret never reaches a browser or an app.
/// </param>
/// <example>
/// On the partner's server:
/// <code>
/// var hash = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(siteSecret), Encoding.UTF8.GetBytes(userId)));
/// </code>
/// </example>
public sealed record DongyangChatUser(string Id, string Hash)
{
    /// <summary>A name to greet the customer with; only shown, never sent to the server.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// When the partner-signed identity expires, if the partner signed one: then <see cref="Hash"/> is
    /// hex(HMAC-SHA256(key: identity secret, message: <see cref="Id"/> + "." + this time in unix seconds)). Past it
    /// the server refuses the identity (<see cref="DongyangChatAccessDeniedException"/> with code
    /// <c>identity_expired</c>); the partner signs a new one and the app creates a new client with it.
    /// </summary>
    public DateTimeOffset? HashExpiresAt { get; init; }

    /// <summary>Whether <paramref name="other"/> is the same identity (id and hash), whatever the names.</summary>
    /// <param name="other">Another user, or <see langword="null"/> for an anonymous customer.</param>
    public bool IsSameIdentity(DongyangChatUser? other) =>
        other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal) && string.Equals(Hash, other.Hash, StringComparison.OrdinalIgnoreCase);

    // The hash is a credential: keep it out of logs and debugger displays.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Name = ").Append(Name);
        return true;
    }
}
