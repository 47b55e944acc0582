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

    [Theory]
    [InlineData("Does my policy cover car insurance claims?", "자동차보험")]
    [InlineData("What is the monthly premium for driver's insurance?", "운전자보험")]
    [InlineData("How much pension income is tax-free each year?", "비과세")]
    [InlineData("Can I get pet insurance for my dog?", "펫보험")]
    public async Task An_English_question_about_an_uncovered_product_is_declined_as_the_Korean_one_is(string question, string topic)
    {
        // Without the English name in the glossary only "premium" or "policy" reached the Korean pipeline, which the
        // documents cover, so the question was answered.
        var result = await corpus.Retriever.RetrieveAsync(question);

        Assert.Equal(topic, result.UncoveredTopic);
        Assert.False(result.IsConfident);
    }
}
