using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Chatbot.Privacy;
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
/// becomes suggestions. Deltas are streamed as the model streams them. Low retrieval confidence declines without
/// calling the model; a model error or timeout falls back to <see cref="ExtractiveAnswerer"/> on the same retrieval,
/// so the customer always gets an answer. Personal-verdict questions get the rule and a referral, never a verdict,
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
    }

    public async IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);

        // The caller masks already; masking again costs little and keeps this class safe on its own.
        var masked = _masker.Mask(question);
        var english = IsEnglish(masked);
        var (retrieval, retrievalFailure) = await RetrieveAsync(masked, cancellationToken);
        if (retrieval is null)
        {
            // With the model's embeddings, the index cannot be searched while the model's server is unreachable.
            LogRetrievalFailed(_logger, retrievalFailure!, masked);
            yield return new AnswerDelta(english ? EnglishUnavailable() : KoreanUnavailable());
            yield return new AnswerCitations([]);
            yield return new AnswerFinished(false, []);
            yield break;
        }

        if (!retrieval.IsConfident)
        {
            // Never a guess: the model is not asked when the documents do not cover the question.
            var decline = english ? EnglishDecline() : (await _fallback.ComposeAsync(retrieval, cancellationToken)).Text;
            yield return new AnswerDelta(decline);
            yield return new AnswerCitations([]);
            yield return new AnswerFinished(false, []);
            yield break;
        }

        var sources = SelectSources(retrieval);
        var personal = ExtractiveAnswerer.IsPersonalVerdictQuestion(masked);
        var writer = new CitedAnswerWriter(sources);

        var messages = GroundedPrompt.Messages(sources, masked, personal, _ragOptions.CounsellorPhone, _ragOptions.CounsellorHours);
        var chatOptions = new ChatOptions { Temperature = _options.Temperature, MaxOutputTokens = _options.MaxOutputTokens };
        var clock = Stopwatch.StartNew();
        var modelText = 0;
        string? failure = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.FirstTokenTimeoutSeconds));
            var updates = _chatClient.GetStreamingResponseAsync(messages, chatOptions, timeout.Token).GetAsyncEnumerator(timeout.Token);
            try
            {
                while (true)
                {
                    string? text;
                    try
                    {
                        if (!await updates.MoveNextAsync())
                        {
                            break;
                        }

                        text = updates.Current.Text;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        failure = modelText == 0 ? "no first token in time" : "the stream stalled";
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failure = Describe(e);
                        break;
                    }

                    if (string.IsNullOrEmpty(text))
                    {
                        continue;
                    }

                    modelText += text.Length;
                    timeout.CancelAfter(TimeSpan.FromSeconds(_options.StreamIdleTimeoutSeconds));
                    var shown = writer.Feed(text);
                    if (shown.Length > 0)
                    {
                        if (personal && writer.Text.Length == shown.Length)
                        {
                            // Shown only once the model speaks, so a failure before that leaves the fallback's own.
                            yield return new AnswerDelta(english ? EnglishPersonalPrefix : KoreanPersonalPrefix);
                        }

                        yield return new AnswerDelta(shown);
                    }
                }
            }
            finally
            {
                await DisposeQuietlyAsync(updates);
            }
        }

        bool grounded;
        IReadOnlyList<string> suggestions;
        if (failure is null)
        {
            var rest = writer.Complete();
            if (rest.Length > 0)
            {
                yield return new AnswerDelta(rest);
            }

            LogAnswered(_logger, clock.ElapsedMilliseconds, modelText, writer.CitedCount);
            grounded = writer.CitedCount > 0;
            suggestions = writer.Suggestions;
            var unsupported = SourceFigures.Unsupported(writer.Text, sources);
            if (grounded && unsupported.Count > 0)
            {
                LogUnsupportedFigures(_logger, unsupported.Count);
                yield return new AnswerDelta(writer.AppendPlain(english ? EnglishUnsupported(unsupported) : KoreanUnsupported(unsupported)));
            }

            if (!grounded)
            {
                // An answer that cites nothing is not grounded (it may be a refusal, or a model led astray): say so.
                yield return new AnswerDelta(writer.AppendPlain(english ? EnglishUngrounded() : KoreanUngrounded()));
            }
        }
        else
        {
            LogFallback(_logger, failure, clock.ElapsedMilliseconds, modelText, masked);
            var fallback = await _fallback.ComposeAsync(retrieval, cancellationToken);
            if (writer.Text.Length == 0)
            {
                // Nothing was shown yet: the customer gets exactly the offline answer.
                foreach (var piece in fallback.Pieces)
                {
                    yield return new AnswerDelta(piece);
                }

                yield return new AnswerCitations(fallback.Citations);
                yield return new AnswerFinished(fallback.Grounded, fallback.Suggestions);
                yield break;
            }

            // Part of the model's answer is already on screen: the quoted sentences follow it, numbered on from its citations.
            yield return new AnswerDelta(writer.AppendPlain(english ? EnglishInterrupted : KoreanInterrupted));
            var markers = MapMarkers(fallback, retrieval);
            var quoted = fallback.Pieces.Where(p => CitationMarker().IsMatch(p)).ToList();
            for (var i = 0; i < quoted.Count; i++)
            {
                yield return new AnswerDelta(writer.AppendNumbered(i == 0 ? quoted[i].TrimStart() : quoted[i], markers));
            }

            grounded = fallback.Grounded || writer.CitedCount > 0;
            suggestions = fallback.Suggestions;
        }

        if (personal)
        {
            yield return new AnswerDelta(writer.AppendPlain(english ? EnglishPersonalCounsellor() : KoreanPersonalCounsellor()));
        }

        if (grounded)
        {
            yield return new AnswerDelta(writer.AppendPlain($"\n\n{(english ? EnglishDisclaimer : ExtractiveAnswerer.Disclaimer)}"));
        }

        yield return new AnswerCitations(writer.Citations);
        yield return new AnswerFinished(grounded, suggestions);
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

    private const string KoreanPersonalPrefix = "고객님의 계약에 보험금이 지급되는지는 가입하신 상품과 심사 결과에 따라 달라, 여기서 확정해 드릴 수는 없습니다. 안내 문서의 관련 기준은 다음과 같습니다.\n";
    private const string EnglishPersonalPrefix = "Whether your own claim will be paid depends on your policy and its assessment, so I cannot confirm it here. The general rule in our documents is as follows.\n";
    private const string KoreanInterrupted = "\n\n(답변 생성이 중단되어, 안내 문서의 관련 내용을 그대로 옮겨 드립니다.)\n";
    private const string EnglishInterrupted = "\n\n(The answer was interrupted; here is the relevant text of our documents.)\n";
    private const string EnglishDisclaimer = "※ The terms and conditions (약관) of your policy govern the exact coverage and payment criteria.";

    private string KoreanPersonalCounsellor() => $"\n\n정확한 지급 여부는 상담사({_ragOptions.CounsellorPhone}, {_ragOptions.CounsellorHours})에게 확인해 주세요.";

    private string EnglishPersonalCounsellor() => $"\n\nA counsellor can confirm your own case: {_ragOptions.CounsellorPhone} ({_ragOptions.CounsellorHours}).";

    private string KoreanUngrounded() => $"\n\n안내 문서에서 근거를 확인하지 못했습니다. 정확한 안내는 고객센터 상담사({_ragOptions.CounsellorPhone}, {_ragOptions.CounsellorHours})에게 문의해 주세요.";

    private string EnglishUngrounded() => $"\n\nI could not confirm this in our documents. Please ask a counsellor: {_ragOptions.CounsellorPhone} ({_ragOptions.CounsellorHours}).";

    private string KoreanUnavailable() => $"죄송합니다. 지금은 안내 문서를 검색할 수 없어 답변을 드리기 어렵습니다. 잠시 후 다시 시도하시거나 고객센터 상담사({_ragOptions.CounsellorPhone}, {_ragOptions.CounsellorHours})에게 문의해 주세요.";

    private string EnglishUnavailable() => $"Sorry, I cannot search our documents right now. Please try again shortly or ask a counsellor: {_ragOptions.CounsellorPhone} ({_ragOptions.CounsellorHours}).";

    private static string KoreanUnsupported(IReadOnlyList<string> figures) =>
        $"\n\n※ 답변의 수치 중 {string.Join(", ", figures)}은(는) 안내 문서에서 확인되지 않았습니다. 인용된 문서의 내용을 기준으로 확인해 주세요.";

    private static string EnglishUnsupported(IReadOnlyList<string> figures) =>
        $"\n\n※ The figure(s) {string.Join(", ", figures)} could not be found in our documents; please rely on the cited text.";

    private string EnglishDecline() => $"Sorry, I cannot find this in the documents I rely on. Please ask a counsellor: {_ragOptions.CounsellorPhone} ({_ragOptions.CounsellorHours}).";

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex CitationMarker();

    [LoggerMessage(Level = LogLevel.Information, Message = "Model answered in {Milliseconds} ms: {Characters} characters, {Cited} sources cited")]
    private static partial void LogAnswered(ILogger logger, long milliseconds, int characters, int cited);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model answer stated {Count} figure(s) not found in its sources; the customer was told")]
    private static partial void LogUnsupportedFigures(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrieval failed ({Reason}); the customer was referred to the counsellor line. Question (masked): {MaskedQuestion}")]
    private static partial void LogRetrievalFailed(ILogger logger, string reason, string maskedQuestion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model answer failed ({Reason}) after {Milliseconds} ms and {Characters} characters; answered extractively. Question (masked): {MaskedQuestion}")]
    private static partial void LogFallback(ILogger logger, string reason, long milliseconds, int characters, string maskedQuestion);
}
