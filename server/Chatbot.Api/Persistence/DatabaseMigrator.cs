using Chatbot.Api.Privacy;
using Chatbot.Data;
using Chatbot.Privacy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Persistence;

/// <summary>Brings the database to the latest migration before the server takes requests, so an empty database needs no manual step.</summary>
internal sealed partial class DatabaseMigrator(
    IDbContextFactory<ChatDbContext> contextFactory,
    IOptions<StorageOptions> storage,
    IHostEnvironment environment,
    UserIdHasher userIds,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        if (context.Database.IsSqlite())
        {
            Directory.CreateDirectory(storage.Value.ResolveDataDirectory(environment.ContentRootPath));
            var dataSource = new SqliteConnectionStringBuilder(context.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        if (context.Database.IsSqlite())
        {
            // WAL lets readers (history requests) proceed while an answer is being written.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        LogMigrated(logger, context.Database.ProviderName ?? "unknown", pending.Count);
        if (await UserIdBackfill.RunAsync(context, userIds, cancellationToken) is > 0 and var hashed)
        {
            LogUserIdsHashed(logger, hashed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready on {Provider}; applied {Count} pending migrations")]
    private static partial void LogMigrated(ILogger logger, string provider, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hashed the partner user ids of {Count} conversations stored before ids were hashed")]
    private static partial void LogUserIdsHashed(ILogger logger, int count);
}
