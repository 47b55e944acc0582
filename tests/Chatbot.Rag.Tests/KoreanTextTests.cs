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
    [InlineData("보험금 언제 들어와요?", "보험금 들어오")]
    [InlineData("주소 어떻게 바꿔여", "주소 변경")]
    [InlineData("실효된 보험 다시 살릴수 있어요?", "실효된 보험 다시 부활")]
    [InlineData("보험료가 두번 빠져나갔어요 ㅠㅠ", "보험료 중복 출금")]
    [InlineData("엄마가 대신 청구해도 되나여?", "가족 대신 청구")]
    [InlineData("출산 입원비도 실비 되요?", "출산 입원의료비 실손")]
    [InlineData("보험대출 안갚으면 어떻게돼요", "보험계약대출 상환")]
    public void Colloquial_questions_are_normalised_to_document_wording(string query, string expected) =>
        Assert.Equal(expected, KoreanText.NormalizeQuery(query));

    [Fact]
    public void Index_aware_tokens_drop_colloquial_endings_but_keep_unknown_topics_and_products()
    {
        // The documents know these bigrams; anything else is unknown to them.
        var known = new HashSet<string>(["보험", "험금", "들어", "청구", "암보", "화재", "동차", "자동"]);

        var colloquial = KoreanText.QueryTokens("보험금 청구할래", known.Contains);
        var product = KoreanText.QueryTokens("화재보험 청구", known.Contains);
        var offTopic = KoreanText.QueryTokens("비트코인 시세", known.Contains);

        Assert.Equal(["보험", "험금", "청구"], colloquial);
        Assert.Contains("재보", product);
        Assert.Equal(["비트", "트코", "코인", "시세"], offTopic);
    }

    [Theory]
    [InlineData("보험금을", "보험금")]
    [InlineData("보험금은", "보험금")]
    [InlineData("보험금이", "보험금")]
    [InlineData("대출에서는", "대출")]
    [InlineData("한도", "한도")]
    [InlineData("결과", "결과")]
    [InlineData("60일짜리인", "60일")]
    [InlineData("만원짜리", "만원")]
    public void Particles_are_stripped_but_look_alike_nouns_are_kept(string word, string expected) =>
        Assert.Equal(expected, KoreanText.StripParticle(word));

    [Fact]
    public void A_negated_compound_does_not_hold_its_base_noun_as_a_token()
    {
        // 비급여 (not covered by national health insurance) is the opposite of 급여: a question about 급여 must not match it.
        Assert.Equal(["비급", "의료", "료비"], KoreanText.Tokenize("비급여 의료비"));
        Assert.Contains("급여", KoreanText.Tokenize("급여 의료비"));
        Assert.Equal(["실손", "손비", "비급", "여특", "특약"], KoreanText.Tokenize("실손비급여특약"));
        Assert.Contains("미지", KoreanText.Tokenize("미지급 보험금"));
        Assert.DoesNotContain("지급", KoreanText.Tokenize("미지급 보험금"));
    }

    [Theory]
    [InlineData("자기부담률이 몇 %예요?")]
    [InlineData("공시이율 연 3.0%인가요?")]
    public void A_copula_standing_alone_after_a_figure_is_no_topic_word(string question)
    {
        var tokens = KoreanText.QueryTokens(question);
        Assert.DoesNotContain("예요", tokens);
        Assert.DoesNotContain("인가", tokens);
        Assert.DoesNotContain("가요", tokens);
    }

    [Theory]
    [InlineData("What are the opening hours of the customer plaza?", "운영 시간 고객플라자")]
    [InlineData("How many plazas are there?", "고객플라자")]
    [InlineData("Does it pay for cosmetic surgery?", "미용 성형수술")]
    public void English_names_of_the_plaza_its_hours_and_cosmetic_surgery_reach_the_Korean_words(string question, string korean) =>
        Assert.Contains(korean, KoreanText.EnglishToKorean(question), StringComparison.Ordinal);

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
