using System.ClientModel;
using System.ClientModel.Primitives;
using Chatbot.Rag.Answering;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenAI;

namespace Chatbot.Rag.Llm;

/// <summary>Registers the OpenAI path when it is configured.</summary>
public static class OpenAiServiceCollectionExtensions
{
    // Sent to OpenAI-compatible servers that need no key; the official client refuses an empty one.
    private const string PlaceholderKey = "unused";

    /// <summary>
    /// Binds <see cref="OpenAiOptions"/> ("Ai:OpenAI", with <c>OPENAI_API_KEY</c> as the key's fallback) and, when
    /// configured, registers the model's <see cref="IChatClient"/>, its embedding generator (unless embeddings stay
    /// offline) and <see cref="GroundedChatAnswerer"/> as the <see cref="IChatAnswerer"/>. Call before the offline
    /// defaults are added, which then fill only what is still missing.
    /// </summary>
    /// <returns>True when the OpenAI path is configured.</returns>
    public static bool AddChatbotOpenAi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(OpenAiOptions.SectionName);
        var environmentKey = configuration[OpenAiOptions.ApiKeyVariable];
        services.AddOptions<OpenAiOptions>()
            .Bind(section)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ApiKey) && !string.IsNullOrWhiteSpace(environmentKey))
                {
                    o.ApiKey = environmentKey;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = section.Get<OpenAiOptions>() ?? new OpenAiOptions();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            options.ApiKey = environmentKey;
        }

        if (!options.IsConfigured)
        {
            return false;
        }

        // An invalid URL is reported by options validation at start-up, naming the setting.
        Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var endpoint);
        services.TryAddSingleton(_ => CreateClient(options, endpoint));
        services.TryAddSingleton(sp => sp.GetRequiredService<OpenAIClient>().GetChatClient(options.ChatModel).AsIChatClient());
        if (options.UsesModelEmbeddings)
        {
            services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new DimensionCheckedEmbeddingGenerator(
                sp.GetRequiredService<OpenAIClient>().GetEmbeddingClient(options.EmbeddingModel).AsIEmbeddingGenerator(options.EmbeddingDimensions),
                options.EmbeddingModel!,
                options.EmbeddingDimensions,
                endpoint));
        }

        services.TryAddSingleton<GroundedChatAnswerer>();
        services.TryAddSingleton<IChatAnswerer>(sp => new InstrumentedChatAnswerer(sp.GetRequiredService<GroundedChatAnswerer>(), "model"));
        return true;
    }

    /// <summary>The official client, pointed at <paramref name="endpoint"/> when given.</summary>
    public static OpenAIClient CreateClient(OpenAiOptions options, Uri? endpoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
            // The answerer enforces its own first-token and idle timeouts; this only bounds a hung connection.
            NetworkTimeout = TimeSpan.FromSeconds(Math.Max(options.FirstTokenTimeoutSeconds, options.StreamIdleTimeoutSeconds) * 3),
        };
        if (endpoint is not null)
        {
            clientOptions.Endpoint = endpoint;
        }

        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? PlaceholderKey : options.ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions);
    }
}
