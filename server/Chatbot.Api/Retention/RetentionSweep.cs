using Chatbot.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Retention;

/// <summary>The result of one sweep.</summary>
internal sealed record RetentionSweepResult(int Deleted, DateTimeOffset Cutoff);

/// <summary>Deletes conversations (their messages and feedback cascade) last touched before the retention cutoff.</summary>
internal sealed partial class RetentionSweep(
    IDbContextFactory<ChatDbContext> contextFactory,
    TimeProvider clock,
    IOptions<RetentionOptions> options,
    ILogger<RetentionSweep> logger)
{
    private const int BatchSize = 500;

    public async Task<RetentionSweepResult> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.Days);
        var cutoffUtc = cutoff.UtcDateTime;
        var deleted = 0;
        while (true)
        {
            // Small batches keep each transaction short, so chats are not held up by a large first sweep.
            await using var context = contextFactory.CreateDbContext();
            var batch = await context.Conversations.Where(c => c.UpdatedAtUtc < cutoffUtc).OrderBy(c => c.UpdatedAtUtc).Select(c => c.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            deleted += await context.Conversations.Where(c => batch.Contains(c.Id) && c.UpdatedAtUtc < cutoffUtc).ExecuteDeleteAsync(cancellationToken);
            if (batch.Count < BatchSize)
            {
                break;
            }
        }

        if (deleted > 0)
        {
            LogSwept(logger, deleted, options.Value.Days);
        }

        return new RetentionSweepResult(deleted, cutoff);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} conversations untouched for more than {Days} days")]
    private static partial void LogSwept(ILogger logger, int count, int days);
}

/// <summary>Runs <see cref="RetentionSweep"/> at start and then every <see cref="RetentionOptions.SweepIntervalSeconds"/>.</summary>
internal sealed partial class RetentionService(RetentionSweep sweep, TimeProvider clock, IOptions<RetentionOptions> options, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds), clock);
        do
        {
            try
            {
                await sweep.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be restarting; the next tick tries again.
                LogFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed ({Error}); retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, string error);
}
