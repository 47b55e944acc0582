namespace Chatbot.Rag.Answering;

/// <summary>Answers a customer's question from the knowledge base, as a stream.</summary>
public interface IChatAnswerer
{
    /// <summary>
    /// Streams deltas, then one <see cref="AnswerCitations"/> (possibly empty), then one <see cref="AnswerFinished"/>.
    /// The question must already be masked of personal data.
    /// </summary>
    IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, CancellationToken cancellationToken = default);
}
