using Chatbot.Testing;

namespace Chatbot.Privacy.Tests;

/// <summary>
/// The masking corpus in personal-data-corpus.tsv, both directions: every variant of personal data is masked to the
/// expected text, and every look-alike (policy numbers, dates, amounts, article numbers, company lines) survives unchanged.
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
        Assert.Equal(masked, Masker.Mask(masked));
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_survive(string input, string expected)
    {
        Assert.Equal(expected, Masker.Mask(input));
        Assert.Empty(Masker.Find(input));
    }

    [Fact]
    public void The_corpus_has_at_least_two_hundred_cases_covering_every_kind_and_every_digit_script()
    {
        var cases = PersonalDataCorpus.Read();
        var personal = cases.Where(c => c.IsPersonalData).ToList();

        Assert.True(cases.Count >= 200, $"{cases.Count} cases");
        Assert.True(personal.Count >= 120, $"{personal.Count} personal-data variants");
        Assert.True(cases.Count - personal.Count >= 60, $"{cases.Count - personal.Count} look-alikes");
        Assert.Equal(cases.Count, cases.Select(c => c.Input).Distinct().Count());
        foreach (var kind in Enum.GetValues<PersonalDataKind>())
        {
            Assert.Contains(personal, c => c.Labels.Contains(PersonalDataMasker.LabelOf(kind)));
        }

        // Full-width, Arabic-Indic, Persian, Devanagari, Bengali and Thai digits each appear in a masked case.
        foreach (var zero in new[] { '０', '٠', '۰', '०', '০', '๐' })
        {
            Assert.Contains(personal, c => c.RawValues.Any(raw => raw.Any(ch => ch >= zero && ch <= zero + 9)));
        }
    }

    private static TheoryData<string, string> Table(bool masked)
    {
        var data = new TheoryData<string, string>();
        foreach (var c in PersonalDataCorpus.Read().Where(c => c.IsPersonalData == masked))
        {
            data.Add(c.Input, c.Expected);
        }

        return data;
    }
}
