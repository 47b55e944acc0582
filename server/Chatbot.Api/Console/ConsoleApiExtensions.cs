using Chatbot.Api.Persistence;
using Chatbot.Console;

namespace Chatbot.Api.Console;

/// <summary>Mounts the counsellor console (Chatbot.Console) in this host, on the chat's own database.</summary>
internal static class ConsoleApiExtensions
{
    public static IServiceCollection AddConsole(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment) =>
        services.AddCounsellorConsole<ApiHandoffDesk>(configuration, PersistenceServiceCollectionExtensions.ResolveDatabase(configuration, environment).ForConsole());
}
