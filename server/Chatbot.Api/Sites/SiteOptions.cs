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
}
