using Chatbot.CounsellorConsole.Audit;
using Chatbot.CounsellorConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chatbot.CounsellorConsole.Accounts;

/// <summary>
/// The one place that sets up console accounts (password rules, lockout, stores), for the web host and the
/// <c>chatbot users</c> command alike, so an account made by either signs in the same way.
/// </summary>
public static class ConsoleAccountServices
{
    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public const int MinimumPasswordLength = 10;

    public static IdentityBuilder AddConsoleAccounts(this IServiceCollection services, ConsoleDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        switch (database.Provider)
        {
            case ConsoleDatabaseProvider.Sqlite:
                services.AddDbContextFactory<SqliteConsoleDbContext>(options => options.UseConsoleDatabase(database));
                services.AddSingleton<IDbContextFactory<ConsoleDbContext>, ConsoleDbContextFactory<SqliteConsoleDbContext>>();
                services.AddScoped<ConsoleDbContext>(provider => provider.GetRequiredService<SqliteConsoleDbContext>());
                break;
            case ConsoleDatabaseProvider.Postgres:
                services.AddDbContextFactory<PostgresConsoleDbContext>(options => options.UseConsoleDatabase(database));
                services.AddSingleton<IDbContextFactory<ConsoleDbContext>, ConsoleDbContextFactory<PostgresConsoleDbContext>>();
                services.AddScoped<ConsoleDbContext>(provider => provider.GetRequiredService<PostgresConsoleDbContext>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(database), database.Provider, "Use Sqlite or Postgres.");
        }

        services.AddScoped<ConsoleAccounts>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAuditLog, ConsoleAuditLog>();
        services.AddTransient<ConsoleDatabaseMigrator>();
        return services.AddIdentityCore<ConsoleUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = MinimumPasswordLength;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedAttempts;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleDbContext>();
    }

    private sealed class ConsoleDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<ConsoleDbContext>
        where TContext : ConsoleDbContext
    {
        public ConsoleDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
