using Chatbot.Data.Sites;

namespace Chatbot.Api.Sites;

/// <summary>
/// Every change to a partner site made through this server, by the admin API or the console: the catalog makes it (and
/// owns its rules), then this server's <see cref="SiteRegistry"/> forgets the key, so the change holds for the widget
/// at once (and a disabled key's open connections are closed).
/// </summary>
internal sealed class SiteChanges(PartnerSiteCatalog catalog, SiteRegistry registry)
{
    public Task<IReadOnlyList<PartnerSiteRecord>> ListAsync(CancellationToken cancellationToken) => catalog.ListAsync(cancellationToken);

    /// <exception cref="InvalidSiteException">The name, an origin or the key is not acceptable, or the key exists.</exception>
    public async Task<PartnerSiteRecord> AddAsync(string name, IEnumerable<string> origins, string? publicKey, CancellationToken cancellationToken)
    {
        var site = await catalog.AddAsync(name, origins, publicKey, cancellationToken);
        registry.Changed(site.PublicKey, disabled: false);
        return site;
    }

    public Task<PartnerSiteRecord?> RotateSecretAsync(string publicKey, CancellationToken cancellationToken) =>
        ChangedAsync(catalog.RotateSecretAsync(publicKey, cancellationToken), disabled: false);

    public Task<PartnerSiteRecord?> SetEnabledAsync(string publicKey, bool enabled, CancellationToken cancellationToken) =>
        ChangedAsync(catalog.SetEnabledAsync(publicKey, enabled, cancellationToken), disabled: !enabled);

    /// <exception cref="InvalidSiteException">An origin is not acceptable, or there are none or too many.</exception>
    public Task<PartnerSiteRecord?> SetOriginsAsync(string publicKey, IEnumerable<string> origins, CancellationToken cancellationToken) =>
        ChangedAsync(catalog.SetOriginsAsync(publicKey, origins, cancellationToken), disabled: false);

    private async Task<PartnerSiteRecord?> ChangedAsync(Task<PartnerSiteRecord?> change, bool disabled)
    {
        var site = await change;
        if (site is not null)
        {
            registry.Changed(site.PublicKey, disabled);
        }

        return site;
    }
}
