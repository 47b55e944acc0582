using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Retrieval;
using Chatbot.Rag.Text;

namespace Chatbot.Rag.Tests;

public sealed class KoreanTextTests
{
    [Fact]
    public void Normalize_folds_full_width_case_and_whitespace() =>
        Assert.Equal("abc 123 보험금", KoreanText.Normalize("  ＡＢＣ\t１２３ \n 보험금 "));

    [Theory]
    [InlineData("보험금을 청구하려면 어떻게 하나요?", "보험금 청구")]
    [InlineData("실비 보험 도수치료 보장되나요?", "실손 보험 도수치료 보장")]
    [InlineData("실비보험 청구", "실손의료보험 청구")]
    [InlineData("약관대출 이자는?", "보험계약대출 이자")]
    [InlineData("해약환급금이 뭐예요?", "해지환급금")]
    public void Query_normalisation_strips_particles_endings_and_maps_synonyms(string query, string expected) =>
        Assert.Equal(expected, KoreanText.NormalizeQuery(query));

    [Theory]
    [InlineData("보험금을", "보험금")]
    [InlineData("보험금은", "보험금")]
    [InlineData("보험금이", "보험금")]
    [InlineData("대출에서는", "대출")]
    [InlineData("한도", "한도")]
    [InlineData("결과", "결과")]
    public void Particles_are_stripped_but_look_alike_nouns_are_kept(string word, string expected) =>
        Assert.Equal(expected, KoreanText.StripParticle(word));

    [Fact]
    public void Spacing_does_not_change_the_lexical_tokens()
    {
        var joined = KoreanText.Tokenize("보험금청구").ToHashSet();
        var spaced = KoreanText.Tokenize("보험금을 청구").ToHashSet();

        Assert.Superset(spaced, joined);
        Assert.Equal(["보험", "험금", "청구"], KoreanText.Tokenize("보험금을 청구"));
        Assert.Equal(["암", "90"], KoreanText.Tokenize("암은 90"));
    }

    [Fact]
    public void The_hashing_embedding_is_deterministic_normalised_and_similarity_aware()
    {
        var generator = new HashingEmbeddingGenerator();

        var a = generator.Embed("보험금 청구 서류");
        Assert.Equal(a, new HashingEmbeddingGenerator().Embed("보험금 청구 서류"));
        Assert.Equal(384, a.Length);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(v => (double)v * v)), 3);
        var near = KnowledgeRetriever.Cosine(a, generator.Embed("보험금을 청구할 때 필요한 서류"));
        var far = KnowledgeRetriever.Cosine(a, generator.Embed("오늘 서울 날씨"));
        Assert.True(near > far + 0.3, $"near {near:F3}, far {far:F3}");
    }
}
