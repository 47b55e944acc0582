using Chatbot.Ai.Knowledge;
using Chatbot.Rag;
using Chatbot.Rag.Knowledge;

namespace Chatbot.Ai;

internal static class AiServiceCollectionExtensions
{
    /// <summary>
    /// The RAG engine with its state in the data folder (the <c>vector_store</c> volume in the deployed stack): the
    /// vector index and the knowledge documents, which are ingested before the service takes requests.
    /// </summary>
    public static IServiceCollection AddAiEngine(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<AiOptions>()
            .Bind(configuration.GetSection(AiOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                options => environment.IsDevelopment() || !string.IsNullOrEmpty(options.ServiceKey),
                "Ai:ServiceKey is required outside Development: the shared secret the api sends (Ai__ServiceKey; in compose the ai_service_key secret that deploy/scripts/init-secrets.sh writes).")
            .ValidateOnStart();
        services.AddServiceKeyAuthentication();
        services.AddLocalKnowledgeBase(configuration, environment.ContentRootPath);
        services.PostConfigure<RagOptions>(options => options.DataDirectory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath));
        services.AddHostedService<KnowledgeStartup>();
        return services;
    }
}
