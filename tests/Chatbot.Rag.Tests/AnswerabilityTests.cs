namespace Chatbot.Rag.Tests;

/// <summary>The decision to answer or decline, on the sample corpus: each rule of the language data it rests on.</summary>
public sealed class AnswerabilityTests(SampleCorpusFixture corpus) : IClassFixture<SampleCorpusFixture>
{
    [Theory]
    [InlineData("아파트 청약 가점은 어떻게 계산해요?", "아파트")]
    [InlineData("주택청약 1순위 조건 알려주세요", "주택청약")]
    [InlineData("청약통장 해지하면 어떻게 돼요?", "청약통장")]
    public async Task A_housing_subscription_question_is_not_an_insurance_subscription(string question, string topic)
    {
        // 청약 is also the documents' word for applying for a policy (청약철회), so only the topic noun tells them apart.
        var result = await corpus.Retriever.RetrieveAsync(question);

        Assert.Equal(topic, result.UncoveredTopic);
        Assert.False(result.IsConfident);
    }

    [Theory]
    [InlineData("보험기간이 30일짜리인 상품도 청약철회 할 수 있나요?")]
    [InlineData("만원짜리 보험도 청약철회 돼요?")]
    public async Task A_bound_suffix_weighs_nothing_in_the_question(string question)
    {
        // 짜리 ("lasting", "worth") is grammar, not topic: left on the word, its bigrams weigh like words the documents lack.
        var result = await corpus.Retriever.RetrieveAsync(question);

        Assert.DoesNotContain(result.QueryTokens, t => t.Contains('짜'));
        Assert.Equal("terms-cancellation-surrender-value", result.Passages[0].Chunk.DocumentId);
    }
}
