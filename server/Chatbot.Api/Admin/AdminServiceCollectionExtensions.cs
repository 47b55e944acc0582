namespace Chatbot.Api.Admin;

internal static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddAdminAuthentication();
        services.AddSingleton<CounsellorReplies>();
        return services;
    }
}
