using Chatbot.CounsellorConsole.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chatbot.CounsellorConsole.Accounts;

/// <summary>
/// At start: migrates the console's tables, then makes the bootstrap admin when one is configured and no account
/// exists yet. Once any account exists the bootstrap settings are ignored (and say so in the log), so a leaked or
/// forgotten setting cannot make a second admin or reset a password.
/// </summary>
internal sealed partial class ConsoleStartup(IServiceScopeFactory scopes, IOptions<ConsoleOptions> options, ILogger<ConsoleStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applied = await scope.ServiceProvider.GetRequiredService<ConsoleDatabaseMigrator>().MigrateAsync(cancellationToken);
        LogMigrated(logger, applied);

        var settings = options.Value;
        if (!settings.HasBootstrapAdmin)
        {
            return;
        }

        var accounts = scope.ServiceProvider.GetRequiredService<ConsoleAccounts>();
        if (await accounts.AnyAsync(cancellationToken))
        {
            LogBootstrapIgnored(logger);
            return;
        }

        var created = await accounts.CreateAsync(settings.BootstrapAdminEmail!, settings.BootstrapAdminPassword!, ConsoleRoles.Admin, null, Audit.AuditActor.System);
        if (!created.Succeeded)
        {
            throw new OptionsValidationException(ConsoleOptions.SectionName, typeof(ConsoleOptions), [$"The bootstrap admin could not be made: {ConsoleAccounts.Describe(created)}"]);
        }

        LogBootstrapped(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Console accounts ready; applied {Count} pending migrations")]
    private static partial void LogMigrated(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: made the bootstrap admin from Console:BootstrapAdminEmail")]
    private static partial void LogBootstrapped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: accounts exist, so Console:BootstrapAdminEmail is ignored")]
    private static partial void LogBootstrapIgnored(ILogger logger);
}
