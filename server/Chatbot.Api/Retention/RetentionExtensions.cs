namespace Chatbot.Api.Retention;

internal static class RetentionExtensions
{
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RetentionSweep>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
