using Chatbot.Ai.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chatbot.Rag.Knowledge;

/// <summary>Registers the in-process knowledge base.</summary>
public static class KnowledgeServiceCollectionExtensions
{
    /// <summary>
    /// The RAG engine (<see cref="RagServiceCollectionExtensions.AddChatbotRag"/>) with <see cref="IKnowledgeBase"/> =
    /// <see cref="LocalKnowledgeBase"/>. The one path base: a relative <c>Rag:KnowledgePath</c> is resolved against
    /// <paramref name="contentRoot"/> (the host's content root; the working folder for the CLI). Left at its default
    /// (<see cref="RagOptions.DefaultKnowledgePath"/>), it is the sample knowledge shipped beside the binaries, so the
    /// one-command default answers from the samples wherever it is started from.
    /// </summary>
    public static IServiceCollection AddLocalKnowledgeBase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentRoot);
        services.AddChatbotRag(configuration);
        services.PostConfigure<RagOptions>(options => options.KnowledgePath = ResolveKnowledgePath(options.KnowledgePath, contentRoot));
        services.TryAddSingleton<LocalKnowledgeBase>();
        services.TryAddSingleton<IKnowledgeBase>(sp => sp.GetRequiredService<LocalKnowledgeBase>());
        return services;
    }

    /// <summary>The full path of the knowledge folder, as <see cref="AddLocalKnowledgeBase"/> resolves it.</summary>
    public static string ResolveKnowledgePath(string? configured, string contentRoot) =>
        string.IsNullOrWhiteSpace(configured) || configured == RagOptions.DefaultKnowledgePath
            ? Path.Combine(AppContext.BaseDirectory, RagOptions.DefaultKnowledgePath)
            : Path.GetFullPath(configured, contentRoot);
}
