using System.Text.RegularExpressions;
using Chatbot.Rag.Answering;

namespace Chatbot.Rag.Tests;

public sealed partial class SampleCorpusAnswerTests(SampleCorpusFixture corpus) : IClassFixture<SampleCorpusFixture>
{
    [Fact]
    public void The_sample_corpus_ingests_without_failures()
    {
        Assert.Empty(corpus.Summary.Failed);
        Assert.True(corpus.Summary.Files >= 3);
    }

    [Theory]
    [InlineData("보험금 청구할 때 필요한 서류는 뭐예요?", "claims-procedure")]
    [InlineData("보험금 청구는 어떻게 하나요?", "claims-procedure")]
    [InlineData("보험계약대출 이자는 어떻게 되나요?", "policy-loan-guide")]
    [InlineData("약관대출 이자는 얼마인가요?", "policy-loan-guide")]
    [InlineData("암보험 면책기간이 뭔가요?", "cancer-waiting-reduction-period")]
    [InlineData("실비 보험 도수치료 보장되나요?", "medical-indemnity-coverage")]
    [InlineData("보험료를 못 내면 어떻게 되나요?", "terms-premium-lapse-reinstatement|premium-payment-faq")]
    [InlineData("해지환급금이 뭐예요?", "terms-cancellation-surrender-value")]
    [InlineData("보험금은 언제 들어오나요?", "claims-procedure|terms-claim-payment")]
    [InlineData("실효된 계약을 부활하려면 어떻게 하나요?", "terms-premium-lapse-reinstatement")]
    [InlineData("보험금청구 서류", "claims-procedure")]
    [InlineData("수익자 변경은 어떻게 하나요?", "policyholder-beneficiary-change")]
    [InlineData("고객센터 전화번호 알려주세요", "customer-center")]
    public async Task Questions_about_the_samples_cite_the_document_that_holds_the_fact(string question, string expectedDocuments)
    {
        var expected = expectedDocuments.Split('|');
        if (!expected.All(id => File.Exists(Path.Combine(TestSupport.SampleKnowledgePath, id + ".md"))))
        {
            // The sample corpus grows independently; a question is only checked once its document exists.
            return;
        }

        var answer = await corpus.Answerer.ComposeAsync(question);

        Assert.True(answer.Grounded, $"declined with confidence {answer.Retrieval.Confidence:F3}");
        Assert.Contains(answer.Citations[0].DocumentId, expected);
        Assert.InRange(answer.Citations.Count, 1, 4);
        Assert.Equal(Enumerable.Range(1, answer.Citations.Count), answer.Citations.Select(c => c.Index));
        var markers = Marker().Matches(answer.Text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order();
        Assert.Equal(answer.Citations.Select(c => c.Index), markers);
        Assert.Contains(ExtractiveAnswerer.Disclaimer, answer.Text, StringComparison.Ordinal);
        Assert.All(answer.Citations, c => Assert.True(c.Snippet.Length is > 0 and <= 320, c.Snippet));
        Assert.InRange(answer.Suggestions.Count, 2, 3);
    }

    [Theory]
    [InlineData("실효된보험 다시 살릴수 있어요?")]
    [InlineData("보험료 못내서 실효된 보험 다시 살릴 수 있어요? 몇 년 안에 해야 돼요?")]
    public async Task An_answer_does_not_open_with_a_caveat_that_continues_another_sentence(string question)
    {
        var answer = await corpus.Answerer.ComposeAsync(question);

        Assert.True(answer.Grounded);
        var first = answer.Pieces.First(p => Marker().IsMatch(p)).TrimStart();
        Assert.False(first.StartsWith("다만", StringComparison.Ordinal), first);
        Assert.Contains("3년", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quoted_sentences_are_verbatim_from_the_cited_passage()
    {
        var answer = await corpus.Answerer.ComposeAsync("보험금은 언제 들어오나요?");

        var chunks = await corpus.Store.GetDocumentChunksAsync(answer.Citations[0].DocumentId);
        var quoted = answer.Pieces.Where(p => Marker().IsMatch(p)).Select(p => Marker().Replace(p, "").Trim());
        Assert.All(quoted, sentence => Assert.Contains(chunks, c => c.Text.Contains(sentence, StringComparison.Ordinal)));
        Assert.Contains("3영업일", answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("오늘 서울 날씨 어때요?")]
    [InlineData("비트코인 시세 알려줘")]
    [InlineData("자동차보험 과태료 얼마예요?")]
    [InlineData("점심 메뉴 추천해줘")]
    [InlineData("주식 투자 어떻게 해요?")]
    [InlineData("자동차보험 가입하고 싶어요")]
    [InlineData("뭐예요?")]
    public async Task Off_topic_questions_are_declined_with_the_counsellor_line(string question)
    {
        var updates = await corpus.Answerer.AnswerAsync(question).ToListAsync();

        var text = string.Concat(updates.OfType<AnswerDelta>().Select(d => d.Text));
        Assert.Contains("1588-0000", text, StringComparison.Ordinal);
        Assert.Contains("평일 09:00~18:00", text, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(updates.OfType<AnswerCitations>()).Citations);
        Assert.False(Assert.IsType<AnswerFinished>(updates[^1]).Grounded);
    }

    [Fact]
    public async Task An_answer_streams_deltas_then_citations_then_finished()
    {
        var updates = await corpus.Answerer.AnswerAsync("보험금 청구는 어떻게 하나요?").ToListAsync();

        var deltas = updates.TakeWhile(u => u is AnswerDelta).Count();
        Assert.True(deltas >= 3, $"expected several deltas, got {deltas}");
        Assert.IsType<AnswerCitations>(updates[deltas]);
        Assert.IsType<AnswerFinished>(updates[deltas + 1]);
        Assert.Equal(deltas + 2, updates.Count);
        Assert.True(((AnswerFinished)updates[^1]).Grounded);
    }

    [Theory]
    [InlineData("제 보험금 나오나요?")]
    [InlineData("제 경우 암 진단금 지급되나요?")]
    public async Task Personal_verdict_questions_explain_the_rule_and_refer_to_a_counsellor(string question)
    {
        var answer = await corpus.Answerer.ComposeAsync(question);

        Assert.True(ExtractiveAnswerer.IsPersonalVerdictQuestion(question));
        Assert.Contains("확정해 드릴 수는 없습니다", answer.Text, StringComparison.Ordinal);
        Assert.Contains("1588-0000", answer.Text, StringComparison.Ordinal);
        Assert.True(answer.Grounded);
        Assert.NotEmpty(answer.Citations);
    }

    [Fact]
    public void General_questions_are_not_personal_verdicts()
    {
        Assert.False(ExtractiveAnswerer.IsPersonalVerdictQuestion("실비 보험 도수치료 보장되나요?"));
        Assert.False(ExtractiveAnswerer.IsPersonalVerdictQuestion("보험금 청구는 어떻게 하나요?"));
    }

    [Theory]
    [InlineData("종신보험은 병으로 사망해도 사망보험금 나오나요?")]
    [InlineData("실비보험으로도 약관대출 받을 수 있나요?")]
    [InlineData("보험증권 잃어버렸는데 재발급 받을 수 있나요?")]
    [InlineData("보험금 조사 중인데 제가 소송을 걸었거든요. 그 기간도 30영업일 안에 포함되나요?")]
    public void A_question_about_the_rule_or_a_service_is_not_a_personal_verdict(string question) =>
        Assert.False(ExtractiveAnswerer.IsPersonalVerdictQuestion(question));

    [Theory]
    [InlineData("보험료 연체 중인데 유예기간 안에 사고가 났어요. 보험금 받을 수 있나요?")]
    [InlineData("아버지가 남은 생존기간 6개월 판정을 받으셨어요. 사망보험금 미리 받을 수 있나요?")]
    [InlineData("제가 입원했는데 입원급여금 나오나요?")]
    public void A_question_about_the_customers_own_payment_is_a_personal_verdict(string question) =>
        Assert.True(ExtractiveAnswerer.IsPersonalVerdictQuestion(question));

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();
}
