using Chatbot.CounsellorConsole.Audit;

namespace Chatbot.CounsellorConsole.Sites;

/// <summary>
/// The console's site changes: each goes to the host's <see cref="IPartnerSites"/>, and each that succeeded is written
/// to the audit log (who, which key, the origins; never the secret) before the page reports it.
/// </summary>
public sealed class SiteAdministration(IPartnerSites sites, IAuditLog audit)
{
    /// <summary>The snippet a partner pastes into their pages, for the widget served at <paramref name="baseUri"/>.</summary>
    public static string EmbedSnippet(string baseUri, string publicKey)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return $"<script src=\"{baseUri.TrimEnd('/')}/widget/dongyang-chat.js\" async></script>\n<dongyang-chat site-key=\"{publicKey}\"></dongyang-chat>";
    }

    /// <summary>Origins as typed in the page: one per line (commas and spaces separate them too).</summary>
    public static IReadOnlyList<string> ParseOrigins(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Task<IReadOnlyList<PartnerSiteSummary>> ListAsync(CancellationToken cancellationToken) => sites.ListAsync(cancellationToken);

    public async Task<SiteChange> AddAsync(string? name, string? origins, AuditActor actor, CancellationToken cancellationToken)
    {
        var change = await sites.AddAsync(name ?? "", ParseOrigins(origins), cancellationToken);
        return await AuditedAsync(change, actor, AuditActions.SiteAdd, site => $"name={site.Name} origins={string.Join(' ', site.Origins)}", cancellationToken);
    }

    public async Task<SiteChange> SetOriginsAsync(string publicKey, string? origins, AuditActor actor, CancellationToken cancellationToken)
    {
        var change = await sites.SetOriginsAsync(publicKey, ParseOrigins(origins), cancellationToken);
        return await AuditedAsync(change, actor, AuditActions.SiteOrigins, site => $"origins={string.Join(' ', site.Origins)}", cancellationToken);
    }

    public async Task<SiteChange> SetEnabledAsync(string publicKey, bool enabled, AuditActor actor, CancellationToken cancellationToken)
    {
        var change = await sites.SetEnabledAsync(publicKey, enabled, cancellationToken);
        return await AuditedAsync(change, actor, enabled ? AuditActions.SiteEnable : AuditActions.SiteDisable, _ => null, cancellationToken);
    }

    public async Task<SiteChange> RotateSecretAsync(string publicKey, AuditActor actor, CancellationToken cancellationToken)
    {
        var change = await sites.RotateSecretAsync(publicKey, cancellationToken);
        return await AuditedAsync(change, actor, AuditActions.SiteRotate, _ => null, cancellationToken);
    }

    private async Task<SiteChange> AuditedAsync(SiteChange change, AuditActor actor, string action, Func<PartnerSiteSummary, string?> detail, CancellationToken cancellationToken)
    {
        if (change.Site is { } site)
        {
            await audit.RecordAsync(actor, action, site.PublicKey, detail(site), cancellationToken);
        }

        return change;
    }
}
