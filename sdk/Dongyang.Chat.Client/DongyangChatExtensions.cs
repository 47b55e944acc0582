using System.Text;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>Helpers over <see cref="IDongyangChat"/>.</summary>
public static class DongyangChatExtensions
{
    /// <summary>
    /// Asks a question and waits for the whole answer: its text, citations, whether it is grounded, follow-up
    /// suggestions and whether it offers a counsellor. A restarted answer (<see cref="AnswerRestartedEvent"/>) is
    /// handled: the text returned is the final one, never doubled.
    /// </summary>
    /// <param name="chat">The conversation.</param>
    /// <param name="question">The question.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The complete answer.</returns>
    /// <exception cref="DongyangChatAnswerException">The stream ended with an <see cref="ErrorEvent"/> (such as <c>rate_limited</c>).</exception>
    /// <exception cref="DongyangChatUnavailableException">The server could not be reached within <see cref="DongyangChatOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="DongyangChatAccessDeniedException">The server refused the site key, origin or identity.</exception>
    public static async Task<ChatAnswer> AskForAnswerAsync(this IDongyangChat chat, string question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var text = new StringBuilder();
        IReadOnlyList<Citation> citations = [];
        await foreach (var e in chat.AskAsync(question, cancellationToken: cancellationToken))
        {
            switch (e)
            {
                case AnswerRestartedEvent:
                    text.Clear();
                    citations = [];
                    break;
                case DeltaEvent delta:
                    text.Append(delta.Text);
                    break;
                case CitationsEvent cited:
                    citations = cited.Citations;
                    break;
                case CompletedEvent done:
                    return new ChatAnswer(text.ToString(), citations, done.Grounded, done.Suggestions, done.OffersHandoff, done.ConversationId, done.MessageId);
                case ErrorEvent error:
                    throw new DongyangChatAnswerException(error);
            }
        }

        throw new DongyangChatAnswerException(new ErrorEvent(ChatErrorCodes.AnswerInterrupted, "The answer was interrupted. Please ask again."));
    }
}
