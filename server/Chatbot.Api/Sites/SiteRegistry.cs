using System.Collections.Concurrent;
using System.Text;
using Chatbot.Data.Sites;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Sites;

/// <summary>What a request check needs to know about a key.</summary>
internal sealed record SiteSnapshot(string PublicKey, bool Enabled, IReadOnlySet<string> Origins, byte[] IdentitySecret);

/// <summary>
/// Site lookups for every request and hub invocation, cached for <see cref="SiteOptions.CacheSeconds"/> so the database
/// is not asked each time. Changes made through this server invalidate the cache at once.
/// </summary>
internal sealed class SiteRegistry(PartnerSiteCatalog catalog, TimeProvider clock, IOptions<SiteOptions> options)
{
    // Unknown keys are cached too (so random keys do not reach the database each time); the bound keeps that cheap.
    private const int MaxCachedKeys = 10_000;

    private readonly ConcurrentDictionary<string, (SiteSnapshot? Site, DateTimeOffset Expires)> sites = new(StringComparer.Ordinal);
    private (IReadOnlySet<string> Origins, DateTimeOffset Expires)? allOrigins;

    /// <summary>Raised when a key is disabled through this server, so open connections of that key can be closed.</summary>
    public event Action<string>? Disabled;

    public async ValueTask<SiteSnapshot?> FindAsync(string publicKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (sites.TryGetValue(publicKey, out var cached) && cached.Expires > now)
        {
            return cached.Site;
        }

        SiteSnapshot? site = null;
        try
        {
            if (SiteKeyFormat.IsWellFormed(publicKey) && await catalog.FindAsync(publicKey, cancellationToken) is { } record)
            {
                site = new SiteSnapshot(record.PublicKey, record.Enabled, record.AllowedOrigins.ToHashSet(StringComparer.Ordinal), Encoding.UTF8.GetBytes(record.IdentitySecret));
            }
        }
        catch (Exception e) when (cached.Expires != default && Resilience.DatabaseUnavailableHandler.IsUnavailable(e))
        {
            // While the database restarts, keys keep their last known state rather than locking every customer out.
            return cached.Site;
        }

        if (sites.Count >= MaxCachedKeys)
        {
            sites.Clear();
        }

        sites[publicKey] = (site, now.AddSeconds(options.Value.CacheSeconds));
        return site;
    }

    /// <summary>Every origin some enabled site allows: what a CORS preflight (which carries no key) may be granted.</summary>
    public async ValueTask<IReadOnlySet<string>> AllowedOriginsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (allOrigins is { } cached && cached.Expires > now)
        {
            return cached.Origins;
        }

        var origins = (await catalog.ListAsync(cancellationToken)).Where(s => s.Enabled).SelectMany(s => s.AllowedOrigins).ToHashSet(StringComparer.Ordinal);
        allOrigins = (origins, now.AddSeconds(options.Value.CacheSeconds));
        return origins;
    }

    /// <summary>Forgets what is cached about a key after a change; a disabled key's open connections are closed.</summary>
    public void Changed(string publicKey, bool disabled)
    {
        sites.TryRemove(publicKey, out _);
        allOrigins = null;
        if (disabled)
        {
            Disabled?.Invoke(publicKey);
        }
    }
}
