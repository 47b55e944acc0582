using Chatbot.Counselling;
using System.Runtime.CompilerServices;
using System.Text;
using Chatbot.Api.Limits;
using Chatbot.Api.Sites;
using Chatbot.Api.Telemetry;
using Chatbot.Data.Conversations;
using Chatbot.Data.Entities;
using Chatbot.Privacy;
using Chatbot.Rag.Answering;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Chat;

/// <summary>
/// One exchange: the question is validated, masked and stored before any answer starts; the answer is stored when it
/// completes, or marked interrupted when the client goes away. A resend with a known client id replays the stored answer.
/// </summary>
internal sealed partial class ChatService(
    ConversationStore store,
    IChatAnswerer answerer,
    PersonalDataMasker masker,
    ConversationAccess access,
    ConversationFeed feed,
    IOptions<RequestLimitOptions> limits,
    CounsellorLine counsellors,
    ILogger<ChatService> logger)
{
    /// <summary>Validates and stores the question. Throws <see cref="ChatRequestException"/> for a request that cannot be taken.</summary>
    public Task<ChatTurn> BeginAsync(ChatRequest? request, SiteCaller caller, CancellationToken cancellationToken) =>
        BeginAsync(request, caller, connectionId: null, cancellationToken);

    /// <summary>As <see cref="BeginAsync(ChatRequest?, SiteCaller, CancellationToken)"/>, for a hub connection, which is not sent its own question and answer again.</summary>
    public async Task<ChatTurn> BeginAsync(ChatRequest? request, SiteCaller caller, string? connectionId, CancellationToken cancellationToken)
    {
        var message = request?.Message is { } text ? ChatText.Clean(text)?.Trim() : null;
        if (request?.Message is not null && message is null)
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.InvalidText, "The message is not valid Unicode text.");
        }

        if (string.IsNullOrEmpty(message))
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.EmptyMessage, "The message is empty.");
        }

        if (message.Length > ChatLimits.MaxMessageLength)
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.MessageTooLong, $"The message is longer than {ChatLimits.MaxMessageLength} characters.");
        }

        var clientMessageId = request!.ClientMessageId?.Trim();
        if (clientMessageId is { Length: 0 })
        {
            clientMessageId = null;
        }

        if (clientMessageId is { Length: > ChatLimits.MaxClientMessageIdLength })
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.ClientMessageIdTooLong, $"The client message id is longer than {ChatLimits.MaxClientMessageIdLength} characters.");
        }

        if (clientMessageId is not null && !ChatText.IsValidClientMessageId(clientMessageId))
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.InvalidClientMessageId, "The client message id must be printable ASCII without spaces.");
        }

        var pageContext = request.Context is { } given ? PageContext(given) : null;
        var content = masker.Mask(message);
        var owner = caller.AsConversationCaller();

        // The caller's own namespace: the same id from another caller is another message, answered in its own conversation.
        var scope = ClientMessageScope.ForQuestion(owner, request.ConversationId);
        if (clientMessageId is not null && await store.FindQuestionAsync(scope, clientMessageId, cancellationToken) is { } earlier)
        {
            await EnsureReplayableAsync(earlier, content, request, owner, scope, cancellationToken);
            return new ChatTurn(earlier, await store.FindOrAwaitAnswerAsync(earlier, owner, cancellationToken)) { ConnectionId = connectionId };
        }

        if (request.ConversationId is { } conversationId)
        {
            if (!await access.CanAccessAsync(conversationId, owner, cancellationToken))
            {
                throw new ChatRequestException(StatusCodes.Status404NotFound, ChatErrorCodes.ConversationNotFound, $"Conversation {conversationId} does not exist.");
            }

            if (await access.CountMessagesAsync(conversationId, owner, cancellationToken) + 2 > limits.Value.MaxMessagesPerConversation)
            {
                throw new ChatRequestException(StatusCodes.Status409Conflict, ChatErrorCodes.ConversationFull, $"A conversation holds at most {limits.Value.MaxMessagesPerConversation} messages; start a new one.");
            }
        }

        var ownConversation = request.ConversationId ?? await access.StartAsync(owner, cancellationToken);
        if (pageContext is not null)
        {
            await store.SetContextAsync(ownConversation, owner, pageContext, cancellationToken);
        }

        var (question, stored) = await store.AddQuestionAsync(ownConversation, content, clientMessageId, scope, cancellationToken);
        if (stored)
        {
            ChatTelemetry.QuestionStored();
            await feed.PublishAsync(question, connectionId);
        }
        else
        {
            // A concurrent request with the same id in the same scope stored first: most likely this caller's resend.
            await EnsureReplayableAsync(question, content, request, owner, scope, cancellationToken);
        }

        return new ChatTurn(question, stored ? null : await store.FindOrAwaitAnswerAsync(question, owner, cancellationToken)) { ConnectionId = connectionId };
    }

    /// <summary>
    /// A question already stored under the request's client id (in the caller's scope) is replayed only when it is the
    /// same question, to a caller who may read its conversation, and only into the conversation the request names;
    /// otherwise the request gets a conflict and learns nothing. Both the replay of an earlier question and the loser
    /// of a concurrent insert come here. The scope keeps other tenants and other verified customers out; this check is
    /// the backstop. A first question sent without a session is in the site's shared scope, where nothing tells one
    /// token-less caller from another: it is never replayed there (a resend names its conversation, or gets the conflict).
    /// </summary>
    private async Task EnsureReplayableAsync(Message earlier, string content, ChatRequest request, ConversationCaller caller, ClientMessageScope scope, CancellationToken cancellationToken)
    {
        if (scope.SharedBySite
            || !ConversationStore.IsResendOf(earlier, MessageRole.User, content)
            || (request.ConversationId is { } resentTo && resentTo != earlier.ConversationId)
            || !await access.CanAccessAsync(earlier.ConversationId, caller, cancellationToken))
        {
            throw new ChatRequestException(StatusCodes.Status409Conflict, ChatErrorCodes.ClientMessageIdConflict, "This client message id was already used for another message.");
        }
    }

    /// <summary>The page context as it is stored: within <see cref="ChatLimits"/>, cleaned like a question, personal data masked.</summary>
    private Dictionary<string, string> PageContext(IReadOnlyDictionary<string, string> given)
    {
        if (given.Count > ChatLimits.MaxContextEntries)
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, ChatErrorCodes.InvalidContext, $"The page context has more than {ChatLimits.MaxContextEntries} entries.");
        }

        var cleaned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in given)
        {
            var name = ChatText.Clean(key ?? "")?.Trim();
            var text = ChatText.Clean(value ?? "")?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > ChatLimits.MaxContextKeyLength || text is null || text.Length > ChatLimits.MaxContextValueLength)
            {
                throw new ChatRequestException(
                    StatusCodes.Status400BadRequest,
                    ChatErrorCodes.InvalidContext,
                    $"Each page context entry needs a key of 1 to {ChatLimits.MaxContextKeyLength} and a value of at most {ChatLimits.MaxContextValueLength} characters of text.");
            }

            cleaned[masker.Mask(name)] = masker.Mask(text);
        }

        return cleaned;
    }

    /// <summary>Streams the answer to a stored question, storing it as it completes.</summary>
    public async IAsyncEnumerable<ChatStreamEvent> AnswerAsync(ChatTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var question = turn.Question;
        yield return new AcceptedEvent(question.ConversationId, question.Id);

        if (turn.StoredAnswer is { } stored)
        {
            yield return new DeltaEvent(stored.Content);
            yield return new CitationsEvent(ConversationStore.ReadCitations(stored));
            // A replayed answer offers a counsellor when it was not grounded (a decline, a lookup it cannot make).
            yield return new CompletedEvent(stored.ConversationId, stored.Id, stored.Grounded ?? false, ConversationStore.ReadSuggestions(stored)) { OffersHandoff = stored.Grounded == false };
            yield break;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var text = new StringBuilder();
        IReadOnlyList<Citation> citations = [];
        AnswerFinished? finished = null;
        Exception? engineFailure = null;
        await using var updates = answerer.AnswerAsync(question.Content, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                // An engine that fails (the AI service down or gone mid-answer) ends the answer with a message for the
                // customer, not a fault; the question stays stored and the partial answer is kept as interrupted.
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    engineFailure = e;
                    break;
                }

                switch (updates.Current)
                {
                    case AnswerDelta delta:
                        if (text.Length == 0)
                        {
                            ChatTelemetry.FirstToken(clock.Elapsed);
                        }

                        text.Append(delta.Text);
                        yield return new DeltaEvent(delta.Text);
                        break;
                    case AnswerCitations answerCitations:
                        citations = answerCitations.Citations;
                        yield return new CitationsEvent(citations);
                        break;
                    case AnswerFinished done:
                        finished = done;
                        break;
                }
            }
        }
        finally
        {
            if (finished is null)
            {
                // The client went away or the engine failed mid-answer: keep what was said, marked as such.
                await store.AddAnswerAsync(question, text.ToString(), MessageStatus.Interrupted, grounded: false, citations, [], CancellationToken.None);
                LogInterrupted(logger, question.ConversationId, text.Length);
                ChatTelemetry.AnswerEnded(engineFailure is null ? "interrupted" : "failed", clock.Elapsed);
            }
        }

        if (finished is null)
        {
            if (engineFailure is not null)
            {
                LogEngineFailed(logger, engineFailure, question.ConversationId);
                yield return new ErrorEvent(ChatErrorMessages.AnswerUnavailable, ChatErrorMessages.ForCode(ChatErrorMessages.AnswerUnavailable, counsellors));
            }

            yield break;
        }

        var answer = await store.AddAnswerAsync(question, text.ToString(), MessageStatus.Complete, finished.Grounded, citations, finished.Suggestions, CancellationToken.None);
        ChatTelemetry.AnswerEnded(finished.Grounded ? "answered" : "declined", clock.Elapsed);
        await feed.PublishAsync(answer, turn.ConnectionId);
        yield return new CompletedEvent(answer.ConversationId, answer.Id, finished.Grounded, finished.Suggestions) { OffersHandoff = finished.OffersHandoff };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The answering engine failed in conversation {ConversationId}")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer in conversation {ConversationId} was interrupted after {Characters} characters")]
    private static partial void LogInterrupted(ILogger logger, Guid conversationId, int characters);
}

/// <summary>A stored question, and its stored answer when this is a resend of an answered question.</summary>
internal sealed record ChatTurn(Message Question, Message? StoredAnswer)
{
    /// <summary>The hub connection that asked, if any; watchers of the conversation get the answer, it does not.</summary>
    public string? ConnectionId { get; init; }
}
