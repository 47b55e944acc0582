using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag.Tests;

/// <summary>A directory under the system temp folder, deleted when the test ends.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chatbot-rag-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string relativePath, string content)
    {
        var full = Combine(relativePath.Split('/'));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it would not be.
        }
    }
}

internal static class TestSupport
{
    /// <summary>The repository's sample knowledge corpus.</summary>
    public static string SampleKnowledgePath
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                directory = directory.Parent;
            }

            return directory is null
                ? throw new DirectoryNotFoundException("The repository root was not found above the test output.")
                : Path.Combine(directory.FullName, "samples", "knowledge");
        }
    }

    public static EmbeddedVectorStoreCollection NewStore(TempDirectory directory, HashingEmbeddingGenerator? generator = null) =>
        new(directory.Combine("data", EmbeddedVectorStoreCollection.DefaultFileName), generator ?? new HashingEmbeddingGenerator());

    public static KnowledgeIngestor NewIngestor(IDocumentChunkStore store, HashingEmbeddingGenerator? generator = null) =>
        new(store, generator ?? new HashingEmbeddingGenerator(), new KoreanChunker(), [new MarkdownDocumentReader(), new PlainTextDocumentReader()]);

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
