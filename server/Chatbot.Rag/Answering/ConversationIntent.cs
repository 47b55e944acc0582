using System.Text.RegularExpressions;
using Chatbot.Rag.Text;

namespace Chatbot.Rag.Answering;

/// <summary>What a customer's message asks for, when it is not a question for the documents.</summary>
public enum ConversationIntent
{
    /// <summary>A question for the documents.</summary>
    Question,

    /// <summary>"안녕하세요", "hello".</summary>
    Greeting,

    /// <summary>"감사합니다", "thanks".</summary>
    Thanks,

    /// <summary>"뭘 할 수 있어요?", "what can you do?".</summary>
    Capabilities,

    /// <summary>"상담원이랑 통화하고 싶어요": a person, not an answer.</summary>
    HumanRequest,

    /// <summary>"제 약관대출 잔액이 지금 얼마예요?": the customer's own contract, which the bot cannot see.</summary>
    PersonalLookup,
}

/// <summary>
/// Recognises the messages that need no documents. Deliberately narrow: a message that also asks an insurance question
/// ("상담원 연결 전에 청구 서류 뭐예요?") stays a question, and a question about the counsellor line's number or hours is
/// answered from the documents like any other.
/// </summary>
public static partial class ConversationIntents
{
    /// <summary>Classifies one customer message.</summary>
    public static ConversationIntent Classify(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = KoreanText.Normalize(message).ToLowerInvariant().Trim();
        var bare = Punctuation().Replace(text, "").Trim();
        if (bare.Length == 0)
        {
            return ConversationIntent.Question;
        }

        // "상담원 연결 가능한가요? 몇 시까지요?" asks about the service, which the documents answer.
        if (HumanRequest().IsMatch(text) && bare.Length <= 40 && !AsksAbout().IsMatch(text))
        {
            return ConversationIntent.HumanRequest;
        }

        if (PersonalLookup().IsMatch(text) && FirstPerson().IsMatch(text))
        {
            return ConversationIntent.PersonalLookup;
        }

        if (Greeting().IsMatch(bare))
        {
            return ConversationIntent.Greeting;
        }

        if (Thanks().IsMatch(bare))
        {
            return ConversationIntent.Thanks;
        }

        return Capabilities().IsMatch(bare) ? ConversationIntent.Capabilities : ConversationIntent.Question;
    }

    [GeneratedRegex(@"(\?|가요|나요|까요|되나|돼요\?|몇|언제|어떻게|방법|어디|있어요\?|\b(how|when|what|which|is there|can i)\b)")]
    private static partial Regex AsksAbout();

    [GeneratedRegex(@"[\p{P}\p{S}~ㅋㅎㅠㅜ]+")]
    private static partial Regex Punctuation();

    // A person (상담원, 상담사, 사람, 직원) with a wish to talk or be connected; or just "상담원 연결" / "talk to a human".
    [GeneratedRegex(@"((상담원|상담사|상담 ?직원|직원|사람|담당자)\s*(이랑|하고|과|와|한테|에게|님과|님이랑)?\s*(연결|통화|전화|얘기|이야기|대화|상담|바꿔|말하))|^(상담원|상담사)(\s*(연결|요|님))?\s*(해\s*주세요|해줘|부탁(드립니다|해요)?|요)?[.!?]*$|\b(talk|speak|chat)\s+(to|with)\s+(a\s+)?(human|person|counsell?or|agent|someone|representative)\b|\b(human|live)\s+agent\b|\bconnect me\b")]
    private static partial Regex HumanRequest();

    // The current state or figure of the customer's own contract.
    [GeneratedRegex(@"(지금|현재|이번\s?달|오늘)\s*.{0,20}(얼마|남아|남은|잔액|상태|유효|됐는지|되었는지|처리|확인해\s*주)|(잔액|남은\s*금액|정확히\s*얼마|처리\s*(상태|현황)|진행\s*상황|조회해\s*주)|\b(my|our)\s+(current|remaining|outstanding)\b|\bhow much is left\b|\bstatus of my\b|\bcheck (if|whether) my\b")]
    private static partial Regex PersonalLookup();

    [GeneratedRegex(@"(^|\s)(제|내|저의|나의|저희|우리)(\s|$)|제가|내가|저는|\bmy\b|\bi\b")]
    private static partial Regex FirstPerson();

    [GeneratedRegex(@"^(안녕(하세요|하십니까)?|하이|헬로|반가워요|반갑습니다|hi|hello|hey|good (morning|afternoon|evening))(\s*(챗봇|봇|there))?$")]
    private static partial Regex Greeting();

    [GeneratedRegex(@"^(감사(합니다|해요|드립니다)?|고마워(요)?|고맙습니다|땡큐|thanks?( you)?( very much| so much)?|thx|ty)(\s*(도움이 됐어요|잘 알겠습니다|알겠습니다))?$")]
    private static partial Regex Thanks();

    [GeneratedRegex(@"^(뭘|뭐|무엇을|무슨)\s*(할 수 있|도와|물어볼 수|물어봐도|질문할 수).{0,10}$|^(넌|너는|당신은)\s*(누구|뭐)|^what can (you|i ask)|^who are you|^how can you help")]
    private static partial Regex Capabilities();
}
