using Chatbot.Counselling;
using Chatbot.Privacy;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Ingestion.Isolation;
using Chatbot.Rag.Knowledge;
using Chatbot.Rag.Llm;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag;

/// <summary>Registers the RAG engine.</summary>
public static class RagServiceCollectionExtensions
{
    /// <summary>The connection string <see cref="VectorStoreKind.Postgres"/> uses: <c>ConnectionStrings:Chatbot</c>, shared with the relational store.</summary>
    public const string ConnectionStringName = "Chatbot";

    /// <summary>
    /// Adds the offline RAG engine: <see cref="RagOptions"/> from the "Rag" section (validated at start), the hashing
    /// embedding generator, the chunk store chosen by <c>Rag:VectorStore</c> (embedded by default, or pgvector on
    /// <c>ConnectionStrings:Chatbot</c>; as <see cref="IDocumentChunkStore"/>), the Markdown, text, PDF,
    /// DOCX and HTML readers, <see cref="KoreanChunker"/>, <see cref="KnowledgeIngestor"/>, <see cref="KnowledgeRetriever"/>,
    /// <see cref="PersonalDataMasker"/> and <see cref="IChatAnswerer"/> = <see cref="ExtractiveAnswerer"/>.
    /// Services registered before this call (e.g. another embedding generator or vector store) are kept.
    /// When "Ai:OpenAI" (or <c>OPENAI_API_KEY</c>) is configured, answers and embeddings come from the model instead;
    /// see <see cref="OpenAiServiceCollectionExtensions.AddChatbotOpenAi"/>.
    /// </summary>
    public static IServiceCollection AddChatbotRag(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RagOptions>()
            .Bind(configuration.GetSection(RagOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Every customer text names the counsellor line as configured ("Counsellor" section).
        services.AddCounselling(configuration);
        services.TryAddSingleton<CustomerTexts>();

        // The model path, when configured, registers its chat client, embeddings and answerer first; the offline
        // defaults below then fill only what it left out.
        services.AddChatbotOpenAi(configuration);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashingEmbeddingGenerator());

        switch (ReadVectorStoreKind(configuration))
        {
            case VectorStoreKind.Postgres:
                var connectionString = configuration.GetConnectionString(ConnectionStringName);
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(
                        RagOptions.SectionName,
                        typeof(RagOptions),
                        [$"Rag:VectorStore is Postgres, so ConnectionStrings:{ConnectionStringName} (ConnectionStrings__{ConnectionStringName}) must be set."]);
                }

                services.TryAddSingleton(sp => new PgVectorCollection(
                    connectionString,
                    sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
                        ?? IngestedChunk.VectorDimensions,
                    sp.GetService<ILogger<PgVectorCollection>>()));
                AddChunkStore<PgVectorCollection>(services);
                services.TryAddSingleton<IKnowledgeChangeLock>(_ => new PostgresKnowledgeChangeLock(connectionString));
                break;
            default:
                services.TryAddSingleton(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<RagOptions>>().Value;
                    var path = Path.Combine(Path.GetFullPath(options.DataDirectory), EmbeddedVectorStoreCollection.DefaultFileName);
                    return new EmbeddedVectorStoreCollection(path, sp.GetService<ILogger<EmbeddedVectorStoreCollection>>());
                });
                AddChunkStore<EmbeddedVectorStoreCollection>(services);
                services.TryAddSingleton<IKnowledgeChangeLock, ProcessKnowledgeChangeLock>();
                break;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentReader, MarkdownDocumentReader>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentReader, PlainTextDocumentReader>());
        services.AddOptions<DocumentLimits>().Bind(configuration.GetSection(DocumentLimits.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentReader, UntrustedDocumentReader>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RagOptions>>().Value;
            return new KoreanChunker(new ChunkingOptions
            {
                MaxChunkLength = options.MaxChunkLength,
                HardMaxChunkLength = Math.Max(options.HardMaxChunkLength, options.MaxChunkLength),
            });
        });

        services.TryAddSingleton<KnowledgeIngestor>();
        services.TryAddSingleton<KnowledgeRetriever>();
        services.TryAddSingleton<SourceSectionReader>();
        services.TryAddSingleton<PersonalDataMasker>();
        services.TryAddSingleton<ExtractiveAnswerer>();
        services.TryAddSingleton<IChatAnswerer>(sp => new InstrumentedChatAnswerer(sp.GetRequiredService<ExtractiveAnswerer>(), "offline"));
        return services;
    }

    private static VectorStoreKind ReadVectorStoreKind(IConfiguration configuration)
    {
        var value = configuration.GetSection(RagOptions.SectionName)[nameof(RagOptions.VectorStore)];
        if (string.IsNullOrWhiteSpace(value))
        {
            return VectorStoreKind.Embedded;
        }

        return Enum.TryParse<VectorStoreKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new OptionsValidationException(
                RagOptions.SectionName,
                typeof(RagOptions),
                [$"Rag:VectorStore '{value}' is not a vector store. Use Embedded or Postgres."]);
    }

    private static void AddChunkStore<TStore>(IServiceCollection services)
        where TStore : IDocumentChunkStore
    {
        services.TryAddSingleton<IDocumentChunkStore>(sp => sp.GetRequiredService<TStore>());
    }
}
