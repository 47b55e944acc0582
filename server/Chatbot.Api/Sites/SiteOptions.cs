using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Sites;

/// <summary>Partner-site access settings, bound from the "Sites" section.</summary>
internal sealed class SiteOptions
{
    public const string SectionName = "Sites";

    /// <summary>Seed <c>pk_local_dev</c> (origins http://localhost:8080 and http://127.0.0.1:8080) when it is missing. Turn off in production.</summary>
    public bool SeedLocalKey { get; set; } = true;

    /// <summary>How long a key lookup is trusted before the database is asked again; also how soon a key disabled from another process is refused.</summary>
    [Range(1, 300)]
    public int CacheSeconds { get; set; } = 5;

    /// <summary>How long a session token from <c>POST /api/session</c> is accepted (never past the identity's own expiry).</summary>
    [Range(5, 3600)]
    public int SessionTokenSeconds { get; set; } = 900;

    /// <summary>
    /// The secret session tokens are sealed with (at least 32 characters), the same on every instance. Unset, a key
    /// derived from <c>Privacy:UserIdKey</c> (which every instance already shares) is used. Changing it refuses the
    /// tokens in flight (<c>session_invalid</c>); clients then exchange the identity again.
    /// </summary>
    [MinLength(32)]
    public string? SessionKey { get; set; }
}
