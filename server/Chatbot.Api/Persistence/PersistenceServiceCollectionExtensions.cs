using Chatbot.Data;
using Chatbot.Data.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Persistence;

internal static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the relational store chosen by <c>Database:Provider</c> with <c>ConnectionStrings:Chatbot</c>;
    /// with no connection string, the embedded default keeps a SQLite file in the data folder.
    /// </summary>
    public static IServiceCollection AddChatPersistence(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        var (provider, connectionString) = ResolveDatabase(configuration, environment);

        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextFactory<SqliteChatDbContext>(options => options.UseSqlite(connectionString).AddInterceptors(new SqliteWalSynchronousNormal()));
                services.AddSingleton(new DatabaseWriteGate(serializeWrites: true));
                services.AddSingleton<IDbContextFactory<ChatDbContext>, ChatDbContextFactory<SqliteChatDbContext>>();
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContextFactory<PostgresChatDbContext>(options => options.UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure()));
                services.AddSingleton(new DatabaseWriteGate(serializeWrites: false));
                services.AddSingleton<IDbContextFactory<ChatDbContext>, ChatDbContextFactory<PostgresChatDbContext>>();
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions), [$"Unknown database provider '{provider}'. Use Sqlite or Postgres."]);
        }

        services.AddSingleton<ConversationStore>();
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// The one reading of <c>Database:Provider</c> and <c>ConnectionStrings:Chatbot</c>: with no connection string, the
    /// embedded default keeps a SQLite file in the data folder. The console's tables live in the same database.
    /// </summary>
    public static ChatDatabase ResolveDatabase(IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        var connectionString = configuration.GetConnectionString("Chatbot");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new ChatDatabase(provider, connectionString);
        }

        return provider switch
        {
            DatabaseProvider.Sqlite => new ChatDatabase(provider, $"Data Source={Path.Combine((configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new()).ResolveDataDirectory(environment.ContentRootPath), "chatbot.db")}"),
            DatabaseProvider.Postgres => throw new OptionsValidationException("ConnectionStrings", typeof(DatabaseOptions), ["Database:Provider is Postgres, so ConnectionStrings:Chatbot (ConnectionStrings__Chatbot) must be set."]),
            _ => new ChatDatabase(provider, ""),
        };
    }

    private sealed class ChatDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<ChatDbContext>
        where TContext : ChatDbContext
    {
        public ChatDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
