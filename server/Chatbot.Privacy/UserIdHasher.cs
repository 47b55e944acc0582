using System.Security.Cryptography;
using System.Text;

namespace Chatbot.Privacy;

/// <summary>
/// Pseudonymises the customer ids partner sites pass (<c>X-User-Id</c>, the widget's <c>setUser</c>): what is stored and
/// compared is hex(HMAC-SHA256(key: a server secret, message: site key, '\n', user id)), never the id itself. The same
/// id on the same site always hashes the same, so a customer's history stays theirs; without the key the hashes link
/// to nobody, and the same id on two sites gives two unrelated hashes.
/// </summary>
public sealed class UserIdHasher
{
    /// <summary>The shortest key accepted, in bytes: as long as the hash.</summary>
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _key;

    /// <summary>Creates a hasher with <paramref name="key"/>; keep the key for as long as conversations are kept.</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinimumKeyBytes"/>.</exception>
    public UserIdHasher(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"The user id key must be at least {MinimumKeyBytes} bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The stored form of <paramref name="userId"/> on <paramref name="siteKey"/>: 64 lower-case hex digits.</summary>
    public string Hash(string siteKey, string userId)
    {
        ArgumentNullException.ThrowIfNull(siteKey);
        ArgumentNullException.ThrowIfNull(userId);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{siteKey}\n{userId}")));
    }

    /// <summary>
    /// A key for another purpose derived from this one (HKDF-SHA256, <paramref name="purpose"/> as its info), so a
    /// secret every instance already shares can key something else without the two uses ever meeting.
    /// </summary>
    /// <param name="purpose">A label naming the use, such as <c>"dongyang-chat session token v1"</c>.</param>
    /// <param name="length">The key's length in bytes.</param>
    public byte[] DeriveKey(string purpose, int length = 32)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, length, info: Encoding.UTF8.GetBytes(purpose));
    }
}
