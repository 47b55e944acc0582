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

            var nextIsProduct = i + 1 < wordTokens.Count && wordTokens[i + 1] == "보험" && !Lexicon.AdnominalEndings.Contains(wordTokens[i][0]);
            if (i > 0 && i < wordTokens.Count - 1 && known[i - 1] && known[i + 1] && !nextIsProduct)
            {
                keep[i] = false;
            }
            else if (i == 0 && wordTokens.Count > 1 && known[1] && !nextIsProduct && isKnown(wordTokens[0][..1]))
            {
                keep[i] = false;
            }
        }

        if (known.Any(k => k) && IsHangulSyllable(word[^1]) && Lexicon.PredicateEndSyllables.Contains(word[^1]))
        {
            for (var i = wordTokens.Count - 1; i > 0 && !known[i] && IsBigram(i); i--)
            {
                keep[i] = false;
            }
        }

        return keep;
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
        if (word.Length < 2 || Lexicon.ParticleExceptions.Contains(word) || !IsHangulSyllable(word[^1]))
        {
            return word;
        }

        foreach (var particle in Lexicon.Particles)
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

    /// <summary>True for a question written in English rather than Korean: no Hangul, and some Latin words.</summary>
    public static bool IsEnglish(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.Any(IsHangulSyllable) && text.Count(char.IsAsciiLetter) >= 3;
    }

    /// <summary>
    /// A company named in an English question that the glossary does not know ("Hanwha Life", "Kyobo Life Insurance"):
    /// a capitalised word before a company-name suffix (<see cref="Lexicon.EnglishNameSuffixes"/>), where neither the
    /// word nor the whole name is a glossary term; null when there is none. "Dongyang Life" and "Whole Life" are terms.
    /// </summary>
    public static string? ForeignEnglishCompany(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = System.Text.RegularExpressions.Regex.Matches(text, @"[A-Za-z][A-Za-z'-]*").Select(m => m.Value).ToList();
        var glossary = Lexicon.EnglishGlossary.Select(e => e.English).ToHashSet(StringComparer.Ordinal);
        for (var i = 1; i < words.Count; i++)
        {
            var name = words[i - 1];
            if (!Lexicon.EnglishNameSuffixes.Contains(words[i]) || !char.IsUpper(name[0]) || (i == 1 && name.Length <= 4 && !name.All(char.IsUpper)))
            {
                continue;
            }

            var lower = name.ToLowerInvariant();
            if (!glossary.Contains(lower) && !glossary.Contains($"{lower} {words[i].ToLowerInvariant()}") && !Lexicon.EnglishNameSuffixes.Contains(name))
            {
                return $"{name} {words[i]}";
            }
        }

        return null;
    }

    /// <summary>
    /// The Korean words of an English question, through the bilingual glossary (<see cref="Lexicon.EnglishGlossary"/>):
    /// each glossary term found, longest first and as whole words (a plural -s allowed), in the order they occur, plus
    /// the question's numbers. Words the glossary does not know ("how", "my") carry no topic and are dropped, so
    /// "How do I change the beneficiary?" is searched as "변경 수익자".
    /// </summary>
    public static string EnglishToKorean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = " " + Normalize(text).ToLowerInvariant().Replace('’', '\'') + " ";
        var found = new List<(int At, string Korean)>();
        var taken = new bool[lower.Length];
        foreach (var (english, korean) in Lexicon.EnglishGlossary)
        {
            var from = 0;
            while ((from = lower.IndexOf(english, from, StringComparison.Ordinal)) >= 0)
            {
                var end = from + english.Length;
                if (end < lower.Length && lower[end] == 's')
                {
                    end++;
                }

                var whole = !char.IsAsciiLetterOrDigit(lower[from - 1]) && !char.IsAsciiLetterOrDigit(lower[end]);
                if (whole && !taken.AsSpan(from, end - from).Contains(true))
                {
                    taken.AsSpan(from, end - from).Fill(true);
                    found.Add((from, korean));
                }

                from = end;
            }
        }

        foreach (var number in System.Text.RegularExpressions.Regex.Matches(lower, @"\d[\d,.]*").Cast<System.Text.RegularExpressions.Match>())
        {
            found.Add((number.Index, number.Value));
        }

        return string.Join(' ', found.OrderBy(f => f.At).Select(f => f.Korean));
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

            var negatedBase = NegatedBaseBigrams(run);
            for (var k = 0; k + 1 < run.Length; k++)
            {
                if (negatedBase is null || !negatedBase[k])
                {
                    yield return run.Substring(k, 2);
                }
            }
        }
    }

    /// <summary>
    /// Which bigrams of a Hangul run (by start) lie inside the base noun of a negated compound (<see
    /// cref="Lexicon.NegatedCompounds"/>): "비급여" yields 비급 but not 급여, so 급여 never matches 비급여. Null when the run
    /// holds none.
    /// </summary>
    private static bool[]? NegatedBaseBigrams(string run)
    {
        bool[]? skip = null;
        foreach (var (compound, prefix) in Lexicon.NegatedCompounds)
        {
            for (var at = run.IndexOf(compound, StringComparison.Ordinal); at >= 0; at = run.IndexOf(compound, at + 1, StringComparison.Ordinal))
            {
                skip ??= new bool[run.Length];
                for (var k = at + prefix.Length; k + 2 <= at + compound.Length; k++)
                {
                    skip[k] = true;
                }
            }
        }

        return skip;
    }

    private static List<string> QueryWords(string query) => QueryWordsWithKind(query).Select(w => w.Word).ToList();

    /// <summary>The question's topic words, each marked when it is a native verb or adjective rather than a noun.</summary>
    private static List<(string Word, bool IsPredicate)> QueryWordsWithKind(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = Normalize(query);
        if (IsEnglish(text))
        {
            text = EnglishToKorean(text);
        }

        foreach (var (from, to) in Lexicon.QueryRewrites)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        var words = new List<(string, bool)>();
        void AddSynonym(string synonym) =>
            words.AddRange(synonym.Split(' ').Select(w => (w, Lexicon.NativeStems.Contains(w))));

        foreach (var raw in Words(text))
        {
            // Emoticons written in bare jamo ("ㅠㅠ", "ㅋㅋ") are tone, not topic.
            if (Lexicon.StopWords.Contains(raw) || raw.All(IsCompatibilityJamo))
            {
                continue;
            }

            if (Lexicon.WordSynonyms.TryGetValue(raw, out var direct))
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
                if (Lexicon.WordSynonyms.TryGetValue(word, out var negated))
                {
                    AddSynonym(negated);
                    continue;
                }
            }

            if (Lexicon.StopWords.Contains(word))
            {
                continue;
            }

            word = StripParticle(word);
            if (Lexicon.WordSynonyms.TryGetValue(word, out var synonym))
            {
                AddSynonym(synonym);
                continue;
            }

            if (word.Length == 0 || Lexicon.StopWords.Contains(word))
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
        if (Lexicon.ParticleExceptions.Contains(word))
        {
            return word;
        }

        // "살릴수", "낼수", "받을수": 수 after a syllable ending in ㄹ is "can", not a noun.
        if (word.Length >= 2 && word[^1] == '수' && IsHangulSyllable(word[^2]) && (word[^2] - '\uAC00') % 28 == 8)
        {
            word = word[..^1];
            isPredicate = true;
        }

        // Contracted polite forms back to the stem: "나와요" → 나오, "걸려요" → 걸리, "어려워요" → 어려우.
        foreach (var (contracted, stem) in Lexicon.ContractedEndings)
        {
            if (word.Length > contracted.Length && word.EndsWith(contracted, StringComparison.Ordinal))
            {
                isPredicate = true;
                return word[..^contracted.Length] + stem;
            }
        }

        foreach (var ending in Lexicon.QueryEndings)
        {
            if (word.Length > ending.Length && word.EndsWith(ending, StringComparison.Ordinal))
            {
                isPredicate |= !Lexicon.NounEndingStarts.Contains(ending[0]);
                return word[..^ending.Length];
            }
        }

        return word;
    }


}
