using Chatbot.Data.Sites;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Sites;

/// <summary>Seeds <c>pk_local_dev</c> so the one-command default works in a browser at http://localhost:8080.</summary>
internal sealed partial class LocalSiteSeeder(PartnerSiteCatalog catalog, IOptions<SiteOptions> options, ILogger<LocalSiteSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SeedLocalKey && await catalog.EnsureLocalDevelopmentKeyAsync(cancellationToken))
        {
            LogSeeded(logger, PartnerSiteCatalog.LocalDevelopmentKey, string.Join(", ", PartnerSiteCatalog.LocalDevelopmentOrigins));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the local site key {SiteKey} for {Origins}")]
    private static partial void LogSeeded(ILogger logger, string siteKey, string origins);
}
