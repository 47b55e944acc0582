using Chatbot.Rag.Answering;

namespace Chatbot.Rag.Tests;

/// <summary>
/// Which sentence leads the offline answer: the one holding the word that says what exactly was asked (a word few other
/// candidate sentences hold), with a list item read together with its lead-in and a row with its header.
/// </summary>
public sealed class SentenceChoiceTests(SampleCorpusFixture corpus) : IClassFixture<SampleCorpusFixture>
{
    [Fact]
    public async Task The_exclusion_item_naming_the_asked_treatment_beats_a_sentence_sharing_only_the_general_words()
    {
        // 실비, 입원, 청구 are in many sentences (the claim documents list among them); only item 7 names 출산.
        var answer = await corpus.Answerer.ComposeAsync("출산하느라 입원한 비용도 실비 청구되나요?");

        Assert.True(answer.Grounded, answer.Text);
        var leadIn = answer.Text.IndexOf("다음 각 호의 어느 하나에 해당하는 의료비는 보상하지 않습니다.", StringComparison.Ordinal);
        var item = answer.Text.IndexOf("7. 임신, 출산, 산후기로 입원하거나 통원한 의료비", StringComparison.Ordinal);
        Assert.True(leadIn >= 0 && item > leadIn, answer.Text);
    }

    [Fact]
    public async Task A_short_list_item_is_chosen_for_the_words_of_its_lead_in_and_its_own()
    {
        // "1. 소송 제기" alone shares one word with the question; read under its lead-in it answers it.
        var answer = await corpus.Answerer.ComposeAsync("보험금 조사 중인데 제가 소송을 걸었거든요. 그 기간도 30영업일 안에 포함되나요?");

        Assert.True(answer.Grounded, answer.Text);
        Assert.Contains("그 기간을 지급기일 산정에서 제외합니다.", answer.Text, StringComparison.Ordinal);
        Assert.Contains("1. 소송 제기", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_table_row_of_the_asked_product_kind_beats_the_sentence_about_another_kind()
    {
        var answer = await corpus.Answerer.ComposeAsync("저축성 보험 들고 있는데 약관대출은 해지환급금의 몇 %까지 받을 수 있어요?");

        Assert.True(answer.Grounded, answer.Text);
        Assert.Contains("상품 종류 | 보험계약대출 한도\n저축성 보험, 연금보험 | 해지환급금의 95% 이내", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("80% 이내입니다", answer.Text, StringComparison.Ordinal);
    }
}
