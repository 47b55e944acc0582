using System.Runtime.CompilerServices;
using Chatbot.Rag.Answering;

namespace Chatbot.Api.Resilience;

/// <summary>The configured answerer, with a pause before each piece of text (see <see cref="FaultInjectionOptions"/>).</summary>
internal sealed class DelayedAnswerer(IChatAnswerer inner, TimeSpan delay, TimeProvider clock) : IChatAnswerer
{
    public async IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in inner.AnswerAsync(question, cancellationToken))
        {
            if (update is AnswerDelta)
            {
                await Task.Delay(delay, clock, cancellationToken);
            }

            yield return update;
        }
    }
}
