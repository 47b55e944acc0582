using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dongyang.Chat.Client;

/// <summary>Registers the Dongyang Chat client with dependency injection.</summary>
public static class DongyangChatServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DongyangChatOptions"/> (validated at start-up) and one shared <see cref="IDongyangChat"/>
    /// (also resolvable as <see cref="DongyangChatClient"/>), and <see cref="IDongyangChatFactory"/> for an app that
    /// serves several customers (one client each).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, at least <see cref="DongyangChatOptions.ServerUrl"/>.</param>
    /// <returns>The options builder, for binding to configuration or adding validation.</returns>
    public static OptionsBuilder<DongyangChatOptions> AddDongyangChat(this IServiceCollection services, Action<DongyangChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<DongyangChatOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(provider => new DongyangChatClient(
            provider.GetRequiredService<IOptions<DongyangChatOptions>>().Value,
            provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IDongyangChat>(provider => provider.GetRequiredService<DongyangChatClient>());
        services.TryAddSingleton<IDongyangChatFactory>(provider => new DongyangChatFactory(
            provider.GetRequiredService<IOptions<DongyangChatOptions>>(),
            provider.GetService<ILoggerFactory>()));
        return builder;
    }
}
