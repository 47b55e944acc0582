using System.Globalization;
using System.Text.RegularExpressions;

namespace Chatbot.Testing;

/// <summary>One case of the masking corpus.</summary>
/// <param name="Input">What a customer or a document says.</param>
/// <param name="Expected">The input masked; equal to it for a look-alike that must stay.</param>
/// <param name="RawValues">The pieces of the input that the expected text replaces with labels: the personal data itself.</param>
public sealed record PersonalDataCase(string Input, string Expected, IReadOnlyList<string> RawValues)
{
    public bool IsPersonalData => RawValues.Count > 0;

    /// <summary>The labels the expected text uses, e.g. [전화번호].</summary>
    public IReadOnlyList<string> Labels => [.. PersonalDataCorpus.Label().Matches(Expected).Select(m => m.Value)];
}

/// <summary>
/// The masking corpus, tests/Chatbot.Privacy.Tests/personal-data-corpus.tsv: one case a line, input TAB expected
/// ("=" when the input must survive unchanged), # comments, and \uXXXX and \n escapes in both columns.
/// </summary>
public static partial class PersonalDataCorpus
{
    public static string Path { get; } = System.IO.Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.Privacy.Tests", "personal-data-corpus.tsv");

    public static IReadOnlyList<PersonalDataCase> Read()
    {
        var cases = new List<PersonalDataCase>();
        foreach (var line in File.ReadLines(Path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 2)
            {
                throw new InvalidDataException($"A corpus line needs input<TAB>expected: '{line}'");
            }

            var input = Unescape(columns[0]);
            var expected = columns[1] == "=" ? input : Unescape(columns[1]);
            cases.Add(new PersonalDataCase(input, expected, RawValuesOf(input, expected)));
        }

        return cases;
    }

    /// <summary>Aligns the input with the text around the expected labels; what lies between is the raw data.</summary>
    private static List<string> RawValuesOf(string input, string expected)
    {
        var literals = Label().Split(expected);
        if (literals.Length == 1)
        {
            return [];
        }

        if (!input.StartsWith(literals[0], StringComparison.Ordinal) || !input.EndsWith(literals[^1], StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The expected text does not fit its input: '{input}' → '{expected}'");
        }

        var raw = new List<string>();
        var position = literals[0].Length;
        for (var i = 1; i < literals.Length; i++)
        {
            var next = i == literals.Length - 1
                ? input.Length - literals[i].Length
                : input.IndexOf(literals[i], position + 1, StringComparison.Ordinal);
            if (next <= position)
            {
                throw new InvalidDataException($"The expected text does not fit its input: '{input}' → '{expected}'");
            }

            raw.Add(input[position..next]);
            position = next + literals[i].Length;
        }

        return raw;
    }

    private static string Unescape(string value) =>
        Escape().Replace(value, m => m.Value == @"\n" ? "\n" : ((char)int.Parse(m.Groups["hex"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());

    [GeneratedRegex(@"\[(?:주민등록번호|외국인등록번호|전화번호|카드번호|계좌번호|이메일|여권번호|운전면허번호)\]")]
    internal static partial Regex Label();

    [GeneratedRegex(@"\\n|\\u(?<hex>[0-9A-Fa-f]{4})")]
    private static partial Regex Escape();
}
