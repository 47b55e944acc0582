using System.Text.Json.Nodes;
using Chatbot.Testing;

namespace Chatbot.LoadTests;

/// <summary>
/// The fake model's answers: two sentences restated from the first two sources with their markers, and a follow-up
/// block, streamed two characters (one token) at a time at the set rate. It counts what it streamed.
/// </summary>
internal sealed class FakeModel(double tokensPerSecond)
{
    private const int CharactersPerToken = 2;
    private long requests;
    private long tokens;

    public long Requests => Interlocked.Read(ref requests);

    public double MeanTokens => Requests == 0 ? 0 : (double)Interlocked.Read(ref tokens) / Requests;

    /// <summary>How long the model alone takes to stream an average answer at the set rate.</summary>
    public TimeSpan MeanStreamingTime => TimeSpan.FromSeconds(MeanTokens / tokensPerSecond);

    public FakeChatReply Reply(IReadOnlyList<JsonObject> messages)
    {
        var sources = Prompt.Sources(Prompt.User(messages));
        var sentences = sources.Take(2).Select((source, i) => $"{Restate(source)} [{i + 1}]");
        var text = string.Join(' ', sentences) + "\n<follow_up>\n필요한 서류는 무엇인가요?\n어디서 신청하나요?\n</follow_up>";
        Interlocked.Increment(ref requests);
        Interlocked.Add(ref tokens, (text.Length + CharactersPerToken - 1) / CharactersPerToken);
        return new FakeChatReply(text, ChunkSize: CharactersPerToken, DelayBetweenChunks: TimeSpan.FromSeconds(1 / tokensPerSecond));
    }

    private static string Restate(PromptSource source)
    {
        try
        {
            return Prompt.FirstSentence(source);
        }
        catch (InvalidOperationException)
        {
            // A source that is all table rows or short lines: take its opening words instead.
            return source.Text.Length > 80 ? source.Text[..80] : source.Text;
        }
    }
}
