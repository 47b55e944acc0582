using Microsoft.EntityFrameworkCore;

namespace Chatbot.CounsellorConsole.Data;

/// <summary>Brings the console's tables to the latest migration (its own history table, apart from the chat's).</summary>
public sealed class ConsoleDatabaseMigrator(IDbContextFactory<ConsoleDbContext> contexts)
{
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        await context.Database.MigrateAsync(cancellationToken);
        return pending;
    }
}
