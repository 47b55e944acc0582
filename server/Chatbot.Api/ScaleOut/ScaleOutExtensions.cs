using Microsoft.Extensions.Options;

namespace Chatbot.Api.ScaleOut;

/// <summary>
/// What lets several Api instances serve one site: the SignalR Redis backplane (a message sent to a conversation's
/// group on one instance reaches its watchers on every other) and an instance name on each response. Everything else
/// an instance knows is in PostgreSQL.
/// </summary>
internal static partial class ScaleOutExtensions
{
    public const string InstanceHeader = "X-Chatbot-Instance";

    public static IServiceCollection AddScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ScaleOutOptions.SectionName);
        services.AddOptions<ScaleOutOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        var options = section.Get<ScaleOutOptions>() ?? new ScaleOutOptions();
        if (options.UsesRedis)
        {
            // Bound again from the validated options when SignalR first needs Redis; start-up validation has run by then.
            services.AddSignalR().AddStackExchangeRedis(redis => { });
            services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
                .Configure<IOptions<ScaleOutOptions>>((redis, scaleOut) => redis.Configuration = scaleOut.Value.RedisConfiguration());

            // Registered last, so it is the lifetime manager the hub gets; it wraps the Redis one.
            services.AddSingleton(typeof(Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisHubLifetimeManager<>));
            services.AddSingleton(typeof(Microsoft.AspNetCore.SignalR.HubLifetimeManager<>), typeof(ResilientHubLifetimeManager<>));
        }

        return services;
    }

    public static WebApplication UseScaleOut(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ScaleOutOptions>>().Value;
        if (options.UsesRedis)
        {
            LogBackplane(app.Logger, string.Join(", ", options.RedisConfiguration().EndPoints), options.ChannelPrefix);
        }

        if (options.InstanceName is { Length: > 0 } name)
        {
            // Set before the endpoint runs, so it also goes out on the WebSocket upgrade (101) of a hub connection.
            app.Use((http, next) =>
            {
                http.Response.Headers[InstanceHeader] = name;
                return next(http);
            });
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SignalR backplane: Redis at {Endpoints}, channel prefix {ChannelPrefix}")]
    private static partial void LogBackplane(ILogger logger, string endpoints, string channelPrefix);
}
