namespace Chatbot.CounsellorConsole.Sites;

/// <summary>A partner site as the console lists it (never with its secret).</summary>
public sealed record PartnerSiteSummary(string PublicKey, string Name, IReadOnlyList<string> Origins, bool Enabled, DateTime CreatedAtUtc);

/// <summary>
/// What a site change did: the site as it is now, the new identity secret when one was just made (to show once), or,
/// when the change was refused, why (Korean first, then English). A key that does not exist gives neither site nor error.
/// </summary>
public sealed record SiteChange(PartnerSiteSummary? Site, string? NewSecret = null, string? Error = null)
{
    public static SiteChange Refused(string error) => new(null, null, error);
}

/// <summary>
/// The chat host's partner sites, as the console manages them. The host implements it over the same owner the admin
/// API uses, which keeps the rules (names, origins, keys) and makes each change hold for the widget at once.
/// </summary>
public interface IPartnerSites
{
    Task<IReadOnlyList<PartnerSiteSummary>> ListAsync(CancellationToken cancellationToken);

    Task<SiteChange> AddAsync(string name, IReadOnlyList<string> origins, CancellationToken cancellationToken);

    Task<SiteChange> SetOriginsAsync(string publicKey, IReadOnlyList<string> origins, CancellationToken cancellationToken);

    Task<SiteChange> SetEnabledAsync(string publicKey, bool enabled, CancellationToken cancellationToken);

    Task<SiteChange> RotateSecretAsync(string publicKey, CancellationToken cancellationToken);
}
