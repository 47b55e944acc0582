using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.Safety;
using Chatbot.Rag.Text;
using Chatbot.Rag.VectorStores;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Answering;

/// <summary>A complete answer, as <see cref="ExtractiveAnswerer"/> composes it before streaming.</summary>
/// <param name="Pieces">The answer text in streaming order; concatenated they form the answer.</param>
/// <param name="Citations">The cited passages, numbered as in the text.</param>
/// <param name="Grounded">True when the answer quotes the knowledge base; false when the bot declined.</param>
/// <param name="Suggestions">Follow-up questions.</param>
/// <param name="Retrieval">The retrieval the answer was built from, for diagnostics.</param>
public sealed record ComposedAnswer(
    IReadOnlyList<string> Pieces,
    IReadOnlyList<Citation> Citations,
    bool Grounded,
    IReadOnlyList<string> Suggestions,
    RetrievalResult Retrieval)
{
    /// <summary>The whole answer text.</summary>
    public string Text => string.Concat(Pieces);

    /// <summary>True when the answer offers a human counsellor (declines, a request for a person).</summary>
    public bool OffersHandoff { get; init; }
}

/// <summary>
/// The offline answerer: it quotes the two to four sentences of the knowledge base that best answer the question,
/// verbatim (amounts and dates are never rewritten), each with a citation marker, adds a note that the 약관 govern,
/// and suggests follow-up questions from the cited document. When retrieval is not confident it declines and refers
/// the customer to the counsellor line.
/// </summary>
public sealed partial class ExtractiveAnswerer : IChatAnswerer
{
    /// <summary>The note that ends every grounded Korean answer.</summary>
    public const string Disclaimer = "※ 정확한 보장 내용과 지급 기준은 가입하신 상품의 약관이 우선합니다.";

    // A FAQ entry whose question matches this well is answered with its own answer text, whole.
    private const double FaqMatch = 0.6;
    private const int MaxFaqSentences = 6;

    // Another sentence joins an answer led by a list item only when it scores at least this share of the item.
    private const double SameListFloor = 0.9;

    // A lead-in selected alone brings its list when the list has at most this many items.
    private const int MaxListItems = 8;

    // A sentence whose figures are all in a quoted sentence repeats it when this share of its tokens are there too.
    private const double RepeatedFactShare = 0.5;

    private const int SnippetLength = 300;
    private const int MaxPassagesToQuote = 4;

    private readonly KnowledgeRetriever _retriever;
    private readonly IDocumentChunkStore? _documents;
    private readonly RagOptions _options;
    private readonly CustomerTexts _texts;

    // Sentences, vectors and tokens of recently quoted chunks; a few hundred chunks answer most questions.
    private readonly ChunkVersionCache<List<ReadSentence>> _sentences = new(1024);

    public ExtractiveAnswerer(KnowledgeRetriever retriever, IDocumentChunkStore? documents = null, IOptions<RagOptions>? options = null, CustomerTexts? texts = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        _retriever = retriever;
        _documents = documents;
        _options = options?.Value ?? new RagOptions();
        _texts = texts ?? CustomerTexts.Default;
    }

    /// <summary>The customer texts this answerer uses.</summary>
    public CustomerTexts Texts => _texts;

    public async IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var answer = await ComposeAsync(question, cancellationToken);
        foreach (var piece in answer.Pieces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new AnswerDelta(piece);
        }

        yield return new AnswerCitations(answer.Citations);
        yield return new AnswerFinished(answer.Grounded, answer.Suggestions) { OffersHandoff = answer.OffersHandoff };
    }

    /// <summary>
    /// The reply to a message that needs no documents (<see cref="ConversationIntents"/>), or null for a question.
    /// Shared with the model answerer, so both modes greet, hand off and refuse lookups alike.
    /// </summary>
    public ComposedAnswer? ReplyWithoutDocuments(string question, RetrievalResult? retrieval = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        var language = CustomerTexts.LanguageOf(question);
        var (text, handoff) = ConversationIntents.Classify(question) switch
        {
            ConversationIntent.HumanRequest => (_texts.HumanRequest(language), true),
            ConversationIntent.PersonalLookup => (_texts.PersonalLookup(language), true),
            ConversationIntent.Greeting => (CustomerTexts.Greeting(language), false),
            ConversationIntent.Thanks => (CustomerTexts.Thanks(language), false),
            ConversationIntent.Capabilities => (_texts.Capabilities(language), false),
            _ => ((string?)null, false),
        };
        return text is null
            ? null
            : new ComposedAnswer([text], [], false, [], retrieval ?? new RetrievalResult(question, "", [], [], ReadOnlyMemory<float>.Empty, [], 0, false)) { OffersHandoff = handoff };
    }

    /// <summary>Builds the whole answer without streaming it.</summary>
    public async Task<ComposedAnswer> ComposeAsync(string question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (ReplyWithoutDocuments(question) is { } reply)
        {
            return reply;
        }

        var retrieval = await _retriever.RetrieveAsync(PromptInjectionDetector.QuestionForRetrieval(question), cancellationToken);
        return await ComposeAsync(retrieval, cancellationToken);
    }

    /// <summary>Builds the whole answer from a retrieval already made (the LLM answerer's fallback reuses its retrieval).</summary>
    public async Task<ComposedAnswer> ComposeAsync(RetrievalResult retrieval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retrieval);
        var question = retrieval.Question;
        if (!retrieval.IsConfident)
        {
            return Decline(retrieval);
        }

        var candidates = await ScoreSentencesAsync(retrieval, cancellationToken);
        var selected = FaqAnswer(candidates, retrieval) ?? WithContext(Select(candidates), candidates);
        if (selected.Count == 0)
        {
            return Decline(retrieval);
        }

        // Citations are numbered in the order their passages are first quoted.
        var citedPassages = new List<RetrievedPassage>();
        foreach (var sentence in selected)
        {
            if (!citedPassages.Contains(sentence.Passage))
            {
                citedPassages.Add(sentence.Passage);
            }
        }

        var pieces = new List<string>();
        var language = CustomerTexts.LanguageOf(question);
        var personal = IsPersonalVerdictQuestion(question);
        if (personal)
        {
            pieces.Add(CustomerTexts.PersonalPrefix(language));
        }
        else if (language == Counselling.CustomerLanguage.English)
        {
            pieces.Add(CustomerTexts.EnglishQuotesIntro);
        }

        for (var i = 0; i < selected.Count; i++)
        {
            var sentence = selected[i];
            var marker = citedPassages.IndexOf(sentence.Passage) + 1;
            var separator = i == 0 ? "" : sentence.IsLine || selected[i - 1].IsLine ? "\n" : " ";

            // A lead-in or table header is shown once, before the first item or row it introduces; it carries no marker
            // of its own, the item's marker covers both.
            var nextSharesSource = i + 1 < selected.Count && selected[i + 1].Passage == sentence.Passage && selected[i + 1].IsLine;
            var text = Display(sentence.Text);
            pieces.Add(sentence.IsContext && nextSharesSource ? $"{separator}{text}" : $"{separator}{text} [{marker}]");
        }

        if (personal)
        {
            pieces.Add(_texts.PersonalCounsellor(language));
        }

        pieces.Add($"\n\n{CustomerTexts.Disclaimer(language)}");

        var citations = citedPassages
            .Select((passage, i) => new Citation(
                i + 1,
                passage.Chunk.DocumentId,
                passage.Chunk.DocumentTitle,
                string.IsNullOrEmpty(passage.Chunk.Section) ? null : passage.Chunk.Section,
                passage.Chunk.Page,
                Snippet(PromptInjectionDetector.RemoveInjections(passage.Chunk.Text), selected.Where(s => s.Passage == passage).Select(s => s.Text).First())))
            .ToList();

        var suggestions = await SuggestAsync(retrieval, citedPassages, cancellationToken);
        return new ComposedAnswer(pieces, citations, true, suggestions, retrieval);
    }

    /// <summary>True for questions that ask for a verdict on the customer's own case rather than the rule.</summary>
    /// <remarks>
    /// Three things must hold: the question is about a payment (보험금, 진단금, 보상, 지급 …; a service such as a loan or a
    /// reissue is not, even from 실비), it asks whether that payment is made (받을 수 있나요, 나오나요, 지급되나요 …), and it
    /// is about the customer's own case: a person (제, 제가, 아버지 …) or an event that happened ("사고가 났어요",
    /// "진단받았는데"). "종신보험은 병으로 사망해도 사망보험금 나오나요?" asks for the rule and gets no preface.
    /// </remarks>
    public static bool IsPersonalVerdictQuestion(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var text = KoreanText.Normalize(question);
        var payment = BenefitWord().IsMatch(text) || (PaymentWord().IsMatch(text) && !ServiceWord().IsMatch(text));
        return payment
            && (PersonalVerdict().IsMatch(text) || VerdictVerb().IsMatch(text))
            && (FirstPerson().IsMatch(text) || PersonalEvent().IsMatch(text));
    }

    private ComposedAnswer Decline(RetrievalResult retrieval) =>
        new([_texts.Decline(CustomerTexts.LanguageOf(retrieval.Question))], [], false, [], retrieval) { OffersHandoff = true };

    private async Task<List<CandidateSentence>> ScoreSentencesAsync(RetrievalResult retrieval, CancellationToken cancellationToken)
    {
        var passages = retrieval.Passages
            .Where(p => p.Relevance >= retrieval.Confidence * 0.6)
            .Take(MaxPassagesToQuote)
            .ToList();
        var topDocument = passages[0].Chunk.DocumentId;
        var definitionTerms = DefinitionQuestion().IsMatch(KoreanText.Normalize(retrieval.Question))
            ? KoreanText.NormalizeQuery(retrieval.Question).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [];
        var asks = AskedFor(retrieval.Question);
        var candidates = new List<CandidateSentence>();
        for (var rank = 0; rank < passages.Count; rank++)
        {
            var passage = passages[rank];
            var sectionOverlap = Overlap(retrieval, $"{passage.Chunk.DocumentTitle}\n{passage.Chunk.Section}");
            var position = 0;
            var preamble = !passage.Chunk.Section.Contains(" > ", StringComparison.Ordinal);
            foreach (var (source, vector, tokens) in await SentencesAsync(passage.Chunk, cancellationToken))
            {
                var (text, isRow, context) = (source.Text, source.IsRow, source.Context);
                var similarity = KnowledgeRetriever.Cosine(retrieval.QueryVector.Span, vector.Span);
                var score = (0.55 * KnowledgeRetriever.WeightedCoverage(retrieval.QueryTokens, retrieval.QueryTokenWeights, tokens))
                    + (0.2 * sectionOverlap)
                    + (0.25 * Math.Max(similarity, 0))
                    + (passage.Chunk.DocumentId == topDocument ? 0.1 : 0)
                    + (0.05 * (passages.Count - rank) / passages.Count)
                    - (isRow ? 0.1 : 0)

                    // A list item is shown with its lead-in, so it is not a fragment then.
                    - (context is null && IsFragment(text) ? 0.15 : 0)
                    - (ContinuesAnother(text) ? 0.1 : 0)
                    + (Defines(text, definitionTerms) ? 0.2 : 0)
                    + (asks is { } asked && asked.IsMatch(text) ? 0.15 : 0)
                    - (preamble ? 0.1 : 0);
                candidates.Add(new CandidateSentence(text, isRow, passage, rank, position++, score)
                {
                    Tokens = tokens,
                    Context = context,
                    Conclusion = source.Conclusion,
                    ListId = source.ListId,
                    IntroducesListId = source.IntroducesListId,
                });
            }
        }

        return candidates;
    }

    private List<CandidateSentence> Select(List<CandidateSentence> candidates)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        var ordered = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Rank).ThenBy(c => c.Position).ToList();
        var best = ordered[0];
        var topDocument = best.Passage.Chunk.DocumentId;
        var selected = new List<CandidateSentence> { best };
        foreach (var candidate in ordered.Skip(1))
        {
            if (selected.Count >= _options.MaxAnswerSentences)
            {
                break;
            }

            // When the best sentence is a list item or table row, the answer is that list: another sentence joins only when
            // it scores nearly as well, so the item is not buried under loosely related rules.
            // A table row is one fact, so another row of the same table joins only on the same terms.
            var floor = best.ListId != 0 && (!SameList(best, candidate) || candidate.IsRow) ? SameListFloor
                : candidate.Passage.Chunk.DocumentId == topDocument ? 0.7 : 0.85;
            if (candidate.Score < best.Score * floor)
            {
                continue;
            }

            if (selected.Any(s => s.Text == candidate.Text || Similar(s, candidate) || RepeatsFact(s, candidate)))
            {
                continue;
            }

            selected.Add(candidate);
        }

        // Read in document order within each passage, passages in rank order.
        return selected.OrderBy(s => s.Rank).ThenBy(s => s.Position).ToList();
    }

    private async Task<IReadOnlyList<string>> SuggestAsync(RetrievalResult retrieval, List<RetrievedPassage> cited, CancellationToken cancellationToken)
    {
        if (_documents is null)
        {
            return [];
        }

        var usedSections = cited.Select(p => p.Chunk.Section).ToHashSet(StringComparer.Ordinal);
        var suggestions = new List<string>();
        var documentIds = cited.Select(p => p.Chunk.DocumentId)
            .Concat(retrieval.Passages.Select(p => p.Chunk.DocumentId))
            .Distinct(StringComparer.Ordinal)
            .Take(2);
        foreach (var documentId in documentIds)
        {
            var chunks = await _documents.GetDocumentChunksAsync(documentId, cancellationToken);
            var sections = chunks.Select(c => c.Section).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();

            // FAQ questions first: they are phrased the way customers ask. Only the first three are ever shown.
            foreach (var section in sections.Where(s => !usedSections.Contains(s)).TakeWhile(_ => suggestions.Count < 3))
            {
                var question = FaqQuestion(section);
                if (question is not null && Overlap(retrieval, question) < 0.7 && !suggestions.Contains(question))
                {
                    suggestions.Add(question);
                }
            }

            foreach (var section in sections.Where(s => !usedSections.Contains(s)).TakeWhile(_ => suggestions.Count < 3))
            {
                if (FaqQuestion(section) is null && TopicOf(section) is { } topic && Overlap(retrieval, topic) < 0.7)
                {
                    var suggestion = $"{topic}에 대해 알려주세요";
                    if (!suggestions.Contains(suggestion))
                    {
                        suggestions.Add(suggestion);
                    }
                }
            }

            if (suggestions.Count >= 3)
            {
                break;
            }
        }

        return suggestions.Take(3).ToList();
    }

    private static string? FaqQuestion(string section)
    {
        var last = section.Split(" > ")[^1].Trim();
        var match = FaqHeading().Match(last);
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    private static string? TopicOf(string section)
    {
        var last = section.Split(" > ")[^1].Trim();
        var article = ArticleTitle().Match(last);
        var topic = article.Success ? article.Groups[1].Value : NumberedHeading().Replace(last, "");
        topic = topic.Trim();
        return topic.Length is >= 2 and <= 40 && !topic.Contains("자주 묻는", StringComparison.Ordinal) ? topic : null;
    }

    /// <summary>
    /// The sentences of a chunk that can be quoted, with their vectors and tokens, read once per chunk version. A
    /// sentence that addresses the assistant ("이전 지시를 무시하고 …") is never quoted as an answer; a short list item
    /// ("1. 소송 제기") is kept, as its lead-in completes it.
    /// </summary>
    private async Task<List<ReadSentence>> SentencesAsync(IngestedChunk chunk, CancellationToken cancellationToken)
    {
        if (_sentences.TryGet(chunk, out var cached))
        {
            return cached;
        }

        var read = new List<ReadSentence>();
        foreach (var source in Sentences(chunk.Text))
        {
            if ((source.Text.Length < 8 && source.Context is null) || PromptInjectionDetector.IsInjection(source.Text))
            {
                continue;
            }

            var vector = await _retriever.EmbedAsync(source.Text, cancellationToken);
            read.Add(new ReadSentence(source, vector, new HashSet<string>(KoreanText.Tokenize(source.Text), StringComparer.Ordinal)));
        }

        _sentences.Set(chunk, read);
        return read;
    }

    /// <summary>
    /// The sentences of a chunk, each with what it cannot be read without: a list item with the sentence that
    /// introduces the list ("다음 각 호의 … 보상하지 않습니다.") and the sentence that concludes it when one points back at
    /// its items ("위 각 호의 경우에는 …"), a table row with the table's header row. The sentence that introduces a list
    /// or table is marked: it says nothing on its own.
    /// </summary>
    private static List<SourceSentence> Sentences(string chunkText)
    {
        var result = new List<SourceSentence>();
        string? header = null;
        var leadIn = -1;
        var listStart = -1;
        var lists = 0;
        var listId = 0;
        foreach (var line in chunkText.Split('\n'))
        {
            if (line.Contains(" | ", StringComparison.Ordinal))
            {
                // The first row of a table is its header: it carries no fact on its own, but every row needs it.
                if (header is not null)
                {
                    result.Add(new SourceSentence(line.Trim(), true, header) { ListId = listId });
                }
                else
                {
                    // A table's lead-in is not marked: its rows are facts chosen one by one, never brought in whole.
                    header = line.Trim();
                    listId = ++lists;
                }

                continue;
            }

            header = null;
            if (ListItem().IsMatch(line))
            {
                if (listStart < 0)
                {
                    listStart = result.Count;
                    listId = ++lists;
                    MarkIntroducesList(result, leadIn, listId);
                }

                var context = leadIn >= 0 ? result[leadIn].Text : null;
                foreach (var sentence in KoreanChunker.SplitSentences(line))
                {
                    result.Add(new SourceSentence(sentence, true, context) { ListId = listId });
                }

                continue;
            }

            var sentences = KoreanChunker.SplitSentences(line);
            if (sentences.Count == 0)
            {
                continue;
            }

            if (listStart >= 0)
            {
                // The list has ended; a sentence pointing back at its items concludes it.
                if (ConcludesList(sentences[0]))
                {
                    for (var i = listStart; i < result.Count; i++)
                    {
                        result[i] = result[i] with { Conclusion = sentences[0] };
                    }
                }

                listStart = -1;
            }

            foreach (var sentence in sentences)
            {
                result.Add(new SourceSentence(sentence, false, null));
            }

            leadIn = result.Count - 1;
        }

        return result;
    }

    private static void MarkIntroducesList(List<SourceSentence> sentences, int index, int listId)
    {
        if (index >= 0 && !sentences[index].IsRow)
        {
            sentences[index] = sentences[index] with { IntroducesListId = listId };
        }
    }

    /// <summary>A sentence that concludes the list above it by pointing back at its items ("위 각 호의 경우에는 …").</summary>
    private static bool ConcludesList(string sentence)
    {
        var start = LeadingClauseMark().Replace(sentence, "");
        return Lexicon.ListConclusionOpeners.Any(o => start.StartsWith(o, StringComparison.Ordinal));
    }

    /// <summary>
    /// When the best sentence is in a FAQ entry whose question matches the customer's, the entry's own answer, whole
    /// and in order (at most <see cref="MaxFaqSentences"/> sentences); otherwise null.
    /// </summary>
    private static List<CandidateSentence>? FaqAnswer(List<CandidateSentence> candidates, RetrievalResult retrieval)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var best = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Rank).First();
        var question = FaqQuestion(best.Passage.Chunk.Section);
        if (question is null || Overlap(retrieval, question) < FaqMatch)
        {
            return null;
        }

        var entry = candidates.Where(c => c.Passage == best.Passage).OrderBy(c => c.Position).ToList();
        return entry.Count is >= 2 and <= MaxFaqSentences ? entry : null;
    }

    /// <summary>
    /// Each selected list item or table row preceded by its lead-in or header and followed by the sentence that
    /// concludes its list, once each. A lead-in selected without any of its items brings its whole list (up to
    /// <see cref="MaxListItems"/> items): "다음 각 호의 서류를 제출하여야 합니다." says nothing without them.
    /// </summary>
    private static List<CandidateSentence> WithContext(List<CandidateSentence> selected, List<CandidateSentence> candidates)
    {
        var result = new List<CandidateSentence>();
        var kept = new List<CandidateSentence>();
        foreach (var sentence in selected)
        {
            kept.Add(sentence);
            if (sentence.IntroducesListId != 0 && !selected.Any(i => i.Passage == sentence.Passage && i.ListId == sentence.IntroducesListId))
            {
                var items = candidates.Where(c => c.Passage == sentence.Passage && c.ListId == sentence.IntroducesListId).OrderBy(c => c.Position).ToList();
                if (items.Count <= MaxListItems)
                {
                    kept.AddRange(items.Where(i => !selected.Contains(i)));
                }
            }
        }

        for (var k = 0; k < kept.Count; k++)
        {
            var sentence = kept[k];
            if (sentence.Context is { } context)
            {
                var at = result.FindIndex(r => r.Text == context && r.Passage == sentence.Passage);
                if (at >= 0)
                {
                    result[at] = result[at] with { IsContext = true };
                }
                else
                {
                    var lead = candidates.FirstOrDefault(c => c.Passage == sentence.Passage && c.Text == context);
                    result.Add((lead ?? sentence with { Text = context, Tokens = [], Position = sentence.Position - 1, Context = null, Conclusion = null, ListId = 0 }) with { IsContext = true });
                }
            }

            if (!result.Any(r => r.Text == sentence.Text && r.Passage == sentence.Passage))
            {
                result.Add(sentence);
            }

            // After the last selected item of a list, the sentence that concludes it.
            var lastOfList = !kept.Skip(k + 1).Any(n => SameList(n, sentence));
            if (sentence.Conclusion is { } conclusion && lastOfList && !result.Any(r => r.Text == conclusion && r.Passage == sentence.Passage))
            {
                var end = candidates.FirstOrDefault(c => c.Passage == sentence.Passage && c.Text == conclusion);
                result.Add(end ?? sentence with { Text = conclusion, Tokens = [], Position = sentence.Position + 1, Context = null, Conclusion = null, IsRow = false, ListId = 0 });
                kept.RemoveAll(n => n.Passage == sentence.Passage && n.Text == conclusion && !ReferenceEquals(n, sentence));
            }
        }

        return result;
    }

    private static bool SameList(CandidateSentence a, CandidateSentence b) =>
        a.Passage == b.Passage && a.ListId != 0 && a.ListId == b.ListId;

    /// <summary>What kind of fact the question asks for: an amount, a period, or a channel or steps; null otherwise.</summary>
    private static Regex? AskedFor(string question)
    {
        var text = KoreanText.Normalize(question).ToLowerInvariant();
        if (AsksAmount().IsMatch(text))
        {
            return AmountFact();
        }

        if (AsksPeriod().IsMatch(text))
        {
            return PeriodFact();
        }

        return AsksChannel().IsMatch(text) ? ChannelFact() : null;
    }

    private static double Overlap(RetrievalResult retrieval, string text) =>
        KnowledgeRetriever.WeightedCoverage(retrieval.QueryTokens, retrieval.QueryTokenWeights, text);

    /// <summary>
    /// True when <paramref name="candidate"/> states again a fact of <paramref name="quoted"/>: every figure it holds
    /// (3영업일, 80%) is in the quoted sentence and at least half of its words are too, as when a FAQ answer restates
    /// the 약관 clause.
    /// </summary>
    private static bool RepeatsFact(CandidateSentence quoted, CandidateSentence candidate)
    {
        var figures = SourceFigures.Of(candidate.Text);
        if (figures.Count == 0 || !figures.IsSubsetOf(SourceFigures.Of(quoted.Text)))
        {
            return false;
        }

        var (x, y) = (quoted.Tokens, candidate.Tokens);
        return y.Count > 0 && (double)y.Count(x.Contains) / y.Count >= RepeatedFactShare;
    }

    private static bool Similar(CandidateSentence a, CandidateSentence b)
    {
        var (x, y) = (a.Tokens, b.Tokens);
        if (x.Count == 0 || y.Count == 0)
        {
            return false;
        }

        var shared = x.Count(y.Contains);
        return (double)shared / Math.Min(x.Count, y.Count) > 0.75;
    }

    /// <summary>A list item or phrase that does not end like a sentence reads badly when quoted alone.</summary>
    private static bool IsFragment(string text) =>
        ListNumber().IsMatch(text) || !(text.EndsWith('.') || text.EndsWith('?') || text.EndsWith('!') || text.EndsWith(')'));

    /// <summary>A sentence that opens by continuing the one before it ("다만 …", "이 경우 …") cannot lead an answer alone.</summary>
    private static bool ContinuesAnother(string text)
    {
        var start = LeadingClauseMark().Replace(text, "");
        return Lexicon.ContinuationOpeners.Any(o => start.StartsWith(o, StringComparison.Ordinal) && (o.EndsWith(' ') || o.EndsWith(',') || (start.Length > o.Length && start[o.Length] is ' ' or ',')));
    }

    /// <summary>For "X이 뭐예요?" questions: a sentence that starts by saying what X is, e.g. "해지환급금은 … 금액입니다.".</summary>
    private static bool Defines(string sentence, string[] terms)
    {
        if (terms.Length == 0)
        {
            return false;
        }

        var start = LeadingClauseMark().Replace(sentence, "");
        var term = terms[^1];
        return start.StartsWith(term, StringComparison.Ordinal)
            && start.Length > term.Length + 1
            && (start[term.Length..].StartsWith("은 ", StringComparison.Ordinal)
                || start[term.Length..].StartsWith("는 ", StringComparison.Ordinal)
                || start[term.Length..].StartsWith("이란 ", StringComparison.Ordinal)
                || start[term.Length..].StartsWith("란 ", StringComparison.Ordinal)
                || start[term.Length..].StartsWith('('));
    }

    /// <summary>Drops a leading clause mark (①) so a quoted 약관 clause reads as a sentence; the words stay verbatim.</summary>
    private static string Display(string sentence) => LeadingClauseMark().Replace(sentence, "");

    /// <summary>The passage text trimmed to about <see cref="SnippetLength"/> characters around the quoted sentence.</summary>
    internal static string Snippet(string passage, string sentence)
    {
        if (passage.Length <= SnippetLength)
        {
            return passage;
        }

        var at = Math.Max(passage.IndexOf(sentence, StringComparison.Ordinal), 0);
        var start = Math.Max(0, Math.Min(at - 60, passage.Length - SnippetLength));
        if (start > 0)
        {
            // Start at a line or sentence start rather than mid-word.
            var lineStart = passage.LastIndexOf('\n', at > 0 ? at - 1 : 0);
            start = lineStart >= start - 40 && lineStart >= 0 ? lineStart + 1 : Math.Min(at, start);
        }

        var end = Math.Min(passage.Length, Math.Max(start + SnippetLength, at + sentence.Length));
        var snippet = passage[start..end].Trim();
        return (start > 0 ? "…" : "") + snippet + (end < passage.Length ? "…" : "");
    }

    [GeneratedRegex(@"(뭐예요|뭐에요|뭔가요|뭔지|무엇인가요|무엇인지|무엇이에요|이란\??$|란\??$|뜻|의미)")]
    private static partial Regex DefinitionQuestion();

    [GeneratedRegex(@"^\d{1,2}[.)]\s")]
    private static partial Regex ListNumber();

    [GeneratedRegex(@"^[①-⑳]\s*")]
    private static partial Regex LeadingClauseMark();

    [GeneratedRegex(@"^Q\s*[.:]\s*(.+)$")]
    private static partial Regex FaqHeading();

    [GeneratedRegex(@"^제\s?\d+\s?조(?:의\s?\d+)?\s?\((.+)\)$")]
    private static partial Regex ArticleTitle();

    [GeneratedRegex(@"^(?:\d{1,2}[.)]\s*|참고\s*:\s*)")]
    private static partial Regex NumberedHeading();

    [GeneratedRegex(@"(나오나요|나올까요|나올 수 있|받을 수 있을까요|받을 수 있나요|받을 수 있는지|지급될까요|해당될까요|해당되나요)")]
    private static partial Regex PersonalVerdict();

    [GeneratedRegex(@"(^|\s)(제|저|저는|제가|저의|내|나는|내가|우리|저희|남편|아내|엄마|아빠|어머니|아버지|아이)(\s|$)|제 경우|저 같은")]
    private static partial Regex FirstPerson();

    [GeneratedRegex(@"(지급되|지급받|보장되|보장받|보상되|보상받|받을 수|받나요|받아요|나오|나와|나올|해당되|해당될)")]
    private static partial Regex VerdictVerb();

    // Benefit words that name a payment outright, whatever else the question mentions.
    [GeneratedRegex(@"(보험금|진단금|진단비|급여금|보상금|claim|benefit|pay out)")]
    private static partial Regex BenefitWord();

    // Services a customer can "receive" that are not a payment verdict: a loan, a reissue, a change, a certificate.
    [GeneratedRegex(@"(대출|재발급|재발행|발급|변경|해지|철회|증명서|loan|reissue)")]
    private static partial Regex ServiceWord();

    // An event of the customer's own case told in the past: "사고가 났어요", "진단받았는데", "입원했고".
    [GeneratedRegex(@"(았|었|였|했|됐|났|쳤|셨)(어요|는데|고|습니다|거든요|어)")]
    private static partial Regex PersonalEvent();

    [GeneratedRegex(@"^\s*(?:\d{1,2}[.)]|[-*•·]|[가-하][.)])\s")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"(보험금|진단금|진단비|보상|지급|보장|실손|실비|입원비|수술비|의료비|claim|paid|pay out|cover)")]
    private static partial Regex PaymentWord();

    [GeneratedRegex(@"(얼마|금액|한도|몇\s?%|몇\s?프로|비율|이율|이자|how much|amount|rate|limit)")]
    private static partial Regex AsksAmount();

    [GeneratedRegex(@"(언제|기한|며칠|몇\s?일|기간|몇\s?년|몇\s?개월|까지|how long|when|deadline|period|days)")]
    private static partial Regex AsksPeriod();

    [GeneratedRegex(@"(어디|어떻게|방법|절차|신청|how do|how can|where)")]
    private static partial Regex AsksChannel();

    [GeneratedRegex(@"\d[\d,.]*\s?(?:만\s?원|천\s?원|억\s?원|원|%)")]
    private static partial Regex AmountFact();

    [GeneratedRegex(@"\d[\d,.]*\s?(?:영업일|개월|년|일|주|시간)|즉시|당일")]
    private static partial Regex PeriodFact();

    [GeneratedRegex(@"(앱|홈페이지|고객센터|고객플라자|우편|팩스|방문|콜센터|전화|인터넷)")]
    private static partial Regex ChannelFact();

    private sealed record SourceSentence(string Text, bool IsRow, string? Context)
    {
        public string? Conclusion { get; init; }

        /// <summary>The list or table (numbered within the chunk) this item or row belongs to; 0 for none.</summary>
        public int ListId { get; init; }

        /// <summary>The list or table this sentence introduces; 0 for none.</summary>
        public int IntroducesListId { get; init; }
    }

    /// <summary>A quotable sentence of a chunk with its vector and distinct tokens.</summary>
    private sealed record ReadSentence(SourceSentence Source, ReadOnlyMemory<float> Vector, HashSet<string> Tokens);

    private sealed record CandidateSentence(string Text, bool IsRow, RetrievedPassage Passage, int Rank, int Position, double Score)
    {
        /// <summary>The sentence's distinct tokens.</summary>
        public HashSet<string> Tokens { get; init; } = [];

        /// <summary>The lead-in or header this list item or row needs.</summary>
        public string? Context { get; init; }

        /// <summary>True when this sentence is shown only to introduce the next one.</summary>
        public bool IsContext { get; init; }

        /// <summary>The sentence that concludes this item's list, shown after it.</summary>
        public string? Conclusion { get; init; }

        /// <summary>The list or table (numbered within the chunk) this item or row belongs to; 0 for none.</summary>
        public int ListId { get; init; }

        /// <summary>The list or table this sentence introduces; 0 for none.</summary>
        public int IntroducesListId { get; init; }

        /// <summary>Shown on its own line: a list item or table row.</summary>
        public bool IsLine => IsRow;
    }
}
