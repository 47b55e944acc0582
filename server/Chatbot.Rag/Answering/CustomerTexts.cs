using Chatbot.Counselling;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Answering;

/// <summary>
/// Every sentence the engine says to a customer on its own behalf (declines, prefaces, notices, the disclaimer, the
/// replies to greetings and to a request for a person), defined once in Korean and English. The counsellor line and its
/// hours always come from <see cref="CounsellorLine"/>, the configured one.
/// </summary>
public sealed class CustomerTexts
{
    private readonly CounsellorLine _line;

    public CustomerTexts(CounsellorLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _line = line;
    }

    /// <summary>The counsellor line's number.</summary>
    public string CounsellorPhone => _line.Phone;

    /// <summary>The counsellor line's hours as a customer reads them.</summary>
    public string CounsellorHours(CustomerLanguage language) => _line.DescribeHours(language);

    /// <summary>Texts for the default counsellor settings, for code that runs without a host (tests, tools).</summary>
    public static CustomerTexts Default { get; } = new(new CounsellorLine(Options.Create(new CounsellorOptions())));

    /// <summary>The language to answer <paramref name="question"/> in.</summary>
    public static CustomerLanguage LanguageOf(string question) =>
        Text.KoreanText.IsEnglish(question) ? CustomerLanguage.English : CustomerLanguage.Korean;

    /// <summary>The note that ends every grounded answer.</summary>
    public static string Disclaimer(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? "※ 정확한 보장 내용과 지급 기준은 가입하신 상품의 약관이 우선합니다."
        : "※ The terms and conditions (약관) of your policy govern the exact coverage and payment criteria.";

    /// <summary>The documents do not answer the question.</summary>
    public string Decline(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"죄송합니다. 문의하신 내용은 제가 참고하는 안내 문서에서 확인할 수 없습니다. 상담원 연결을 요청하시거나 {Line(language)}으로 문의해 주세요."
        : $"Sorry, I cannot find this in the documents I rely on. You can ask for a counsellor here, or call {Line(language)}.";

    /// <summary>Before the rule, when the customer asks whether their own claim will be paid.</summary>
    public static string PersonalPrefix(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? "고객님의 계약에 보험금이 지급되는지는 가입하신 상품과 심사 결과에 따라 달라, 여기서 확정해 드릴 수는 없습니다. 안내 문서의 관련 기준은 다음과 같습니다.\n"
        : "Whether your own claim will be paid depends on your policy and its assessment, so I cannot confirm it here. The general rule in our documents is as follows.\n";

    /// <summary>After the rule, when the customer asks whether their own claim will be paid.</summary>
    public string PersonalCounsellor(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"\n정확한 지급 여부는 {Line(language)}에서 확인해 주세요."
        : $"\nA counsellor can confirm your own case: {Line(language)}.";

    /// <summary>Before Korean quotes answering an English question.</summary>
    public static string EnglishQuotesIntro => "Here is what our documents say (quoted in Korean):\n";

    /// <summary>The model's answer cited nothing.</summary>
    public string Ungrounded(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"\n\n안내 문서에서 근거를 확인하지 못했습니다. 정확한 안내는 {Line(language)}으로 문의해 주세요."
        : $"\n\nI could not confirm this in our documents. Please ask {Line(language)}.";

    /// <summary>The index cannot be searched (the model's embedding server is down).</summary>
    public string Unavailable(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"죄송합니다. 지금은 안내 문서를 검색할 수 없어 답변을 드리기 어렵습니다. 잠시 후 다시 시도하시거나 {Line(language)}으로 문의해 주세요."
        : $"Sorry, I cannot search our documents right now. Please try again shortly or call {Line(language)}.";

    /// <summary>The customer asks for a person.</summary>
    public string HumanRequest(CustomerLanguage language)
    {
        var open = _line.IsOpenNow;
        return language == CustomerLanguage.Korean
            ? open
                ? $"상담원과 이야기하시려면 아래 '상담원 연결'을 눌러 주세요. 전화로는 {Line(language)}으로 연락하실 수 있습니다."
                : $"지금은 상담 시간이 아닙니다. 상담원은 {_line.DescribeNextOpening(language)}부터 응대합니다. 아래 '상담원 연결'로 요청을 남기시면 상담 시간에 연락드리며, 전화는 {Line(language)}입니다."
            : open
                ? $"To talk to a counsellor, press 'Talk to a counsellor' below. You can also call {Line(language)}."
                : $"Our counsellors are away now and back {_line.DescribeNextOpening(language)}. Press 'Talk to a counsellor' below to leave a request and we will contact you then; the phone line is {Line(language)}.";
    }

    /// <summary>The customer asks about their own contract's figures or status, which the bot cannot see.</summary>
    public string PersonalLookup(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"죄송합니다. 저는 고객님의 계약 정보(잔액, 환급금, 납입·처리 내역)를 조회할 수 없습니다. 동양생명 앱이나 홈페이지에서 본인 인증 후 확인하시거나, 상담원 연결을 요청하시거나 {Line(language)}으로 문의해 주세요."
        : $"Sorry, I cannot look up your own contract (balances, refund amounts, payment or claim status). Please check it in the Dongyang Life app or website after signing in, ask for a counsellor here, or call {Line(language)}.";

    /// <summary>A greeting.</summary>
    public static string Greeting(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? "안녕하세요, 동양생명 상담 챗봇입니다. 보험금 청구, 보험료 납입, 해지환급금, 보험계약대출, 특약 등 궁금하신 점을 물어봐 주세요."
        : "Hello, this is Dongyang Life's support assistant. Ask me about claims, premiums, surrender values, policy loans or riders.";

    /// <summary>Thanks.</summary>
    public static string Thanks(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? "도움이 되어 다행입니다. 더 궁금하신 점이 있으면 언제든 물어봐 주세요."
        : "You're welcome. Ask me anytime if there is anything else.";

    /// <summary>What the bot can do.</summary>
    public string Capabilities(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"저는 동양생명의 안내 문서와 약관을 근거로 보험금 청구 방법과 서류, 보험료 납입과 연체, 해지환급금, 보험계약대출, 계약자·수익자 변경, 특약 보장을 안내해 드립니다. 답변에는 근거 문서를 함께 보여 드리며, 문서에 없는 내용이나 고객님 개인 계약의 확인은 상담원({Line(language)})이 도와드립니다."
        : $"I answer from Dongyang Life's guides and policy terms: how to claim and which documents to send, premiums and late payment, surrender values, policy loans, changing the policyholder or beneficiary, and rider coverage, always with the sources. For anything the documents do not cover, or your own contract, a counsellor can help ({Line(language)}).";

    /// <summary>Figures of a model answer that the sources do not hold, for the log and tests.</summary>
    public static string UnsupportedFigures(IReadOnlyList<string> figures) => string.Join(", ", figures);

    private string Line(CustomerLanguage language) => _line.Describe(language);
}
