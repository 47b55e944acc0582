using Chatbot.Ai.Knowledge;
using Chatbot.Rag;

namespace Chatbot.Ai;

internal static class AiServiceCollectionExtensions
{
    /// <summary>
    /// The RAG engine with its state in the data folder (the <c>vector_store</c> volume in the deployed stack): the
    /// vector index and the knowledge documents, which are ingested before the service takes requests.
    /// </summary>
    public static IServiceCollection AddAiEngine(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<AiOptions>().Bind(configuration.GetSection(AiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddChatbotRag(configuration);
        services.PostConfigure<RagOptions>(options =>
        {
            options.DataDirectory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
            options.KnowledgePath = Path.GetFullPath(options.KnowledgePath, environment.ContentRootPath);
        });
        services.AddSingleton<KnowledgeLibrary>();
        services.AddHostedService<KnowledgeStartup>();
        return services;
    }
}
