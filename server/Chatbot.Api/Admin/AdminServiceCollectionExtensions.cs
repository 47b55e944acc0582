namespace Chatbot.Api.Admin;

internal static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Limits.RequestLimitOptions>().Bind(configuration.GetSection(Limits.RequestLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>The admin credential check; before the endpoints, so no admin body is read without it.</summary>
    public static WebApplication UseAdminApi(this WebApplication app)
    {
        app.UseMiddleware<AdminKeyMiddleware>();
        return app;
    }
}
