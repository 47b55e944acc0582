using Chatbot.Rag.Safety;

namespace Chatbot.Rag.Tests.Safety;

/// <summary>
/// The masking corpus in personal-data-corpus.tsv, both directions: every variant of personal data is masked to the
/// expected text, and every look-alike (policy numbers, dates, amounts, company hotlines) survives unchanged.
/// </summary>
public sealed class PersonalDataCorpusTests
{
    private static readonly PersonalDataMasker Masker = new();

    public static TheoryData<string, string> PersonalData => Table(masked: true);

    public static TheoryData<string, string> LookAlikes => Table(masked: false);

    [Theory]
    [MemberData(nameof(PersonalData))]
    public void Personal_data_is_masked(string input, string expected)
    {
        var masked = Masker.Mask(input);

        Assert.Equal(expected, masked);
        Assert.False(Masker.ContainsPersonalData(masked), "a masked text must hold no personal data");
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_survive(string input, string expected)
    {
        Assert.Equal(expected, Masker.Mask(input));
        Assert.Empty(Masker.Find(input));
    }

    [Fact]
    public void The_corpus_covers_every_kind_with_at_least_sixty_variants()
    {
        var cases = Read().ToList();
        var personal = cases.Where(c => c.Expected != c.Input).ToList();

        Assert.True(personal.Count >= 60, $"{personal.Count} personal-data variants");
        Assert.True(cases.Count - personal.Count >= 30, $"{cases.Count - personal.Count} look-alikes");
        foreach (var kind in Enum.GetValues<PersonalDataKind>())
        {
            Assert.Contains(personal, c => c.Expected.Contains(PersonalDataMasker.LabelOf(kind), StringComparison.Ordinal));
        }

        Assert.Contains(personal, c => c.Input.Any(ch => ch is >= '０' and <= '９'));
    }

    private static TheoryData<string, string> Table(bool masked)
    {
        var data = new TheoryData<string, string>();
        foreach (var (input, expected) in Read().Where(c => (c.Expected != c.Input) == masked))
        {
            data.Add(input, expected);
        }

        return data;
    }

    private static IEnumerable<(string Input, string Expected)> Read()
    {
        var path = Path.Combine(TestSupport.SampleKnowledgePath, "..", "..", "tests", "Chatbot.Rag.Tests", "Safety", "personal-data-corpus.tsv");
        foreach (var line in File.ReadLines(path))
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

            yield return (columns[0], columns[1] == "=" ? columns[0] : columns[1]);
        }
    }
}
