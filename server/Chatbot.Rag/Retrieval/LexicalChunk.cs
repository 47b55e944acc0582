using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Text;

namespace Chatbot.Rag.Retrieval;

/// <summary>A chunk as relevance reads it.</summary>
/// <param name="Tokens">The distinct tokens of its title, section and text.</param>
/// <param name="HeadingTokens">The topic tokens of its section's last heading, read as a question would be.</param>
/// <param name="Unspaced">Its title, section and text joined without spaces, to find a word however it was spaced.</param>
internal sealed record LexicalChunk(HashSet<string> Tokens, IReadOnlyList<string> HeadingTokens, string Unspaced)
{
    public static LexicalChunk Read(IngestedChunk chunk) => new(
        new(KoreanText.Tokenize($"{chunk.DocumentTitle}\n{ChunkText.ForLexicalIndex(chunk)}"), StringComparer.Ordinal),
        chunk.Section.Length == 0 ? [] : KoreanText.QueryTokens(chunk.Section.Split(" > ")[^1]),
        $"{chunk.DocumentTitle}{chunk.Section}{chunk.Text}".Replace(" ", "", StringComparison.Ordinal));
}
