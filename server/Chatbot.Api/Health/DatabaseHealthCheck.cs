using Chatbot.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Chatbot.Api.Persistence;

namespace Chatbot.Api.Health;

/// <summary>Can the chat store be reached?</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<ChatDbContext> contexts, IOptions<DatabaseOptions> database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{database.Value.Provider} reachable")
                : HealthCheckResult.Unhealthy($"{database.Value.Provider} unreachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Value.Provider} unreachable: {e.Message}");
        }
    }
}
