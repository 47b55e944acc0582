using System.Text;

namespace Chatbot.Rag.Text;

/// <summary>
/// Korean-aware text normalisation and lexical tokenisation shared by the embedder, the lexical index and retrieval.
/// Any store that keeps a keyword index (e.g. a PostgreSQL tsvector) must index <see cref="Tokenize"/> output so
/// queries tokenised the same way match.
/// </summary>
public static class KoreanText
{
    // Longest first, so "에서는" wins over "는". Only one particle is stripped per word.
    private static readonly string[] Particles =
    [
        "에서부터", "으로부터", "에서는", "에서도", "으로는", "으로도", "에게서", "이라도", "까지는", "부터는", "에게는", "이라는", "이라고",
        "에서", "에게", "으로", "까지", "부터", "마다", "처럼", "보다", "라도", "이나", "이랑", "하고", "한테", "께서", "에는", "에도",
        "로는", "와는", "과는", "이란", "라는", "라고", "이며",
        "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "랑", "란",
    ];

    // Whole words whose last syllable looks like a particle but belongs to the noun; stripping would destroy them.
    private static readonly HashSet<string> ParticleExceptions = new(StringComparer.Ordinal)
    {
        "한도", "제도", "정도", "용도", "속도", "추가", "결과", "초과", "경과", "효과", "동의", "문의", "회의", "주의", "정의", "합의",
        "미만", "차이", "나이", "사이", "아이", "평가", "증가", "부가", "원가", "시가", "대가", "단가", "보험가", "연도", "년도",
        "고도", "인도", "지도", "태도", "의도", "이", "가", "는", "은", "을", "를", "도", "만", "과", "와", "로", "의", "에",
        "이의", "임의", "의의", "경로", "통로", "진로", "과로", "매도",
    };

    // Question and request endings that carry no topic; stripped from query words only.
    private static readonly string[] QueryEndings =
    [
        "할수있나요", "할수있어요", "받을수있나요", "되었나요", "되었는지", "되는건가요", "되는지", "하는지", "인건가요", "인가요", "인데요",
        "되나요", "하나요", "있나요", "없나요", "했나요", "됐나요", "나요", "는가요", "일까요", "할까요", "까요", "예요", "이에요", "에요",
        "이요", "가요", "세요", "해요", "돼요", "되요", "되죠", "인지", "는지", "해줘", "주세요", "줘요", "줘", "어때요", "습니까",
        "합니까", "됩니까", "입니까", "나요", "죠", "하려면", "되려면", "했는데", "하면", "되면", "해야", "할때", "할", "하는", "되는",
        "싶어요", "싶은데", "싶습니다",
    ];

    // Words that only shape the question ("how", "what", "tell me") and must not count as topic evidence.
    private static readonly HashSet<string> QueryStopWords = new(StringComparer.Ordinal)
    {
        "어떻게", "어떤", "어떠한", "무엇", "무엇인가요", "무엇인지", "뭐", "뭔가요", "뭔지", "뭐예요", "뭐에요", "뭐야", "뭐지", "뭔데",
        "알려", "알려줘", "알려주세요", "알려줄래", "궁금", "궁금해요", "궁금합니다", "좀", "제", "저", "저는", "제가", "내", "나",
        "내가", "언제", "어디", "어디서", "어디에서", "얼마", "얼마나", "얼마예요", "얼마에요", "왜", "혹시", "그럼", "그러면", "그리고",
        "요", "네", "수", "있", "있어요", "있나요", "되나요", "되", "돼", "하나요", "하면", "해야", "해야하나요", "하는", "할", "때",
        "경우", "건", "거", "어때요", "어때", "어떤가요", "어떨까요", "싶어요", "싶은데", "하고", "방법은", "것", "게", "이거", "그거", "저거", "방법", "관련", "대해", "대해서", "대한", "설명", "설명해", "설명해줘",
        "안내", "문의", "질문", "말", "나오", "나오나요", "받", "받나요", "받을", "있는", "없는", "하", "되는", "하는데", "인데",
        "the", "a", "an", "is", "what", "how", "please",
    };

    // Colloquial terms and common misspellings mapped to the wording the documents use. Longest keys first.
    private static readonly (string From, string To)[] QueryRewrites =
    [
        ("실비보험", "실손의료보험"),
        ("실손보험", "실손의료보험"),
        ("해약환급금", "해지환급금"),
        ("해약금", "해지환급금"),
        ("해지환급굼", "해지환급금"),
        ("환급굼", "환급금"),
        ("약관대출", "보험계약대출"),
        ("보험대출", "보험계약대출"),
        ("진단비", "진단금"),
        ("대기기간", "면책기간"),
        ("못 내면", "납입 연체"),
        ("못내면", "납입 연체"),
        ("안 내면", "납입 연체"),
        ("안내면", "납입 연체"),
        ("못 냈", "납입 연체"),
        ("못냈", "납입 연체"),
        ("밀리면", "연체"),
        ("타려면", "청구하려면"),
        ("타는 법", "청구 방법"),
        ("보험굼", "보험금"),
        ("보헙", "보험"),
        ("청귀", "청구"),
        ("해약", "해지"),
        ("실비", "실손"),
    ];

    /// <summary>NFKC (full-width to ASCII), lower-case Latin, whitespace collapsed to single spaces.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var nfkc = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(nfkc.Length);
        var pendingSpace = false;
        foreach (var c in nfkc)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Normalises a customer question for retrieval: <see cref="Normalize"/>, colloquial synonyms and common typos
    /// rewritten to document wording, punctuation dropped, particles and question endings stripped from each word.
    /// "보험금을 청구하려면 어떻게 하나요?" becomes "보험금 청구하려면".
    /// </summary>
    public static string NormalizeQuery(string query)
    {
        var words = QueryWords(query);
        return string.Join(' ', words);
    }

    /// <summary>The distinct lexical tokens of a question's topic words, without question-shaping words.</summary>
    public static IReadOnlyList<string> QueryTokens(string query) => QueryTokens(query, isKnown: null);

    /// <summary>
    /// The distinct lexical tokens of a question's topic words. With <paramref name="isKnown"/>, a bigram that only
    /// exists because two words were written without a space ("보험금청구" → 금청) is dropped when the index does not
    /// know it but knows its neighbours on both sides; a genuinely unknown word keeps all its tokens.
    /// </summary>
    public static IReadOnlyList<string> QueryTokens(string query, Func<string, bool>? isKnown)
    {
        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in QueryWords(query))
        {
            var wordTokens = TokenizeWord(word).ToList();
            for (var i = 0; i < wordTokens.Count; i++)
            {
                var token = wordTokens[i];
                if (isKnown is not null && i > 0 && i < wordTokens.Count - 1 && token.Length == 2 && IsHangulSyllable(token[0])
                    && !isKnown(token) && isKnown(wordTokens[i - 1]) && isKnown(wordTokens[i + 1]))
                {
                    continue;
                }

                if (seen.Add(token))
                {
                    tokens.Add(token);
                }
            }
        }

        return tokens;
    }

    /// <summary>
    /// Lexical tokens of a text, with repeats (for term frequencies): character bigrams of each Hangul run after the
    /// word's trailing particle is stripped (a single-syllable run is kept whole), and Latin or digit runs as whole
    /// words. "보험금청구" and "보험금을 청구" share their tokens.
    /// </summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (var word in Words(Normalize(text)))
        {
            tokens.AddRange(TokenizeWord(StripParticle(word)));
        }

        return tokens;
    }

    /// <summary>Removes one trailing particle (조사) from a word, unless the word is a known noun that only looks like it has one.</summary>
    public static string StripParticle(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length < 2 || ParticleExceptions.Contains(word) || !IsHangulSyllable(word[^1]))
        {
            return word;
        }

        foreach (var particle in Particles)
        {
            if (word.Length > particle.Length && word.EndsWith(particle, StringComparison.Ordinal))
            {
                var stem = word[..^particle.Length];
                if (IsHangulSyllable(stem[^1]) || char.IsLetterOrDigit(stem[^1]))
                {
                    return stem;
                }
            }
        }

        return word;
    }

    /// <summary>True for a precomposed Hangul syllable (가–힣).</summary>
    public static bool IsHangulSyllable(char c) => c is >= '\uAC00' and <= '\uD7A3';

    /// <summary>True when a Hangul syllable ends in a final consonant (받침), to choose 은/는, 이/가, 을/를.</summary>
    public static bool HasFinalConsonant(char syllable) =>
        IsHangulSyllable(syllable) && (syllable - '\uAC00') % 28 != 0;

    /// <summary>Splits normalised text into words: runs of letters and digits; everything else separates.</summary>
    internal static IEnumerable<string> Words(string normalized)
    {
        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var isWordChar = i < normalized.Length && char.IsLetterOrDigit(normalized[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                yield return normalized[start..i];
                start = -1;
            }
        }
    }

    /// <summary>Tokens of one already particle-stripped word.</summary>
    internal static IEnumerable<string> TokenizeWord(string word)
    {
        var i = 0;
        while (i < word.Length)
        {
            var hangul = IsHangulSyllable(word[i]);
            var start = i;
            while (i < word.Length && IsHangulSyllable(word[i]) == hangul)
            {
                i++;
            }

            var run = word[start..i];
            if (!hangul)
            {
                if (run.Any(char.IsLetterOrDigit))
                {
                    yield return run;
                }

                continue;
            }

            if (run.Length == 1)
            {
                yield return run;
                continue;
            }

            for (var k = 0; k + 1 < run.Length; k++)
            {
                yield return run.Substring(k, 2);
            }
        }
    }

    private static List<string> QueryWords(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = Normalize(query);
        foreach (var (from, to) in QueryRewrites)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        var words = new List<string>();
        foreach (var raw in Words(text))
        {
            if (QueryStopWords.Contains(raw))
            {
                continue;
            }

            var word = StripQueryEnding(raw);
            word = StripParticle(word);
            if (word.Length == 0 || QueryStopWords.Contains(word))
            {
                continue;
            }

            words.Add(word);
        }

        return words;
    }

    private static string StripQueryEnding(string word)
    {
        foreach (var ending in QueryEndings)
        {
            if (word.Length > ending.Length && word.EndsWith(ending, StringComparison.Ordinal))
            {
                return word[..^ending.Length];
            }
        }

        return word;
    }
}
