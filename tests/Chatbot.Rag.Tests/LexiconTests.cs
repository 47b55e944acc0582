using Chatbot.Rag.Text;

namespace Chatbot.Rag.Tests;

/// <summary>The language data files: each loads, holds entries, and means what the engine relies on.</summary>
public sealed class LexiconTests
{
    [Fact]
    public void Every_lexicon_file_loads_with_entries()
    {
        Assert.NotEmpty(Lexicon.Particles);
        Assert.NotEmpty(Lexicon.ParticleExceptions);
        Assert.NotEmpty(Lexicon.QueryEndings);
        Assert.NotEmpty(Lexicon.ContractedEndings);
        Assert.NotEmpty(Lexicon.StopWords);
        Assert.NotEmpty(Lexicon.WordSynonyms);
        Assert.NotEmpty(Lexicon.QueryRewrites);
        Assert.NotEmpty(Lexicon.NativeStems);
        Assert.NotEmpty(Lexicon.ContextWords);
        Assert.NotEmpty(Lexicon.TopicNouns);
        Assert.NotEmpty(Lexicon.NameSuffixes);
        Assert.NotEmpty(Lexicon.EnglishGlossary);
        Assert.NotEmpty(Lexicon.ContinuationOpeners);
        Assert.NotEmpty(Lexicon.ListConclusionOpeners);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidDataException>(() => Lexicon.Rows("no-such-file.tsv"));
        Assert.Contains("no-such-file.tsv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_matched_by_prefix_are_longest_first_so_a_longer_entry_wins()
    {
        Assert.All(new[] { Lexicon.Particles, Lexicon.QueryEndings, Lexicon.NameSuffixes, Lexicon.ContinuationOpeners, Lexicon.ListConclusionOpeners }, list =>
            Assert.Equal(list.OrderByDescending(w => w.Length).Select(w => w.Length), list.Select(w => w.Length)));
        Assert.Equal(Lexicon.EnglishGlossary.OrderByDescending(e => e.English.Length).Select(e => e.English.Length), Lexicon.EnglishGlossary.Select(e => e.English.Length));
    }

    [Fact]
    public void The_glossary_translates_a_phrase_before_its_words()
    {
        var loan = KoreanText.EnglishToKorean("What is the interest on a policy loan?");
        Assert.Contains("보험계약대출", loan, StringComparison.Ordinal);
        Assert.Contains("이자", loan, StringComparison.Ordinal);
        Assert.DoesNotContain("대출 계약", KoreanText.EnglishToKorean("policy loan"), StringComparison.Ordinal);
        Assert.Contains("영업일", KoreanText.EnglishToKorean("Does a Saturday count as a business day?"), StringComparison.Ordinal);
        Assert.Contains("토요일", KoreanText.EnglishToKorean("Does a Saturday count as a business day?"), StringComparison.Ordinal);
    }

    [Fact]
    public void Kinship_and_travel_words_are_circumstance_not_topic()
    {
        Assert.Contains("조카", (IReadOnlySet<string>)Lexicon.ContextWords);
        Assert.Contains("여행", (IReadOnlySet<string>)Lexicon.ContextWords);
        Assert.Contains("무슨", (IReadOnlySet<string>)Lexicon.StopWords);
    }

    [Theory]
    [InlineData("How do I file a claim with Hanwha Life instead?", "Hanwha Life")]
    [InlineData("Is Kyobo Life Insurance cheaper?", "Kyobo Life")]
    [InlineData("Can I move my policy to DB Insurance?", "DB Insurance")]
    [InlineData("How do I file a claim with Dongyang Life?", null)]
    [InlineData("Does whole life insurance pay for surgery?", null)]
    [InlineData("Whole Life policies: can I borrow against them?", null)]
    public void An_English_question_naming_another_company_is_recognised(string question, string? company)
    {
        Assert.Equal(company, KoreanText.ForeignEnglishCompany(question));
    }
}
