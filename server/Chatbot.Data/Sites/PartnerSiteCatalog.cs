using System.Security.Cryptography;
using Chatbot.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data.Sites;

/// <summary>The partner site made or changed by a catalog call, with its secret (to show once, never to log).</summary>
public sealed record PartnerSiteRecord(string PublicKey, string Name, IReadOnlyList<string> AllowedOrigins, string IdentitySecret, bool Enabled, DateTime CreatedAtUtc)
{
    public static PartnerSiteRecord From(PartnerSite site) => new(
        site.PublicKey, site.Name, SiteOrigins.Parse(site.AllowedOrigins), site.IdentitySecret, site.DisabledAtUtc is null, site.CreatedAtUtc);
}

/// <summary>
/// Managing partner sites: the one place that makes keys and secrets, used by the admin API and the CLI alike.
/// </summary>
public sealed class PartnerSiteCatalog(Func<ChatDbContext> createContext, TimeProvider clock)
{
    /// <summary>The key the embedded default seeds for the sample page on this machine.</summary>
    public const string LocalDevelopmentKey = "pk_local_dev";

    public static IReadOnlyList<string> LocalDevelopmentOrigins { get; } = ["http://localhost:8080", "http://127.0.0.1:8080"];

    public async Task<IReadOnlyList<PartnerSiteRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var context = createContext();
        var sites = await context.PartnerSites.AsNoTracking().OrderBy(s => s.CreatedAtUtc).ToListAsync(cancellationToken);
        return [.. sites.Select(PartnerSiteRecord.From)];
    }

    public async Task<PartnerSiteRecord?> FindAsync(string publicKey, CancellationToken cancellationToken = default)
    {
        await using var context = createContext();
        var site = await context.PartnerSites.AsNoTracking().FirstOrDefaultAsync(s => s.PublicKey == publicKey, cancellationToken);
        return site is null ? null : PartnerSiteRecord.From(site);
    }

    /// <summary>Adds a site with a new random key (or <paramref name="publicKey"/>) and a new secret.</summary>
    /// <exception cref="InvalidSiteException">A name, an origin or the key is not acceptable, or the key exists.</exception>
    public async Task<PartnerSiteRecord> AddAsync(string name, IEnumerable<string> origins, string? publicKey = null, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            throw new InvalidSiteException("A site needs a name of 1 to 200 characters.", "사이트 이름은 1~200자로 입력하세요.");
        }

        var normalized = SiteOrigins.NormalizeAll(origins);
        publicKey ??= NewPublicKey();
        if (!SiteKeyFormat.IsWellFormed(publicKey))
        {
            throw new InvalidSiteException("A site key is pk_ followed by 3 to 64 letters, digits or underscores.", "사이트 키는 pk_ 뒤에 영문자, 숫자, 밑줄 3~64자입니다.");
        }

        await using var context = createContext();
        if (await context.PartnerSites.AnyAsync(s => s.PublicKey == publicKey, cancellationToken))
        {
            throw new InvalidSiteException($"The site key {publicKey} already exists.", $"사이트 키 {publicKey}는 이미 있습니다.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var site = new PartnerSite
        {
            Id = Guid.CreateVersion7(),
            PublicKey = publicKey,
            Name = name,
            AllowedOrigins = SiteOrigins.Format(normalized),
            IdentitySecret = NewSecret(),
            CreatedAtUtc = now,
            UpdatedAtUtc = now,
        };
        context.PartnerSites.Add(site);
        await context.SaveChangesAsync(cancellationToken);
        return PartnerSiteRecord.From(site);
    }

    /// <summary>Gives the site a new identity secret; hashes made with the old one stop verifying at once.</summary>
    public Task<PartnerSiteRecord?> RotateSecretAsync(string publicKey, CancellationToken cancellationToken = default) =>
        UpdateAsync(publicKey, site => site.IdentitySecret = NewSecret(), cancellationToken);

    /// <exception cref="InvalidSiteException">An origin is not acceptable, or there are none or too many.</exception>
    public Task<PartnerSiteRecord?> SetOriginsAsync(string publicKey, IEnumerable<string> origins, CancellationToken cancellationToken = default)
    {
        var normalized = SiteOrigins.Format(SiteOrigins.NormalizeAll(origins));
        return UpdateAsync(publicKey, site => site.AllowedOrigins = normalized, cancellationToken);
    }

    public Task<PartnerSiteRecord?> SetEnabledAsync(string publicKey, bool enabled, CancellationToken cancellationToken = default) =>
        UpdateAsync(publicKey, site => site.DisabledAtUtc = enabled ? null : site.DisabledAtUtc ?? clock.GetUtcNow().UtcDateTime, cancellationToken);

    /// <summary>Seeds <see cref="LocalDevelopmentKey"/> unless it exists (it is left alone then, disabled or not).</summary>
    public async Task<bool> EnsureLocalDevelopmentKeyAsync(CancellationToken cancellationToken = default)
    {
        if (await FindAsync(LocalDevelopmentKey, cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await AddAsync("Local development", LocalDevelopmentOrigins, LocalDevelopmentKey, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is DbUpdateException or ArgumentException)
        {
            // Another instance seeded it at the same moment.
            return false;
        }
    }

    private async Task<PartnerSiteRecord?> UpdateAsync(string publicKey, Action<PartnerSite> change, CancellationToken cancellationToken)
    {
        await using var context = createContext();
        var site = await context.PartnerSites.FirstOrDefaultAsync(s => s.PublicKey == publicKey, cancellationToken);
        if (site is null)
        {
            return null;
        }

        change(site);
        site.UpdatedAtUtc = clock.GetUtcNow().UtcDateTime;
        await context.SaveChangesAsync(cancellationToken);
        return PartnerSiteRecord.From(site);
    }

    private static string NewPublicKey() => "pk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string NewSecret() => "sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>The shape of a public site key.</summary>
public static class SiteKeyFormat
{
    public static bool IsWellFormed(string? key) =>
        key is { Length: >= 6 and <= 67 } && key.StartsWith("pk_", StringComparison.Ordinal) && key.AsSpan(3).ContainsAnyExcept(Allowed) is false;

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}
