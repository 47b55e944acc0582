namespace Chatbot.Api.Admin;

internal static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Limits.RequestLimitOptions>().Bind(configuration.GetSection(Limits.RequestLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CounsellorReplies>();
        return services;
    }

    /// <summary>The admin credential check and the customer body limit; before the endpoints, so no body is read without them.</summary>
    public static WebApplication UseAdminApi(this WebApplication app)
    {
        app.UseMiddleware<AdminKeyMiddleware>();
        app.UseMiddleware<Limits.RequestBodyLimitMiddleware>();
        return app;
    }
}
