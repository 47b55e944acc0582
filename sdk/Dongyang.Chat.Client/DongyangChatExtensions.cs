using System.Text;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.AI;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponse = Microsoft.Extensions.AI.ChatResponse;

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

    /// <summary>
    /// This conversation as a Microsoft.Extensions.AI <see cref="IChatClient"/>, for M.E.AI pipelines
    /// (<c>ChatClientBuilder</c>: logging, OpenTelemetry, caching) and Semantic Kernel.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The server keeps the conversation, so each request asks only its last <see cref="ChatRole.User"/> message;
    /// earlier messages, instructions, tools and model settings are not sent. <see cref="ChatOptions.ConversationId"/>
    /// (the <see cref="ChatResponse.ConversationId"/> of an earlier response) continues that conversation.
    /// </para>
    /// <para>
    /// <see cref="IChatClient.GetResponseAsync"/> returns the whole answer (as <see cref="AskForAnswerAsync"/>), its text
    /// with one <see cref="CitationAnnotation"/> per cited passage (title, snippet, document id as
    /// <see cref="CitationAnnotation.FileId"/>, the <see cref="Citation"/> as <c>RawRepresentation</c>, and a
    /// <see cref="TextSpanAnnotatedRegion"/> per <c>[n]</c> marker), and whether it is grounded, its suggestions and
    /// whether it offers a counsellor in <c>AdditionalProperties</c> (keys in <see cref="DongyangChatAdditionalProperties"/>);
    /// <see cref="ChatResponse.RawRepresentation"/> is the <see cref="ChatAnswer"/>.
    /// <see cref="IChatClient.GetStreamingResponseAsync"/> yields one update per piece of text, then a last update with
    /// the citations (annotations on an empty text, as they arrive after the text) and the same additional properties.
    /// After a reconnect that changed the answer, an update with
    /// <see cref="DongyangChatAdditionalProperties.AnswerRestarted"/> says to discard the text streamed so far.
    /// </para>
    /// <para>
    /// An answer the server refused (an <see cref="ErrorEvent"/>, such as <c>rate_limited</c>) throws
    /// <see cref="DongyangChatAnswerException"/>. Disposing the returned client does not dispose <paramref name="chat"/>.
    /// </para>
    /// </remarks>
    /// <param name="chat">The conversation; the caller keeps owning it.</param>
    /// <returns>An <see cref="IChatClient"/> whose <c>GetService</c> also returns <paramref name="chat"/> and a <see cref="ChatClientMetadata"/>.</returns>
    /// <example>
    /// <code>
    /// IChatClient ai = chat.AsIChatClient();
    /// ChatResponse response = await ai.GetResponseAsync("보험금 청구할 때 필요한 서류는 뭐예요?");
    /// var sources = response.Messages[^1].Contents.SelectMany(c => c.Annotations ?? []).OfType&lt;CitationAnnotation&gt;();
    /// </code>
    /// </example>
    public static IChatClient AsIChatClient(this IDongyangChat chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return new DongyangChatClientAdapter(chat);
    }
}
