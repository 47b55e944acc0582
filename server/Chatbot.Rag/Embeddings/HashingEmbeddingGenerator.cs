using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Text;
using Microsoft.Extensions.AI;

namespace Chatbot.Rag.Embeddings;

/// <summary>
/// An offline, deterministic embedding for Korean text: character uni-, bi- and tri-grams of each particle-stripped
/// word plus the words themselves, feature-hashed with a sign bit into <see cref="IngestedChunk.VectorDimensions"/>
/// dimensions, sublinear term frequency, L2-normalised. It captures surface overlap, not meaning; it exists so the
/// product works with no model and no network, and so tests are reproducible across machines.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "dongyang-hashing-ngram-v1";

    private const uint UnigramSeed = 0x9E3779B1;
    private const uint BigramSeed = 0x85EBCA77;
    private const uint TrigramSeed = 0xC2B2AE3D;
    private const uint WordSeed = 0x27D4EB2F;

    private readonly EmbeddingGeneratorMetadata _metadata;

    public HashingEmbeddingGenerator(int dimensions = IngestedChunk.VectorDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("dongyang-hashing", defaultModelId: ModelId, defaultModelDimensions: dimensions);
    }

    public int Dimensions { get; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId, CreatedAt = null });
        }

        return Task.FromResult(result);
    }

    /// <summary>Embeds one text synchronously; the same vector <see cref="GenerateAsync"/> returns.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<(uint Seed, string Feature), int>();
        foreach (var rawWord in KoreanText.Words(KoreanText.Normalize(text)))
        {
            var word = KoreanText.StripParticle(rawWord);
            Count(counts, WordSeed, word);
            for (var i = 0; i < word.Length; i++)
            {
                Count(counts, UnigramSeed, word.Substring(i, 1));
                if (i + 2 <= word.Length)
                {
                    Count(counts, BigramSeed, word.Substring(i, 2));
                }

                if (i + 3 <= word.Length)
                {
                    Count(counts, TrigramSeed, word.Substring(i, 3));
                }
            }
        }

        var vector = new float[Dimensions];
        foreach (var ((seed, feature), count) in counts)
        {
            var hash = Fnv1a(feature, seed);
            var index = (int)(hash % (uint)Dimensions);
            var sign = (hash & 0x8000_0000u) == 0 ? 1f : -1f;
            var weight = seed switch
            {
                UnigramSeed => 0.35f,
                BigramSeed => 1f,
                TrigramSeed => 0.8f,
                _ => 0.7f,
            };
            vector[index] += sign * weight * (1f + MathF.Log(count));
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // Nothing to release; the generator holds no resources.
    }

    private static void Count(Dictionary<(uint, string), int> counts, uint seed, string feature)
    {
        var key = (seed, feature);
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
    }

    /// <summary>FNV-1a over UTF-16 code units, seeded per feature kind; stable across processes unlike string.GetHashCode.</summary>
    internal static uint Fnv1a(string text, uint seed)
    {
        var hash = 2166136261u ^ seed;
        foreach (var c in text)
        {
            hash ^= (byte)c;
            hash *= 16777619u;
            hash ^= (byte)(c >> 8);
            hash *= 16777619u;
        }

        // Final avalanche so the low bits used for the index and the top bit used for the sign are well mixed.
        hash ^= hash >> 15;
        hash *= 0x2C1B3C6Du;
        hash ^= hash >> 12;
        return hash;
    }
}
