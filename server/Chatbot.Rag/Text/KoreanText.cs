using System.Text;

namespace Chatbot.Rag.Text;

/// <summary>The lexical tokens of one question word.</summary>
/// <param name="Word">The word after normalisation.</param>
/// <param name="Tokens">Its tokens that carry evidence.</param>
/// <param name="IsPredicate">True for a native verb or adjective ("들어오", "갚"), false for a noun.</param>
public sealed record QueryWordTokens(string Word, IReadOnlyList<string> Tokens, bool IsPredicate);

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
        "이의", "임의", "의의", "경로", "통로", "진로", "과로", "매도", "주가", "종이", "단가", "호가", "대가", "명의",
    };

    // Question, request and connective endings that carry no topic; stripped from query words only, longest first.
    // Customers write colloquially ("되요", "나여", "바꿔여"); the documents are formal, so these never match anyway.
    private static readonly string[] QueryEndings =
    [
        "받을수있나요", "받을수있어요", "할수있나요", "할수있어요", "될수있나요", "수있을까요", "수있나요", "수있어요", "수있어",
        "할수도", "수도", "을수", "할수", "낼수",
        "되었나요", "되었는지", "되는건가요", "해야되나요", "해야하나요", "해야돼요", "해야되요", "해야해요", "야되나요", "야하나요",
        "야돼요", "야되요", "야해요", "했는데요", "하는데요", "했는데", "하는데", "는데요", "은데요", "인데요", "는데", "은데", "인데",
        "하자마자", "자마자", "으려면", "하려면", "되려면", "려면", "하려는데", "려는데",
        "인건가요", "인가요", "한가요", "는가요", "은가요", "인지요", "되는지", "하는지", "는지", "인지",
        "되나요", "되나여", "하나요", "하나여", "있나요", "없나요", "했나요", "됐나요", "주나요", "나요", "나여",
        "일까요", "할까요", "을까요", "까요", "어때요", "습니까", "합니까", "됩니까", "입니까",
        "이에요", "이예요", "예요", "에요", "이요", "가요", "세요", "주세요", "줘요", "해줘", "줘",
        "해요", "돼요", "되요", "어요", "아요", "여요", "지요", "되죠", "죠", "래요",
        "하면", "되면", "으면", "이면", "해도", "돼도", "되도", "어도", "아도", "해서", "돼서", "되서", "어서", "아서",
        "했어요", "됐어요", "었어요", "았어요", "할때", "할", "하는", "되는", "해야",
        "싶어요", "싶은데", "싶습니다", "얼마야", "야", "여", "것",
    ];

    private static readonly (string Contracted, string Stem)[] ContractedEndings =
        [("와요", "오"), ("와도", "오"), ("려요", "리"), ("려도", "리"), ("워요", "우"), ("봐요", "보"), ("져요", "지"), ("쳐요", "치")];

    private static readonly string[] QueryEndingsLongestFirst = [.. QueryEndings.Distinct(StringComparer.Ordinal).OrderByDescending(e => e.Length)];

    // Words that only shape the question ("how", "what", "tell me") and must not count as topic evidence.
    private static readonly HashSet<string> QueryStopWords = new(StringComparer.Ordinal)
    {
        "어떻게", "어떤", "어떠한", "무엇", "무엇인가요", "무엇인지", "뭐", "뭔가요", "뭔지", "뭐예요", "뭐에요", "뭐야", "뭐지", "뭔데",
        "알려", "알려줘", "알려주세요", "알려줄래", "궁금", "궁금해요", "궁금합니다", "좀", "제", "저", "저는", "제가", "내", "나",
        "내가", "언제", "어디", "어디서", "어디에서", "얼마", "얼마나", "얼마예요", "얼마에요", "왜", "혹시", "그럼", "그러면", "그리고",
        "요", "네", "수", "있", "있어요", "있나요", "되나요", "되", "돼", "하나요", "하면", "해야", "해야하나요", "하는", "할", "때",
        "경우", "건", "거", "어때요", "어때", "어떤가요", "어떨까요", "싶어요", "싶은데", "하고", "방법은", "것", "게", "이거", "그거", "저거", "방법", "관련", "대해", "대해서", "대한", "설명", "설명해", "설명해줘",
        "안내", "문의", "질문", "말", "나오", "나오나요", "받", "받나요", "받을", "있는", "없는", "하", "되는", "하는데", "인데",
        "누가", "누구", "누구예요", "몇", "뭐뭐", "머", "머야", "머에요", "머예요", "뭐에요", "다", "둘", "둘다", "맘", "안", "못",
        "꼭", "더", "또", "그냥", "진짜", "정말", "요즘", "너무", "잘", "같은데", "같아요", "돼요", "되요", "되나요", "프로",
        "퍼센트", "프", "면", "땐", "말고", "당분간", "잠시", "잠깐", "나중에", "해요", "줘요", "어요", "아요", "었어요", "았어요", "쳐", "넣", "찍", "쓸", "쓰", "비용", "내야", "내도", "며칠", "걸리", "걸린",
        "걸", "많", "나갔", "갔",
        // Generic predicates ("받을 수", "해 주나요") say nothing about the topic once their ending is gone.
        "받", "받아", "받으", "받을", "받고", "받았", "주", "해주", "쳐주", "되", "하", "해", "했", "있", "없", "있어", "없어", "없을", "알", "알아", "가", "가면", "간", "간것", "와",
        "봐", "물어봐", "맞은", "맞은것", "넘었", "넘으면", "정했", "찍어", "들면", "나서", "다친", "다친건", "다쳐", "맞",
        "the", "a", "an", "is", "what", "how", "please",
    };

    // Colloquial or misspelt words mapped, whole, to the documents' wording after endings and particles are stripped.
    private static readonly Dictionary<string, string> WordSynonyms = new(StringComparer.Ordinal)
    {
        ["내"] = "납입", ["내는"] = "납입", ["낼"] = "납입", ["냈"] = "납입", ["내면"] = "납입",
        ["바꾸"] = "변경", ["바꿔"] = "변경", ["바꿀"] = "변경", ["바꿀라면"] = "변경", ["바꾸려면"] = "변경", ["바뀌"] = "변경",
        ["바뀐"] = "변경", ["바뀌었"] = "변경", ["바꾸고"] = "변경",
        ["살리"] = "부활", ["살릴"] = "부활", ["살려"] = "부활", ["되살리"] = "부활", ["되살릴"] = "부활",
        ["나눠"] = "나누어", ["나눠서"] = "나누어",
        ["돌아가셨"] = "사망", ["돌아가시"] = "사망", ["돌아가신"] = "사망", ["죽으면"] = "사망", ["죽"] = "사망",
        ["빠져나갔"] = "출금", ["빠져나가"] = "출금", ["빠져나간"] = "출금", ["빠져"] = "출금", ["빠져나가지"] = "출금",
        ["엄마"] = "가족", ["아빠"] = "가족", ["남편"] = "가족", ["아내"] = "가족", ["와이프"] = "가족",
        ["핸드폰"] = "휴대폰", ["폰"] = "휴대폰", ["전번"] = "전화번호",
        ["입원비"] = "입원의료비", ["통원비"] = "통원의료비", ["병원비"] = "의료비", ["치료비"] = "의료비", ["약값"] = "약제비",
        ["어르신"] = "시니어", ["노인"] = "시니어", ["고령자"] = "시니어",
        ["시한부"] = "생존기간", ["자살"] = "자신을 해친", ["카드납"] = "신용카드 납입", ["몇시"] = "시간", ["한달"] = "30일",
        // Contracted colloquial verb forms, back to the stem FAQ headings use ("들어와요" → 들어오나요).
        ["나와"] = "나오", ["나왔"] = "나오", ["들어와"] = "들어오", ["들어왔"] = "들어오", ["걸려"] = "걸리", ["걸렸"] = "걸리",
        ["다쳐서"] = "재해", ["다쳤"] = "재해", ["다치면"] = "재해", ["한번"] = "1회", ["한번에"] = "1회",
        ["이유"] = "사유", ["외국"] = "국외", ["갚"] = "상환", ["안갚"] = "상환", ["못갚"] = "상환", ["갚을"] = "상환", ["병"] = "질병",
        ["밀린"] = "연체", ["밀렸"] = "연체", ["잔고"] = "잔액", ["통장"] = "계좌",
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
        ("쎈터", "센터"),
        ("목숨을 끊", "자신을 해친 "),
        ("목숨 끊", "자신을 해친 "),
        ("첫 보험료", "제1회 보험료"),
        ("첫회 보험료", "제1회 보험료"),
        ("빠져나갔", "출금 "),
        ("빠져 나갔", "출금 "),
        ("빠져나가", "출금 "),
        ("빠져나간", "출금 "),
        ("두번 출금", "중복 출금"),
        ("두 번 출금", "중복 출금"),
        ("같은날", "같은 날"),
        ("년 반", "년 6개월"),
        ("두번 냈", "중복 납입 "),
        ("두 번 냈", "중복 납입 "),
        ("두개 가입", "중복 가입 "),
        ("두 개 가입", "중복 가입 "),
        ("몇 시", "시간 "),
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
    public static IReadOnlyList<string> QueryTokens(string query, Func<string, bool>? isKnown) =>
        QueryTokenGroups(query, isKnown).SelectMany(group => group.Tokens).ToList();

    /// <summary>
    /// <see cref="QueryTokens(string, Func{string, bool}?)"/> grouped by the question word they come from, so a
    /// scorer can let each word count once however many bigrams it has. A token appears only in its first word's group;
    /// words left with no token are omitted.
    /// </summary>
    public static IReadOnlyList<QueryWordTokens> QueryTokenGroups(string query, Func<string, bool>? isKnown)
    {
        var groups = new List<QueryWordTokens>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (word, isPredicate) in QueryWordsWithKind(query))
        {
            var wordTokens = TokenizeWord(word).ToList();
            var keep = isKnown is null ? Enumerable.Repeat(true, wordTokens.Count).ToArray() : KnownTokenMask(word, wordTokens, isKnown);
            var group = new List<string>();
            for (var i = 0; i < wordTokens.Count; i++)
            {
                if (keep[i] && seen.Add(wordTokens[i]))
                {
                    group.Add(wordTokens[i]);
                }
            }

            if (group.Count > 0)
            {
                groups.Add(new QueryWordTokens(word, group, isPredicate));
            }
        }

        return groups;
    }

    /// <summary>
    /// Which of a query word's tokens carry evidence, judged against the index. Dropped: a bigram that only exists
    /// because two known words were written without a space ("보험금청구" → 금청), including a leading one after a
    /// known one-syllable word ("암진단" → 암진); and the trailing bigrams of a colloquial predicate the formal
    /// documents never use ("들어와요" → 어와, 와요). Kept: every token of a word the index does not know at all (an
    /// off-topic word must count against coverage), and the junction of an "X보험" compound, because a product the
    /// documents never name ("자동차보험", "펫보험") is not covered by the documents that say "보험".
    /// </summary>
    private static bool[] KnownTokenMask(string word, List<string> wordTokens, Func<string, bool> isKnown)
    {
        var keep = Enumerable.Repeat(true, wordTokens.Count).ToArray();
        var known = wordTokens.Select(isKnown).ToArray();
        bool IsBigram(int i) => wordTokens[i].Length == 2 && IsHangulSyllable(wordTokens[i][0]) && IsHangulSyllable(wordTokens[i][1]);

        for (var i = 0; i < wordTokens.Count; i++)
        {
            if (known[i] || !IsBigram(i))
            {
                continue;
            }

            var nextIsProduct = i + 1 < wordTokens.Count && wordTokens[i + 1] == "보험" && !AdnominalEndings.Contains(wordTokens[i][0]);
            if (i > 0 && i < wordTokens.Count - 1 && known[i - 1] && known[i + 1] && !nextIsProduct)
            {
                keep[i] = false;
            }
            else if (i == 0 && wordTokens.Count > 1 && known[1] && !nextIsProduct && isKnown(wordTokens[0][..1]))
            {
                keep[i] = false;
            }
        }

        if (known.Any(k => k) && IsHangulSyllable(word[^1]) && PredicateEndSyllables.Contains(word[^1]))
        {
            for (var i = wordTokens.Count - 1; i > 0 && !known[i] && IsBigram(i); i--)
            {
                keep[i] = false;
            }
        }

        return keep;
    }

    // "실효된보험", "가입한보험": a modifier before 보험, not a product name.
    private static readonly HashSet<char> AdnominalEndings = ['된', '한', '는', '은', '던', '할', '될', '인', '린', '운', '든'];

    // Last syllables of verb and adjective forms ("…와요", "…걸려", "…했는"); a noun rarely ends in one.
    private static readonly HashSet<char> PredicateEndSyllables =
    [
        '요', '까', '죠', '니', '냐', '래', '야', '지', '여', '나', '다', '네', '게', '데', '면', '서', '고', '며', '자', '라', '려',
        '든', '건', '걸', '줘', '봐', '와', '워', '져', '쳐', '어', '아', '해', '돼', '했', '됐', '었', '았', '겠', '는', '던', '할',
        '될', '된', '한', '운', '린', '른', '긴', '친', '낸', '난', '받',
    ];

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

    private static List<string> QueryWords(string query) => QueryWordsWithKind(query).Select(w => w.Word).ToList();

    /// <summary>The question's topic words, each marked when it is a native verb or adjective rather than a noun.</summary>
    private static List<(string Word, bool IsPredicate)> QueryWordsWithKind(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = Normalize(query);
        foreach (var (from, to) in QueryRewrites)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        var words = new List<(string, bool)>();
        void AddSynonym(string synonym) =>
            words.AddRange(synonym.Split(' ').Select(w => (w, NativeStems.Contains(w))));

        foreach (var raw in Words(text))
        {
            // Emoticons written in bare jamo ("ㅠㅠ", "ㅋㅋ") are tone, not topic.
            if (QueryStopWords.Contains(raw) || raw.All(IsCompatibilityJamo))
            {
                continue;
            }

            if (WordSynonyms.TryGetValue(raw, out var direct))
            {
                AddSynonym(direct);
                continue;
            }

            var word = StripQueryEnding(raw, out var isPredicate);

            // "못낼", "못받" written together: the negation says nothing about the topic.
            if (word.Length >= 2 && word[0] == '못')
            {
                word = StripQueryEnding(word[1..], out var negatedIsPredicate);
                isPredicate |= negatedIsPredicate;
                if (WordSynonyms.TryGetValue(word, out var negated))
                {
                    AddSynonym(negated);
                    continue;
                }
            }

            if (QueryStopWords.Contains(word))
            {
                continue;
            }

            word = StripParticle(word);
            if (WordSynonyms.TryGetValue(word, out var synonym))
            {
                AddSynonym(synonym);
                continue;
            }

            if (word.Length == 0 || QueryStopWords.Contains(word))
            {
                continue;
            }

            words.Add((word, isPredicate));
        }

        return words;
    }

    private static bool IsCompatibilityJamo(char c) => c is (>= '\u3131' and <= '\u318E') or (>= '\u1100' and <= '\u11FF');

    /// <summary>
    /// Strips one question or connective ending. <paramref name="isPredicate"/> tells whether what remains is a native
    /// verb or adjective stem ("들어와요" → 들어오, "갚으면" → 갚) rather than a noun that took 하다/되다 or the copula
    /// ("청구하려면" → 청구, "면책기간이에요" → 면책기간): native predicates are weaker evidence of the topic.
    /// </summary>
    private static string StripQueryEnding(string word, out bool isPredicate)
    {
        isPredicate = false;

        // "살릴수", "낼수", "받을수": 수 after a syllable ending in ㄹ is "can", not a noun.
        if (word.Length >= 2 && word[^1] == '수' && IsHangulSyllable(word[^2]) && (word[^2] - '\uAC00') % 28 == 8)
        {
            word = word[..^1];
            isPredicate = true;
        }

        // Contracted polite forms back to the stem: "나와요" → 나오, "걸려요" → 걸리, "어려워요" → 어려우.
        foreach (var (contracted, stem) in ContractedEndings)
        {
            if (word.Length > contracted.Length && word.EndsWith(contracted, StringComparison.Ordinal))
            {
                isPredicate = true;
                return word[..^contracted.Length] + stem;
            }
        }

        foreach (var ending in QueryEndingsLongestFirst)
        {
            if (word.Length > ending.Length && word.EndsWith(ending, StringComparison.Ordinal))
            {
                isPredicate |= !NounEndingStarts.Contains(ending[0]);
                return word[..^ending.Length];
            }
        }

        return word;
    }

    // An ending that starts with a light verb (하다, 되다) or the copula (이다) follows a noun: "청구하려면", "기간이에요".
    private static readonly HashSet<char> NounEndingStarts = ['하', '해', '했', '할', '한', '되', '돼', '됐', '될', '된', '이', '인', '예', '에', '입', '합', '됩'];

    // Synonym targets that are native verb stems, not nouns.
    private static readonly HashSet<string> NativeStems = new(StringComparer.Ordinal) { "나오", "들어오", "걸리" };
}
