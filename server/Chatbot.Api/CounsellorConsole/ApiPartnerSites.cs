using Chatbot.Api.Sites;
using Chatbot.CounsellorConsole.Sites;
using Chatbot.Data.Sites;

namespace Chatbot.Api.CounsellorConsole;

/// <summary>The console's site page over <see cref="SiteChanges"/>, the same owner as the admin API's site endpoints.</summary>
internal sealed class ApiPartnerSites(SiteChanges sites) : IPartnerSites
{
    public async Task<IReadOnlyList<PartnerSiteSummary>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await sites.ListAsync(cancellationToken)).Select(Summary)];

    public Task<SiteChange> AddAsync(string name, IReadOnlyList<string> origins, CancellationToken cancellationToken) =>
        ChangeAsync(async () => await sites.AddAsync(name, origins, publicKey: null, cancellationToken), withSecret: true);

    public Task<SiteChange> SetOriginsAsync(string publicKey, IReadOnlyList<string> origins, CancellationToken cancellationToken) =>
        ChangeAsync(() => sites.SetOriginsAsync(publicKey, origins, cancellationToken), withSecret: false);

    public Task<SiteChange> SetEnabledAsync(string publicKey, bool enabled, CancellationToken cancellationToken) =>
        ChangeAsync(() => sites.SetEnabledAsync(publicKey, enabled, cancellationToken), withSecret: false);

    public Task<SiteChange> RotateSecretAsync(string publicKey, CancellationToken cancellationToken) =>
        ChangeAsync(() => sites.RotateSecretAsync(publicKey, cancellationToken), withSecret: true);

    private static async Task<SiteChange> ChangeAsync(Func<Task<PartnerSiteRecord?>> change, bool withSecret)
    {
        try
        {
            var site = await change();
            return site is null ? new SiteChange(null) : new SiteChange(Summary(site), withSecret ? site.IdentitySecret : null);
        }
        catch (InvalidSiteException e)
        {
            return SiteChange.Refused($"{e.Korean} ({e.Message})");
        }
    }

    private static PartnerSiteSummary Summary(PartnerSiteRecord site) => new(site.PublicKey, site.Name, site.AllowedOrigins, site.Enabled, site.CreatedAtUtc);
}
