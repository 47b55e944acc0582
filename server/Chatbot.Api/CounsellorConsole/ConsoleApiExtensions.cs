using Chatbot.Api.Persistence;
using Chatbot.CounsellorConsole;
using Chatbot.CounsellorConsole.Analytics;
using Chatbot.CounsellorConsole.Conversations;
using Chatbot.CounsellorConsole.Sites;

namespace Chatbot.Api.CounsellorConsole;

/// <summary>Mounts the counsellor console (Chatbot.CounsellorConsole) in this host, on the chat's own database.</summary>
internal static class ConsoleApiExtensions
{
    public static IServiceCollection AddConsole(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment) =>
        services.AddCounsellorConsole<ApiHandoffDesk>(configuration, PersistenceServiceCollectionExtensions.ResolveDatabase(configuration, environment).ForConsole())
            .AddSingleton<IConsoleAnalytics, ApiConsoleAnalytics>()
            .AddSingleton<IConversationArchive, ApiConversationArchive>()
            .AddSingleton<IPartnerSites, ApiPartnerSites>();
}
