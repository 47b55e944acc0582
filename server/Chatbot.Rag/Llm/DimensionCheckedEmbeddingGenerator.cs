using Microsoft.Extensions.AI;

namespace Chatbot.Rag.Llm;

/// <summary>
/// Asks the model for vectors of the index's size and refuses any other size with a clear message. It also names
/// the model and size in its metadata, which the ingestor fingerprints, so a change of either re-embeds the corpus.
/// </summary>
internal sealed class DimensionCheckedEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly int _dimensions;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public DimensionCheckedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, string model, int dimensions, Uri? endpoint)
        : base(inner)
    {
        _dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("openai", endpoint, $"{model}@{dimensions}", dimensions);
    }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options = options?.Clone() ?? new EmbeddingGenerationOptions();
        options.Dimensions ??= _dimensions;
        var embeddings = await base.GenerateAsync(values, options, cancellationToken);
        foreach (var embedding in embeddings)
        {
            if (embedding.Vector.Length != _dimensions)
            {
                throw new InvalidOperationException(
                    $"The embedding model returned {embedding.Vector.Length}-dimensional vectors; the index stores {_dimensions}. "
                    + "Use a model that accepts the 'dimensions' parameter (text-embedding-3-small/-large), or leave Ai:OpenAI:EmbeddingModel empty for offline embeddings.");
            }
        }

        return embeddings;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : base.GetService(serviceType, serviceKey);
}
