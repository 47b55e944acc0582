using Chatbot.Api.Persistence;
using Chatbot.Privacy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Privacy;

internal static partial class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// The personal-data masker every free-text field passes through before it is stored, and the keyed hash partner
    /// customer ids are stored as: keyed with <c>Privacy:UserIdKey</c>, or a key generated once in the data folder.
    /// </summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<PersonalDataMasker>();
        services.AddSingleton(sp =>
        {
            if (sp.GetRequiredService<IOptions<PrivacyOptions>>().Value.UserIdKey is { Length: > 0 } configured)
            {
                return new UserIdHasher(System.Text.Encoding.UTF8.GetBytes(configured));
            }

            var folder = sp.GetRequiredService<IOptions<StorageOptions>>().Value.ResolveDataDirectory(environment.ContentRootPath);
            var key = UserIdKeyFile.LoadOrCreate(folder, out var created);
            var logger = sp.GetRequiredService<ILogger<UserIdHasher>>();
            if (created)
            {
                LogKeyCreated(logger, Path.Combine(folder, UserIdKeyFile.FileName));
            }

            if (sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider != DatabaseProvider.Sqlite)
            {
                LogSharedDatabaseWithLocalKey(logger, Path.Combine(folder, UserIdKeyFile.FileName));
            }

            return new UserIdHasher(key);
        });
        return services;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated the key partner user ids are hashed with, in {Path}; back it up with the database")]
    private static partial void LogKeyCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy:UserIdKey is not set, so user ids are hashed with the key in {Path}. Every Api instance sharing this database must use the same key: set Privacy:UserIdKey")]
    private static partial void LogSharedDatabaseWithLocalKey(ILogger logger, string path);
}
