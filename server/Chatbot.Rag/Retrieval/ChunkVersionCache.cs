using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.Retrieval;

/// <summary>
/// What is read out of recently retrieved chunks (their tokens, sentences, sentence vectors), kept so it is not rebuilt
/// from the same passages for every question: rebuilding it was most of what an answer allocated. A chunk version is
/// its key, its document's hash and a hash of its text, so a document re-chunked under other settings is read anew.
/// Bounded by two generations of
/// <c>capacity / 2</c> entries each: when the newer fills, the older is dropped, so the chunks questions keep finding
/// stay and the cache never holds more than <c>capacity</c> entries, however large the store.
/// </summary>
internal sealed class ChunkVersionCache<T>(int capacity)
    where T : class
{
    private readonly Lock _turnover = new();
    private ConcurrentDictionary<(string Key, string DocumentHash, int TextHash), T> _newer = new();
    private ConcurrentDictionary<(string Key, string DocumentHash, int TextHash), T> _older = new();

    public T GetOrAdd(IngestedChunk chunk, Func<IngestedChunk, T> read)
    {
        if (TryGet(chunk, out var value))
        {
            return value;
        }

        value = read(chunk);
        Set(chunk, value);
        return value;
    }

    public bool TryGet(IngestedChunk chunk, [NotNullWhen(true)] out T? value)
    {
        var version = VersionOf(chunk);
        if (_newer.TryGetValue(version, out value))
        {
            return true;
        }

        if (_older.TryGetValue(version, out value))
        {
            Set(chunk, value);
            return true;
        }

        return false;
    }

    public void Set(IngestedChunk chunk, T value)
    {
        _newer[VersionOf(chunk)] = value;
        if (_newer.Count < capacity / 2)
        {
            return;
        }

        lock (_turnover)
        {
            if (_newer.Count >= capacity / 2)
            {
                _older = _newer;
                _newer = new();
            }
        }
    }

    private static (string Key, string DocumentHash, int TextHash) VersionOf(IngestedChunk chunk) =>
        (chunk.Key, chunk.DocumentHash, string.GetHashCode(chunk.Text, StringComparison.Ordinal));
}
