using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chatbot.Privacy;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Sites;

/// <summary>
/// What a session token stands for: the site, and either the verified customer (<paramref name="UserId"/>, their
/// keyed hash) or an anonymous caller (<paramref name="AnonymousId"/>, random, made by the server when it issued the
/// first token of that caller's session).
/// </summary>
internal sealed record SessionClaims(string SiteKey, string? UserId, DateTimeOffset ExpiresAt, string? AnonymousId = null);

internal enum SessionCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Short-lived session tokens a verified (or anonymous) caller gets from <c>POST /api/session</c>, for the places a
/// browser can only use a URL (SignalR's <c>access_token</c> on WebSockets). A token is sealed with AES-256-GCM: the
/// site key, the customer's keyed hash (the pseudonym conversations are stored under) and the expiry are authenticated
/// and unreadable, so an access log that keeps the URL holds nothing that outlives the token. The key is
/// <see cref="SiteOptions.SessionKey"/> or, unset, derived from the user id key every instance already shares, so any
/// instance accepts another's tokens without a key ring to distribute.
/// </summary>
internal sealed class SessionTokens
{
    /// <summary>Tells a session token apart from a site key (<c>pk_…</c>) where both may come (<c>access_token</c>, bearer).</summary>
    public const string Prefix = "dcs1.";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Purpose = "dongyang-chat session token v1"u8.ToArray();

    private readonly byte[] key;
    private readonly TimeProvider clock;
    private readonly TimeSpan lifetime;

    public SessionTokens(UserIdHasher userIds, IOptions<SiteOptions> options, TimeProvider clock)
    {
        key = options.Value.SessionKey is { Length: > 0 } configured
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(configured), 32, info: Purpose)
            : userIds.DeriveKey(Encoding.UTF8.GetString(Purpose));
        this.clock = clock;
        lifetime = TimeSpan.FromSeconds(options.Value.SessionTokenSeconds);
    }

    public static bool IsSessionToken(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>A fresh random id for an anonymous caller: 128 bits, so nobody can guess or enumerate another's.</summary>
    public static string NewAnonymousId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// A token for <paramref name="siteKey"/> and a verified customer (<paramref name="userId"/>) or an anonymous
    /// caller (<paramref name="anonymousId"/>), valid for the lifetime or until the identity expires.
    /// </summary>
    public SessionResponse Issue(string siteKey, string? userId, DateTimeOffset? identityExpiresAt, string? anonymousId = null)
    {
        var expires = clock.GetUtcNow() + lifetime;
        if (identityExpiresAt < expires)
        {
            expires = identityExpiresAt.Value;
        }

        var seconds = expires.ToUnixTimeSeconds();
        var plain = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seconds}\n{siteKey}\n{userId}\n{anonymousId}"));
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagBytes))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Purpose);
        }

        return new SessionResponse(Prefix + Base64Url.EncodeToString(sealedBytes), DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    /// <summary>Opens a token: <see cref="SessionCheck.Invalid"/> for anything not sealed with this key, whole and unchanged.</summary>
    public SessionCheck Read(string token, out SessionClaims? claims)
    {
        claims = null;
        if (!IsSessionToken(token) || token.Length > 1024)
        {
            return SessionCheck.Invalid;
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return SessionCheck.Invalid;
        }

        if (sealedBytes.Length <= NonceBytes + TagBytes)
        {
            return SessionCheck.Invalid;
        }

        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), plain, Purpose);
        }
        catch (AuthenticationTagMismatchException)
        {
            return SessionCheck.Invalid;
        }

        var parts = Encoding.UTF8.GetString(plain).Split('\n');
        // Tokens sealed before anonymous ids existed have three parts: they stand for no anonymous caller.
        if (parts.Length is not (3 or 4) || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SessionCheck.Invalid;
        }

        var userId = parts[2].Length == 0 ? null : parts[2];
        var anonymousId = parts.Length == 4 && parts[3].Length > 0 && userId is null ? parts[3] : null;
        claims = new SessionClaims(parts[1], userId, DateTimeOffset.FromUnixTimeSeconds(seconds), anonymousId);
        return claims.ExpiresAt > clock.GetUtcNow() ? SessionCheck.Valid : SessionCheck.Expired;
    }
}
