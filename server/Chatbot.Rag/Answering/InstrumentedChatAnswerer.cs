using System.Diagnostics;
using System.Runtime.CompilerServices;
using Chatbot.Rag.Diagnostics;

namespace Chatbot.Rag.Answering;

/// <summary>
/// Wraps the configured answerer in one "rag.answer" span per answer, with its mode (offline or model), whether it
/// was grounded, how many sources it cited and the time to its first text, and records its duration.
/// </summary>
public sealed class InstrumentedChatAnswerer(IChatAnswerer inner, string mode) : IChatAnswerer
{
    /// <summary>The answerer that does the work.</summary>
    public IChatAnswerer Inner => inner;

    public async IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var activity = RagTelemetry.Source.StartActivity("rag.answer");
        activity?.SetTag("rag.mode", mode);
        var clock = Stopwatch.StartNew();
        var first = true;
        var grounded = false;
        await foreach (var update in inner.AnswerAsync(question, cancellationToken))
        {
            switch (update)
            {
                case AnswerDelta when first:
                    first = false;
                    activity?.SetTag("rag.time_to_first_text_ms", clock.Elapsed.TotalMilliseconds);
                    break;
                case AnswerCitations citations:
                    activity?.SetTag("rag.citations", citations.Citations.Count);
                    break;
                case AnswerFinished finished:
                    grounded = finished.Grounded;
                    activity?.SetTag("rag.grounded", finished.Grounded);
                    break;
            }

            yield return update;
        }

        RagTelemetry.RecordAnswer(clock.Elapsed, mode, grounded);
    }
}
