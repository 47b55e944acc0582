using System.Security.Cryptography;
using System.Text;

namespace Chatbot.Api.Sites;

/// <summary>
/// Partner-signed customer identities: the partner's server computes hex(HMAC-SHA256(key: site secret, message: user id))
/// and the widget passes id and hash; only a matching hash makes the id count.
/// </summary>
internal static class SiteIdentity
{
    public const int MaxUserIdLength = 200;

    public static string Hash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    /// <summary>Checks the hash in constant time, so response timing tells nothing about how close a forgery came.</summary>
    public static bool Verify(byte[] secret, string userId, string? hash)
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
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(userId), expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
