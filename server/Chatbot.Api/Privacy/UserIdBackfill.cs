using Chatbot.Data;
using Chatbot.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Privacy;

/// <summary>
/// Hashes the partner customer ids stored raw before ids were hashed (set aside by the HashPartnerUserIds migration),
/// so those customers keep their history and the raw ids leave the database.
/// </summary>
internal static class UserIdBackfill
{
    private const int BatchSize = 500;

    /// <summary>Hashes every set-aside id; returns how many conversations were updated.</summary>
    public static async Task<int> RunAsync(ChatDbContext context, UserIdHasher hasher, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var batch = await context.Conversations.AsNoTracking()
                .Where(c => EF.Property<string?>(c, ChatDbContext.LegacyUserIdProperty) != null)
                .Select(c => new { c.Id, c.SiteKey, UserId = EF.Property<string>(c, ChatDbContext.LegacyUserIdProperty) })
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
                foreach (var row in batch)
                {
                    var hash = hasher.Hash(row.SiteKey ?? "", row.UserId);
                    await context.Conversations.Where(c => c.Id == row.Id).ExecuteUpdateAsync(
                        update => update
                            .SetProperty(c => c.UserId, hash)
                            .SetProperty(c => EF.Property<string?>(c, ChatDbContext.LegacyUserIdProperty), (string?)null),
                        cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            });
            total += batch.Count;
        }

        if (total > 0 && context.Database.IsSqlite())
        {
            // Overwritten values stay in SQLite's free pages and its write-ahead log until they are rewritten.
            await context.Database.ExecuteSqlRawAsync("VACUUM;", cancellationToken);
            await context.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        }

        return total;
    }
}
