namespace Chatbot.Data.Entities;

/// <summary>
/// A partner site that embeds the chat: its public key, the browser origins allowed to use it, and the secret that
/// signs its customers' identities. The key is public (it sits in the partner's HTML); the secret never leaves the
/// partner's server.
/// </summary>
public sealed class PartnerSite
{
    public Guid Id { get; set; }

    /// <summary>The public site key, <c>pk_…</c>, sent by clients in the <c>X-Site-Key</c> header.</summary>
    public required string PublicKey { get; set; }

    public required string Name { get; set; }

    /// <summary>Allowed browser origins (<c>scheme://host[:port]</c>), one per line. CORS is derived from them.</summary>
    public required string AllowedOrigins { get; set; }

    /// <summary>The HMAC-SHA256 key for identity hashes. Shown once on creation or rotation, never logged.</summary>
    public required string IdentitySecret { get; set; }

    /// <summary>Set when the key was disabled; a disabled key is refused everywhere, including open connections.</summary>
    public DateTime? DisabledAtUtc { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}
