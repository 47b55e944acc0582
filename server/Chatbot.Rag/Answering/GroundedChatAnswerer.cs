using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Chatbot.Privacy;
using Chatbot.Rag.Diagnostics;
using Chatbot.Rag.Llm;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Answering;

/// <summary>
/// Answers with a language model over <see cref="IChatClient"/>, grounded in the retrieved passages: the model sees
/// numbered sources and the masked question, its inline markers become structured citations, and its follow-up block
/// becomes suggestions. The model's answer is read whole and checked before any of it is shown: NOT_IN_SOURCES becomes
/// a decline with a handoff offer, and an answer citing an unknown source, citing nothing or stating a figure its cited
/// sources do not hold is replaced by <see cref="ExtractiveAnswerer"/>'s answer on the same retrieval, as is any model
/// error or timeout, so the customer always gets a whole answer. Retrieval below the model floor, or a topic the
/// documents never name, declines without calling the model. Personal-verdict questions get the rule and a referral, never a verdict,
/// and every grounded answer ends with the note that the 약관 govern.
/// </summary>
public sealed partial class GroundedChatAnswerer : IChatAnswerer
{
    /// <summary>The most passages sent to the model as sources.</summary>
    public const int MaxSources = 6;

    private readonly KnowledgeRetriever _retriever;
    private readonly ExtractiveAnswerer _fallback;
    private readonly IChatClient _chatClient;
    private readonly PersonalDataMasker _masker;
    private readonly OpenAiOptions _options;
    private readonly RagOptions _ragOptions;
    private readonly ILogger<GroundedChatAnswerer> _logger;
    private readonly CustomerTexts _texts;

    public GroundedChatAnswerer(
        KnowledgeRetriever retriever,
        ExtractiveAnswerer fallback,
        IChatClient chatClient,
        PersonalDataMasker masker,
        IOptions<OpenAiOptions> options,
        IOptions<RagOptions>? ragOptions = null,
        ILogger<GroundedChatAnswerer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(fallback);
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(masker);
        ArgumentNullException.ThrowIfNull(options);
        _retriever = retriever;
        _fallback = fallback;
        _chatClient = chatClient;
        _masker = masker;
        _options = options.Value;
        _ragOptions = ragOptions?.Value ?? new RagOptions();
        _logger = logger ?? NullLogger<GroundedChatAnswerer>.Instance;
        _texts = fallback.Texts;
    }

    public async IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);

        // The caller masks already; masking again costs little and keeps this class safe on its own.
        var masked = _masker.Mask(question);
        var language = CustomerTexts.LanguageOf(masked);
        if (_fallback.ReplyWithoutDocuments(masked) is { } reply)
        {
            foreach (var update in Updates(reply))
            {
                yield return update;
            }

            yield break;
        }

        var (retrieval, retrievalFailure) = await RetrieveAsync(masked, cancellationToken);
        if (retrieval is null)
        {
            // With the model's embeddings, the index cannot be searched while the model's server is unreachable.
            LogRetrievalFailed(_logger, retrievalFailure!, masked);
            yield return new AnswerDelta(_texts.Unavailable(language));
            yield return new AnswerCitations([]);
            yield return new AnswerFinished(false, []) { OffersHandoff = true };
            yield break;
        }

        if (!ReachesModel(retrieval))
        {
            // Plain noise, or a topic the documents never name: nothing for the model to ground an answer in.
            foreach (var update in Updates(Decline(retrieval)))
            {
                yield return update;
            }

            yield break;
        }

        var sources = SelectSources(retrieval);
        var personal = ExtractiveAnswerer.IsPersonalVerdictQuestion(masked);
        var writer = new CitedAnswerWriter(sources);
        var messages = GroundedPrompt.Messages(sources, masked, personal, _texts.CounsellorPhone, _texts.CounsellorHours(language));
        var chatOptions = new ChatOptions { Temperature = _options.Temperature, MaxOutputTokens = _options.MaxOutputTokens };
        var clock = Stopwatch.StartNew();
        var (shown, modelText, failure) = await ReadModelAsync(writer, messages, chatOptions, cancellationToken);
        if (failure is not null)
        {
            LogFallback(_logger, failure.Description, clock.ElapsedMilliseconds, modelText.Length, masked);
            RagTelemetry.RecordModelFallback(failure.Reason);
            foreach (var update in Updates(await _fallback.ComposeAsync(retrieval, cancellationToken)))
            {
                yield return update;
            }

            yield break;
        }

        LogAnswered(_logger, clock.ElapsedMilliseconds, modelText.Length, writer.CitedCount);

        // The answer is checked whole before the customer sees any of it, so a failed check replaces it cleanly.
        if (modelText.Contains(GroundedPrompt.NotInSources, StringComparison.Ordinal))
        {
            LogNotInSources(_logger, sources.Count);
            foreach (var update in Updates(Decline(retrieval)))
            {
                yield return update;
            }

            yield break;
        }

        var problem = GroundingProblem(writer);
        if (problem is not null)
        {
            LogUngrounded(_logger, problem);
            RagTelemetry.RecordModelFallback("ungrounded");
            foreach (var update in Updates(await _fallback.ComposeAsync(retrieval, cancellationToken)))
            {
                yield return update;
            }

            yield break;
        }

        if (personal)
        {
            yield return new AnswerDelta(CustomerTexts.PersonalPrefix(language));
        }

        foreach (var piece in shown)
        {
            yield return new AnswerDelta(piece);
        }

        if (personal)
        {
            yield return new AnswerDelta(writer.AppendPlain(_texts.PersonalCounsellor(language)));
        }

        yield return new AnswerDelta(writer.AppendPlain($"\n\n{CustomerTexts.Disclaimer(language)}"));
        yield return new AnswerCitations(writer.Citations);
        yield return new AnswerFinished(true, writer.Suggestions);
    }

    /// <summary>
    /// Why the model's answer cannot be shown, or null when it is grounded: it must cite at least one source, only
    /// sources it was given, and every amount, percentage, period and date it states must be written in a source it cites.
    /// </summary>
    internal static string? GroundingProblem(CitedAnswerWriter writer)
    {
        if (writer.UnknownSourceNumbers.Count > 0)
        {
            return $"it cited source number(s) {string.Join(", ", writer.UnknownSourceNumbers)} that it was not given";
        }

        if (writer.CitedCount == 0)
        {
            return "it cited no source";
        }

        var unsupported = SourceFigures.Unsupported(writer.Text, writer.CitedPassages);
        return unsupported.Count > 0 ? $"{unsupported.Count} figure(s) are in none of its cited sources" : null;
    }

    /// <summary>Whether the model is asked at all: something was found above plain noise, on a topic the documents name.</summary>
    private bool ReachesModel(RetrievalResult retrieval) =>
        retrieval.Passages.Count > 0 && retrieval.UncoveredTopic is null && retrieval.Confidence >= _ragOptions.ModelRelevanceFloor;

    private ComposedAnswer Decline(RetrievalResult retrieval) =>
        new([_texts.Decline(CustomerTexts.LanguageOf(retrieval.Question))], [], false, [], retrieval) { OffersHandoff = true };

    private static IEnumerable<AnswerUpdate> Updates(ComposedAnswer answer)
    {
        foreach (var piece in answer.Pieces)
        {
            yield return new AnswerDelta(piece);
        }

        yield return new AnswerCitations(answer.Citations);
        yield return new AnswerFinished(answer.Grounded, answer.Suggestions) { OffersHandoff = answer.OffersHandoff };
    }

    /// <summary>Reads the model's whole answer through the writer; the failure, if any, says why it stopped.</summary>
    private async Task<(List<string> Shown, string ModelText, ModelFailure? Failure)> ReadModelAsync(
        CitedAnswerWriter writer, List<ChatMessage> messages, ChatOptions chatOptions, CancellationToken cancellationToken)
    {
        var shown = new List<string>();
        var modelText = new System.Text.StringBuilder();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.FirstTokenTimeoutSeconds));
        var updates = _chatClient.GetStreamingResponseAsync(messages, chatOptions, timeout.Token).GetAsyncEnumerator(timeout.Token);
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (shown, modelText.ToString(), new ModelFailure("timeout", modelText.Length == 0 ? "no first token in time" : "the stream stalled"));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return (shown, modelText.ToString(), new ModelFailure("model_error", Describe(e)));
                }

                var text = updates.Current.Text;
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                modelText.Append(text);
                timeout.CancelAfter(TimeSpan.FromSeconds(_options.StreamIdleTimeoutSeconds));
                if (writer.Feed(text) is { Length: > 0 } piece)
                {
                    shown.Add(piece);
                }
            }
        }
        finally
        {
            await DisposeQuietlyAsync(updates);
        }

        if (writer.Complete() is { Length: > 0 } rest)
        {
            shown.Add(rest);
        }

        return (shown, modelText.ToString(), null);
    }

    private async Task<(RetrievalResult? Retrieval, string? Failure)> RetrieveAsync(string masked, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.FirstTokenTimeoutSeconds));
        try
        {
            return (await _retriever.RetrieveAsync(PromptInjectionDetector.QuestionForRetrieval(masked), timeout.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "embedding timed out");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.ClientModel.ClientResultException or InvalidOperationException)
        {
            return (null, Describe(e));
        }
    }

    /// <summary>The passages the model sees: the confident ones, best first.</summary>
    internal static List<RetrievedPassage> SelectSources(RetrievalResult retrieval) => retrieval.Passages
        .Where(p => p.Relevance >= retrieval.Confidence * 0.5)
        .Take(MaxSources)
        .ToList();

    /// <summary>True for a question written in English rather than Korean.</summary>
    internal static bool IsEnglish(string question) =>
        !question.Any(Text.KoreanText.IsHangulSyllable) && question.Count(char.IsAsciiLetter) >= 3;

    /// <summary>The extractive answer numbers its own citations; each number is mapped back to its passage.</summary>
    private static Dictionary<int, RetrievedPassage> MapMarkers(ComposedAnswer answer, RetrievalResult retrieval)
    {
        var map = new Dictionary<int, RetrievedPassage>();
        foreach (var citation in answer.Citations)
        {
            var passage = retrieval.Passages.FirstOrDefault(p =>
                p.Chunk.DocumentId == citation.DocumentId
                && (string.IsNullOrEmpty(p.Chunk.Section) ? null : p.Chunk.Section) == citation.Section
                && p.Chunk.Page == citation.Page
                && (citation.Snippet.Length == 0 || p.Chunk.Text.Contains(citation.Snippet.Trim('…').Split('\n')[0], StringComparison.Ordinal)))
                ?? retrieval.Passages.FirstOrDefault(p => p.Chunk.DocumentId == citation.DocumentId && p.Chunk.Page == citation.Page);
            if (passage is not null)
            {
                map[citation.Index] = passage;
            }
        }

        return map;
    }

    /// <summary>What went wrong, for the log: the kind of failure and the status, never a message that may echo the request.</summary>
    /// <summary>Why the model's stream was abandoned: <see cref="Reason"/> is a fixed word for the metric, <see cref="Description"/> is for the log.</summary>
    private sealed record ModelFailure(string Reason, string Description);

    private static string Describe(Exception e) => e is System.ClientModel.ClientResultException result
        ? $"{e.GetType().Name} (HTTP {result.Status})"
        : e.GetType().Name;

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            await updates.DisposeAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or System.ClientModel.ClientResultException)
        {
            // The stream already failed and that failure is handled; closing it cannot add anything.
        }
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex CitationMarker();

    [LoggerMessage(Level = LogLevel.Information, Message = "Model answered in {Milliseconds} ms: {Characters} characters, {Cited} sources cited")]
    private static partial void LogAnswered(ILogger logger, long milliseconds, int characters, int cited);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model answer replaced by the extractive one: {Problem}")]
    private static partial void LogUngrounded(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model found no answer in its {Sources} sources; declined")]
    private static partial void LogNotInSources(ILogger logger, int sources);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrieval failed ({Reason}); the customer was referred to the counsellor line. Question (masked): {MaskedQuestion}")]
    private static partial void LogRetrievalFailed(ILogger logger, string reason, string maskedQuestion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model answer failed ({Reason}) after {Milliseconds} ms and {Characters} characters; answered extractively. Question (masked): {MaskedQuestion}")]
    private static partial void LogFallback(ILogger logger, string reason, long milliseconds, int characters, string maskedQuestion);
}
