using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.AI;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponse = Microsoft.Extensions.AI.ChatResponse;

namespace Dongyang.Chat.Client;

/// <summary>
/// <see cref="IChatClient"/> over one <see cref="IDongyangChat"/> conversation (see
/// <see cref="DongyangChatExtensions.AsIChatClient"/>). The server keeps the conversation, so only the last user
/// message of a request is asked; the adapter does not own the chat and does not dispose it.
/// </summary>
internal sealed class DongyangChatClientAdapter(IDongyangChat chat) : IChatClient
{
    private const string ProviderName = "dongyang-chat";
    private static readonly ChatClientMetadata Metadata = new(ProviderName);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var question = Prepare(messages, options);
        var answer = await chat.AskForAnswerAsync(question, cancellationToken).ConfigureAwait(false);
        var text = new TextContent(answer.Text) { Annotations = Annotations(answer.Citations, answer.Text) };
        var properties = Properties(answer.Grounded, answer.Suggestions, answer.OffersHandoff, answer.Citations);
        var messageId = answer.MessageId.ToString();
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, [text]) { MessageId = messageId, AdditionalProperties = properties })
        {
            ResponseId = messageId,
            ConversationId = answer.ConversationId.ToString(),
            FinishReason = ChatFinishReason.Stop,
            CreatedAt = DateTimeOffset.UtcNow,
            AdditionalProperties = properties,
            RawRepresentation = answer,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var question = Prepare(messages, options);
        string? conversationId = chat.ConversationId?.ToString();
        IReadOnlyList<Citation> citations = [];
        await foreach (var e in chat.AskAsync(question, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (e)
            {
                case AcceptedEvent accepted:
                    conversationId = accepted.ConversationId.ToString();
                    break;
                case DeltaEvent delta:
                    yield return new ChatResponseUpdate(ChatRole.Assistant, delta.Text) { ConversationId = conversationId, RawRepresentation = delta };
                    break;
                case AnswerRestartedEvent restarted:
                    citations = [];
                    yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null)
                    {
                        ConversationId = conversationId,
                        RawRepresentation = restarted,
                        AdditionalProperties = new() { [DongyangChatAdditionalProperties.AnswerRestarted] = true },
                    };
                    break;
                case CitationsEvent cited:
                    citations = cited.Citations;
                    break;
                case CompletedEvent done:
                    // The citations come after the text, so the last update carries them on an empty text, with the rest.
                    var messageId = done.MessageId.ToString();
                    yield return new ChatResponseUpdate(ChatRole.Assistant, citations.Count > 0 ? [new TextContent(string.Empty) { Annotations = Annotations(citations, text: null) }] : [])
                    {
                        ConversationId = done.ConversationId.ToString(),
                        ResponseId = messageId,
                        MessageId = messageId,
                        FinishReason = ChatFinishReason.Stop,
                        CreatedAt = DateTimeOffset.UtcNow,
                        AdditionalProperties = Properties(done.Grounded, done.Suggestions, done.OffersHandoff, citations),
                        RawRepresentation = done,
                    };
                    yield break;
                case ErrorEvent error:
                    throw new DongyangChatAnswerException(error);
            }
        }

        throw new DongyangChatAnswerException(new ErrorEvent(ChatErrorCodes.AnswerInterrupted, "The answer was interrupted. Please ask again."));
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(chat) ? chat
            : null;
    }

    /// <summary>The chat belongs to the caller, who disposes it.</summary>
    public void Dispose()
    {
    }

    /// <summary>The question to ask (the last user message), after switching to the conversation the options name.</summary>
    private string Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new ArgumentException("The messages hold no user message with text to ask.", nameof(messages));
        }

        if (options?.ConversationId is { Length: > 0 } id)
        {
            if (!Guid.TryParse(id, out var conversation))
            {
                throw new ArgumentException($"ChatOptions.ConversationId '{id}' is not a Dongyang Chat conversation id.", nameof(options));
            }

            if (chat.ConversationId != conversation)
            {
                chat.UseConversation(conversation);
            }
        }

        return question;
    }

    /// <summary>
    /// One <see cref="CitationAnnotation"/> per cited passage; with the answer <paramref name="text"/>, each marks where
    /// the text cites it (<c>[n]</c>).
    /// </summary>
    private static List<AIAnnotation> Annotations(IReadOnlyList<Citation> citations, string? text)
    {
        var annotations = new List<AIAnnotation>(citations.Count);
        foreach (var citation in citations)
        {
            var annotation = new CitationAnnotation
            {
                Title = citation.Title,
                Snippet = citation.Snippet,
                FileId = citation.DocumentId,
                RawRepresentation = citation,
                AdditionalProperties = new()
                {
                    ["index"] = citation.Index,
                    ["section"] = citation.Section,
                    ["page"] = citation.Page,
                },
            };
            if (text is not null)
            {
                var marker = string.Create(CultureInfo.InvariantCulture, $"[{citation.Index}]");
                var regions = new List<AnnotatedRegion>();
                for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
                {
                    regions.Add(new TextSpanAnnotatedRegion { StartIndex = at, EndIndex = at + marker.Length });
                }

                annotation.AnnotatedRegions = regions;
            }

            annotations.Add(annotation);
        }

        return annotations;
    }

    private static AdditionalPropertiesDictionary Properties(bool grounded, IReadOnlyList<string> suggestions, bool offersHandoff, IReadOnlyList<Citation> citations) => new()
    {
        [DongyangChatAdditionalProperties.Grounded] = grounded,
        [DongyangChatAdditionalProperties.Suggestions] = suggestions,
        [DongyangChatAdditionalProperties.OffersHandoff] = offersHandoff,
        [DongyangChatAdditionalProperties.Citations] = citations,
    };
}
