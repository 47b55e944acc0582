using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Chatbot.Api.Sites;

/// <summary>What checking a partner-signed identity found.</summary>
internal enum IdentityCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Partner-signed customer identities: the partner's server computes hex(HMAC-SHA256(key: site secret, message: user id)),
/// or, with an expiry, of <c>user id + "." + unix seconds</c>, and the widget passes id, hash (and expiry); only a
/// matching hash makes the id count, and only until its expiry.
/// </summary>
internal static class SiteIdentity
{
    public const int MaxUserIdLength = 200;

    // Unix seconds up to the year 33658: enough digits for any real expiry, few enough to parse safely.
    private const int MaxExpiresDigits = 12;

    public static string Hash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    /// <summary>
    /// Checks the hash in constant time, so response timing tells nothing about how close a forgery came; then the
    /// expiry, so an expiry that was moved is a forgery (<see cref="IdentityCheck.Invalid"/>), not an expired identity.
    /// </summary>
    public static IdentityCheck Check(byte[] secret, string userId, string? hash, string? expires, DateTimeOffset now, out DateTimeOffset? expiresAt)
    {
        expiresAt = null;
        long seconds = 0;
        if (expires is not null
            && (expires.Length is 0 or > MaxExpiresDigits || !expires.All(char.IsAsciiDigit)
                || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out seconds)
                || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()))
        {
            return IdentityCheck.Invalid;
        }

        if (!Verify(secret, expires is null ? userId : $"{userId}.{expires}", userId, hash))
        {
            return IdentityCheck.Invalid;
        }

        if (expires is null)
        {
            return IdentityCheck.Valid;
        }

        expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expiresAt > now ? IdentityCheck.Valid : IdentityCheck.Expired;
    }

    private static bool Verify(byte[] secret, string message, string userId, string? hash)
    {
        if (hash is not { Length: 64 } || userId.Length is 0 or > MaxUserIdLength || userId.Any(char.IsControl))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(hash, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(message), expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
