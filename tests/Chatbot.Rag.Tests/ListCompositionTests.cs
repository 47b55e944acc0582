using System.Text.RegularExpressions;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Retrieval;

namespace Chatbot.Rag.Tests;

/// <summary>
/// How the offline answer quotes lists and tables: an item never without its lead-in, an exclusion item with the
/// sentence that concludes its list, a table row with its header, and an answer led by an item kept to that list.
/// </summary>
public sealed partial class ListCompositionTests(SampleCorpusFixture corpus) : IClassFixture<SampleCorpusFixture>
{
    // A 약관 whose exclusion list states its verdict only after the list, and a list whose lead-in names what it lists.
    private const string LeisureTerms = """
        ---
        title: 예시 레저상해보험 약관
        type: terms
        ---
        # 예시 레저상해보험 약관

        ## 제3조(보상하지 않는 손해)

        ① 레저상해보험에서 다음 각 호의 활동 중에 생긴 상해의 처리는 이 조에서 정합니다.

        1. 스카이다이빙, 행글라이딩, 패러글라이딩 등 항공 레저활동
        2. 스쿠버다이빙 등 수중 레저활동
        3. 암벽등반 등 전문 등반

        ② 위 각 호의 활동 중에 생긴 상해에 대하여는 레저상해보험금을 지급하지 않습니다.

        ## 제4조(레저상해보험금의 청구)

        ① 레저상해보험금을 청구할 때에는 다음 각 호의 서류를 제출하여야 합니다.

        1. 청구서
        2. 신분증 사본
        3. 사고 경위서

        ② 청구 서류는 우편으로 제출할 수 있습니다.
        """;

    private const string OtherTerms = """
        ---
        title: 예시 자동이체 안내
        type: faq
        ---
        # 예시 자동이체 안내

        ## Q. 자동이체 날짜를 바꿀 수 있나요?
        자동이체 출금일은 매월 5일, 15일, 25일 중에서 고를 수 있습니다.
        """;

    [Fact]
    public async Task An_exclusion_item_comes_with_its_lead_in_and_the_sentence_that_concludes_its_list()
    {
        var answer = await ComposeInSmallCorpusAsync("스카이다이빙 하다가 다치면 레저상해보험금 나와요?");

        Assert.True(answer.Grounded, answer.Text);
        var item = answer.Text.IndexOf("1. 스카이다이빙", StringComparison.Ordinal);
        var leadIn = answer.Text.IndexOf("다음 각 호의 활동 중에 생긴 상해", StringComparison.Ordinal);
        var conclusion = answer.Text.IndexOf("위 각 호의 활동 중에 생긴 상해에 대하여는 레저상해보험금을 지급하지 않습니다.", StringComparison.Ordinal);
        Assert.True(item >= 0, answer.Text);
        Assert.True(leadIn >= 0 && leadIn < item, answer.Text);
        Assert.True(conclusion > item, answer.Text);
    }

    [Fact]
    public async Task A_lead_in_chosen_alone_brings_the_items_it_introduces()
    {
        var answer = await ComposeInSmallCorpusAsync("레저상해보험금을 청구할 때 제출하여야 하는 서류는 뭐예요?");

        Assert.True(answer.Grounded, answer.Text);
        Assert.Contains("다음 각 호의 서류를 제출하여야 합니다.", answer.Text, StringComparison.Ordinal);
        Assert.Contains("1. 청구서", answer.Text, StringComparison.Ordinal);
        Assert.Contains("2. 신분증 사본", answer.Text, StringComparison.Ordinal);
        Assert.Contains("3. 사고 경위서", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_led_by_an_exclusion_item_is_that_item_with_its_lead_in_only()
    {
        var answer = await corpus.Answerer.ComposeAsync("비만 치료 받은 병원비 실비 되나요?");

        Assert.True(answer.Grounded, answer.Text);
        Assert.Equal(
            ["회사는 다음 각 호의 어느 하나에 해당하는 의료비는 보상하지 않습니다.", "6. 단순 비만 치료, 불임 관련 시술 의료비"],
            QuotedLines(answer));
    }

    [Fact]
    public async Task A_table_row_comes_under_its_header_which_carries_no_marker_of_its_own()
    {
        var answer = await corpus.Answerer.ComposeAsync("담낭절제술 받았는데 수술특약에서 얼마 받을 수 있어요?");

        Assert.True(answer.Grounded, answer.Text);
        Assert.Equal(["수술 분류 | 수술 예시 | 수술급여금(1회당)", "2종 수술 | 담낭절제술, 충수절제술 등 | 50만원"], QuotedLines(answer));
        Assert.Contains("수술 분류 | 수술 예시 | 수술급여금(1회당)\n", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fact_stated_in_both_the_faq_and_the_clause_is_quoted_once()
    {
        var answer = await corpus.Answerer.ComposeAsync("계약일이 1월 1일이면 암 보장은 언제부터 시작돼요?");

        Assert.True(answer.Grounded, answer.Text);
        Assert.Contains("4월 1일", answer.Text, StringComparison.Ordinal);
        Assert.Single(QuotedLines(answer), line => line.Contains("90일이 지난 날의 다음 날", StringComparison.Ordinal));
    }

    private static async Task<ComposedAnswer> ComposeInSmallCorpusAsync(string question)
    {
        using var directory = new TempDirectory();
        directory.Write("knowledge/leisure-terms.md", LeisureTerms);
        directory.Write("knowledge/auto-debit.md", OtherTerms);
        var generator = new HashingEmbeddingGenerator();
        using var store = TestSupport.NewStore(directory);
        var summary = await TestSupport.NewIngestor(store, generator).IngestDirectoryAsync(directory.Combine("knowledge"), null, default);
        Assert.Empty(summary.Failed);
        var answerer = new ExtractiveAnswerer(new KnowledgeRetriever(store, generator), store);
        return await answerer.ComposeAsync(question);
    }

    /// <summary>The quoted lines and sentences of an answer, without markers, prefaces or the disclaimer.</summary>
    private static List<string> QuotedLines(ComposedAnswer answer) =>
        [.. answer.Text.Split('\n')
            .SelectMany(line => Marker().Split(line))
            .Select(part => part.Trim())
            .Where(part => part.Length > 0 && !part.StartsWith('※'))];

    [GeneratedRegex(@"\s*\[\d+\]\s*")]
    private static partial Regex Marker();
}
