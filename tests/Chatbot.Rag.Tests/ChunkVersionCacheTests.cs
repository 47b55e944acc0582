using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.VectorStores;

namespace Chatbot.Rag.Tests;

/// <summary>
/// What retrieval and answering keep of the chunks they read (tokens, sentences, vectors) never outlives the chunk's
/// text, and never grows past its bound however many chunks are read.
/// </summary>
public sealed class ChunkVersionCacheTests
{
    private static readonly HashingEmbeddingGenerator Generator = new();

    private static IngestedChunk Chunk(string key, string text, string documentHash = "same-hash") => new()
    {
        Key = key,
        DocumentId = key.Split('#')[0],
        DocumentTitle = "보험 안내",
        Text = text,
        DocumentHash = documentHash,
        Vector = Generator.Embed(text),
    };

    [Fact]
    public async Task A_chunk_whose_text_changed_under_the_same_key_and_document_hash_is_ranked_and_quoted_by_its_new_text()
    {
        using var directory = new TempDirectory();
        using var store = TestSupport.NewStore(directory);
        var retriever = new KnowledgeRetriever(store, Generator);
        var answerer = new Chatbot.Rag.Answering.ExtractiveAnswerer(retriever, store);
        await store.ReplaceDocumentsAsync([new DocumentChunks("guide", [Chunk("guide#0", "보험계약대출 이자는 연 4.5%이며 매월 납입합니다.")])]);
        var before = await retriever.RetrieveAsync("보험계약대출 이자");
        var quotedBefore = await answerer.ComposeAsync(before);

        // Re-chunked under other settings, a document keeps its hash; the chunk's text is what changed.
        await store.ReplaceDocumentsAsync([new DocumentChunks("guide", [Chunk("guide#0", "해지환급금은 해지 신청일로부터 3영업일 안에 지급합니다.")])]);
        var after = await retriever.RetrieveAsync("보험계약대출 이자");
        var aboutSurrender = await answerer.ComposeAsync(await retriever.RetrieveAsync("해지환급금 지급"));

        Assert.True(before.Passages[0].Coverage > 0.9, $"coverage before {before.Passages[0].Coverage}");
        Assert.Contains("4.5%", string.Concat(quotedBefore.Pieces), StringComparison.Ordinal);
        Assert.True(after.Passages.Count == 0 || after.Passages[0].Coverage < 0.5, $"coverage after {(after.Passages.Count > 0 ? after.Passages[0].Coverage : 0)}");
        Assert.Contains("3영업일", string.Concat(aboutSurrender.Pieces), StringComparison.Ordinal);
        Assert.DoesNotContain("4.5%", string.Concat(aboutSurrender.Pieces), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cache_holds_at_most_its_capacity_and_keeps_what_is_read_again()
    {
        var cache = new ChunkVersionCache<string>(capacity: 8);
        var reads = 0;
        var hot = Chunk("hot#0", "자주 묻는 문장");
        for (var i = 0; i < 1000; i++)
        {
            cache.GetOrAdd(Chunk($"cold#{i}", $"문장 {i}"), c => c.Text);
            cache.GetOrAdd(hot, c => { reads++; return c.Text; });
        }

        var held = Enumerable.Range(0, 1000).Count(i => cache.TryGet(Chunk($"cold#{i}", $"문장 {i}"), out _));
        Assert.True(held <= 8, $"{held} cold chunks still cached");
        Assert.Equal(1, reads);
    }
}
