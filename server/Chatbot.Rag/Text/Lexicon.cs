using System.Collections.Frozen;
using System.Globalization;

namespace Chatbot.Rag.Text;

/// <summary>
/// The engine's language data: general facts of Korean (particles, endings, stop words) and of insurance vocabulary
/// (colloquial words, product names, an English glossary), kept as versioned TSV files in <c>Text/Lexicon</c> beside
/// the code and embedded in the assembly. Each file is read once; a malformed file fails at first use with its name
/// and line, so a bad edit cannot ship silently.
/// </summary>
/// <remarks>
/// File format: UTF-8, one entry per line, columns separated by a tab, lines starting with <c>#</c> are comments.
/// A trailing space in a value is written <c>\s</c>.
/// </remarks>
public static class Lexicon
{
    private const string ResourcePrefix = "Chatbot.Rag.Lexicon.";

    private static readonly Lazy<Data> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Particles (조사), longest first.</summary>
    public static IReadOnlyList<string> Particles => Loaded.Value.Particles;

    /// <summary>Words that end like a particle or a question ending but must not be stripped (한도, 결과).</summary>
    public static FrozenSet<string> ParticleExceptions => Loaded.Value.ParticleExceptions;

    /// <summary>Question and connective endings, longest first.</summary>
    public static IReadOnlyList<string> QueryEndings => Loaded.Value.QueryEndings;

    /// <summary>Contracted polite endings and the stem vowel they hide (와요 → 오).</summary>
    public static IReadOnlyList<(string Contracted, string Stem)> ContractedEndings => Loaded.Value.ContractedEndings;

    /// <summary>Words that only shape a question.</summary>
    public static FrozenSet<string> StopWords => Loaded.Value.StopWords;

    /// <summary>Colloquial words mapped, whole, to the documents' wording.</summary>
    public static FrozenDictionary<string, string> WordSynonyms => Loaded.Value.WordSynonyms;

    /// <summary>Text rewrites (abbreviations, misspellings), in the order they apply.</summary>
    public static IReadOnlyList<(string From, string To)> QueryRewrites => Loaded.Value.QueryRewrites;

    /// <summary>Synonym targets that are native verb stems.</summary>
    public static FrozenSet<string> NativeStems => Loaded.Value.NativeStems;

    /// <summary>Last syllables of modifiers before a noun (된, 한).</summary>
    public static FrozenSet<char> AdnominalEndings => Loaded.Value.Syllables["adnominal"];

    /// <summary>Last syllables of verb and adjective forms.</summary>
    public static FrozenSet<char> PredicateEndSyllables => Loaded.Value.Syllables["predicate-end"];

    /// <summary>First syllables of endings that follow a noun (하다, 되다, 이다).</summary>
    public static FrozenSet<char> NounEndingStarts => Loaded.Value.Syllables["noun-ending-start"];

    /// <summary>Words that describe the customer's situation (kinship, time, place) and never name what is asked.</summary>
    public static FrozenSet<string> ContextWords => Loaded.Value.ContextWords;

    /// <summary>Names of insurance products and financial topics; one the corpus never mentions is a topic it does not cover.</summary>
    public static FrozenSet<string> TopicNouns => Loaded.Value.TopicNouns;

    /// <summary>Suffixes that make a word a company or product name (생명, 화재, 보험): "X생명" with an unknown X is another insurer.</summary>
    public static IReadOnlyList<string> NameSuffixes => Loaded.Value.NameSuffixes;

    /// <summary>Sentence openers that continue the sentence before (다만, 또한, 이 경우 …), longest first.</summary>
    public static IReadOnlyList<string> ContinuationOpeners => Loaded.Value.ContinuationOpeners;

    /// <summary>Openers of a sentence that concludes the list above it ("위 각 호의 경우에는 …"), longest first.</summary>
    public static IReadOnlyList<string> ListConclusionOpeners => Loaded.Value.ListConclusionOpeners;

    /// <summary>Words that end an English company name ("Hanwha Life", "DB Insurance"), case as written.</summary>
    public static IReadOnlyList<string> EnglishNameSuffixes => Loaded.Value.EnglishNameSuffixes;

    /// <summary>English insurance terms and phrases, longest first, with the Korean words the documents use.</summary>
    public static IReadOnlyList<(string English, string Korean)> EnglishGlossary => Loaded.Value.EnglishGlossary;

    /// <summary>
    /// Words made with a negating prefix (비급여, 미지급) whose rest is a noun with the opposite meaning, longest first:
    /// the rest is not one of the word's tokens (negated-compounds.tsv).
    /// </summary>
    public static IReadOnlyList<(string Word, string Prefix)> NegatedCompounds => Loaded.Value.NegatedCompounds;

    /// <summary>The rows of one embedded lexicon file: comments and blank lines skipped, columns split by tab.</summary>
    public static IReadOnlyList<string[]> Rows(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        using var stream = typeof(Lexicon).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidDataException($"The lexicon file '{fileName}' is not embedded in {typeof(Lexicon).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var rows = new List<string[]>();
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var columns = text.Split('\t');
            if (columns.Any(c => c.Length == 0 || c != c.Trim()))
            {
                throw new InvalidDataException($"{fileName}:{line.ToString(CultureInfo.InvariantCulture)}: an empty column or stray whitespace.");
            }

            rows.Add([.. columns.Select(c => c.Replace("\\s", " ", StringComparison.Ordinal))]);
        }

        return rows;
    }

    private static Data Load() => new(
        LongestFirst(Words("particles.tsv")),
        Words("particle-exceptions.tsv").ToFrozenSet(StringComparer.Ordinal),
        LongestFirst(Words("query-endings.tsv")),
        Pairs("contracted-endings.tsv"),
        Words("stop-words.tsv").ToFrozenSet(StringComparer.Ordinal),
        Pairs("word-synonyms.tsv").ToFrozenDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        Pairs("query-rewrites.tsv"),
        Words("native-stems.tsv").ToFrozenSet(StringComparer.Ordinal),
        Rows("syllables.tsv").GroupBy(r => Column(r, 1, "syllables.tsv")).ToFrozenDictionary(g => g.Key, g => g.Select(r => Syllable(r[0])).ToFrozenSet()),
        Words("context-words.tsv").ToFrozenSet(StringComparer.Ordinal),
        Words("topic-nouns.tsv").ToFrozenSet(StringComparer.Ordinal),
        LongestFirst(Words("name-suffixes.tsv")),
        Pairs("english-glossary.tsv").Select(p => (p.Key.ToLowerInvariant(), p.Value)).OrderByDescending(p => p.Item1.Length).ToList(),
        LongestFirst(Words("continuation-openers.tsv")),
        Words("english-name-suffixes.tsv"),
        LongestFirst(Words("list-conclusion-openers.tsv")),
        NegatedCompoundsFrom(Pairs("negated-compounds.tsv")));

    private static List<(string, string)> NegatedCompoundsFrom(List<(string Key, string Value)> pairs)
    {
        foreach (var (word, prefix) in pairs)
        {
            if (!word.StartsWith(prefix, StringComparison.Ordinal) || word.Length - prefix.Length < 2)
            {
                throw new InvalidDataException($"negated-compounds.tsv: '{word}' must start with its prefix '{prefix}' followed by a noun of two syllables or more.");
            }
        }

        return [.. pairs.OrderByDescending(p => p.Key.Length)];
    }

    private static List<string> Words(string fileName)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Rows(fileName))
        {
            if (!seen.Add(row[0]))
            {
                throw new InvalidDataException($"{fileName}: '{row[0]}' is listed twice.");
            }

            words.Add(row[0]);
        }

        return words;
    }

    private static List<(string Key, string Value)> Pairs(string fileName)
    {
        var pairs = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Rows(fileName))
        {
            var value = Column(row, 1, fileName);
            if (!seen.Add(row[0]))
            {
                throw new InvalidDataException($"{fileName}: '{row[0]}' is listed twice.");
            }

            pairs.Add((row[0], value));
        }

        return pairs;
    }

    private static string Column(string[] row, int index, string fileName) =>
        row.Length > index ? row[index] : throw new InvalidDataException($"{fileName}: '{row[0]}' needs {index + 1} columns.");

    private static char Syllable(string value) =>
        value.Length == 1 ? value[0] : throw new InvalidDataException($"syllables.tsv: '{value}' is not one syllable.");

    private static List<string> LongestFirst(List<string> words) => [.. words.OrderByDescending(w => w.Length)];

    private sealed record Data(
        IReadOnlyList<string> Particles,
        FrozenSet<string> ParticleExceptions,
        IReadOnlyList<string> QueryEndings,
        IReadOnlyList<(string, string)> ContractedEndings,
        FrozenSet<string> StopWords,
        FrozenDictionary<string, string> WordSynonyms,
        IReadOnlyList<(string, string)> QueryRewrites,
        FrozenSet<string> NativeStems,
        FrozenDictionary<string, FrozenSet<char>> Syllables,
        FrozenSet<string> ContextWords,
        FrozenSet<string> TopicNouns,
        IReadOnlyList<string> NameSuffixes,
        IReadOnlyList<(string, string)> EnglishGlossary,
        IReadOnlyList<string> ContinuationOpeners,
        IReadOnlyList<string> EnglishNameSuffixes,
        IReadOnlyList<string> ListConclusionOpeners,
        IReadOnlyList<(string, string)> NegatedCompounds);
}
