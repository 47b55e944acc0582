using Chatbot.Api.Persistence;
using Chatbot.Rag;

namespace Chatbot.Api.Engine;

internal static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The answering engine, in-process. Its index lives in the same data folder as the database, and the sample
    /// knowledge base that ships with the build is ingested on start.
    /// </summary>
    public static IServiceCollection AddChatEngine(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddChatbotRag(configuration);
        services.PostConfigure<RagOptions>(options =>
        {
            var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new();
            options.DataDirectory = string.IsNullOrWhiteSpace(options.DataDirectory) || options.DataDirectory == RagOptions.DefaultDataDirectory
                ? storage.ResolveDataDirectory(environment.ContentRootPath)
                : Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
            options.KnowledgePath = Path.GetFullPath(options.KnowledgePath, AppContext.BaseDirectory);
        });
        services.AddHostedService<KnowledgeBootstrapper>();
        return services;
    }
}
