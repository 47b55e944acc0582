namespace Chatbot.Api.Tests;

/// <summary>Questions about the sample knowledge, with the documents that really hold the answer.</summary>
public static class ChatQuestions
{
    public static TheoryData<string, string[]> AboutTheKnowledge => new()
    {
        { "보험금 청구할 때 필요한 서류는 뭐예요?", ["claims-procedure", "terms-claim-payment"] },
        { "보험금 청구는 어떻게 하나요?", ["claims-procedure", "terms-claim-payment"] },
        { "보험계약대출 이자는 어떻게 되나요?", ["policy-loan-guide"] },
        { "암보험 면책기간이 뭔가요?", ["cancer-waiting-reduction-period"] },
        { "실비 보험에서 도수치료도 보장되나요?", ["medical-indemnity-coverage"] },
        { "보험료를 못 내면 계약이 어떻게 되나요?", ["terms-premium-lapse-reinstatement", "premium-payment-faq"] },
        { "해지환급금이 뭐예요?", ["terms-cancellation-surrender-value"] },
        { "고객센터 상담 시간이 어떻게 되나요?", ["customer-center"] },
        { "수익자를 변경하려면 어떻게 해야 하나요?", ["policyholder-beneficiary-change"] },
    };
}
