using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Widget;

/// <summary>Every text the chat shows, in Korean (the default) and English.</summary>
public sealed record ChatStrings
{
    /// <summary>Korean, the default.</summary>
    public static ChatStrings Korean { get; } = new()
    {
        Language = "ko",
        Title = "동양생명 상담 챗봇",
        Greeting = "안녕하세요! 동양생명 챗봇입니다. 보험금 청구, 보험료 납입, 해지환급금 등 궁금한 점을 물어보세요.",
        GreetingNamed = "{0}님, 안녕하세요! 동양생명 챗봇입니다. 보험금 청구, 보험료 납입, 해지환급금 등 궁금한 점을 물어보세요.",
        InputLabel = "메시지 입력",
        InputPlaceholder = "궁금한 점을 입력하세요",
        Send = "보내기",
        Close = "채팅 닫기",
        OpenChat = "채팅 열기",
        NewConversation = "새 대화",
        Handoff = "상담원 연결",
        HandoffAnswer = "상담원과 연결을 요청했습니다. 고객센터 {0} ({1})로 전화하시면 상담원이 도와드립니다.",
        HandoffFailed = "상담원 연결 요청을 보내지 못했습니다. 고객센터로 직접 전화해 주세요.",
        Counsellor = "상담원",
        Connecting = "연결 중…",
        Reconnecting = "재연결 중…",
        Offline = "오프라인 — 연결되면 메시지를 보냅니다",
        Typing = "답변을 작성하고 있습니다",
        Waiting = "연결되면 전송됩니다",
        Sources = "출처 {0}개",
        Page = "{0}쪽",
        Helpful = "도움이 됐어요",
        NotHelpful = "도움이 안 됐어요",
        FeedbackCommentLabel = "의견 (선택)",
        FeedbackSubmit = "의견 보내기",
        FeedbackThanks = "의견 감사합니다.",
        SuggestionsLabel = "추천 질문",
        You = "나",
        Bot = "챗봇",
        Unread = "읽지 않은 메시지 {0}개",
        MessagesLabel = "대화 내용",
        ErrorGeneric = "죄송합니다. 일시적인 문제로 답변하지 못했습니다. 잠시 후 다시 시도해 주세요.",
        ErrorRateLimited = "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
        ErrorTooLong = "메시지가 너무 깁니다. 조금 짧게 나누어 보내 주세요.",
        ErrorConversationGone = "이전 대화를 찾을 수 없어 새 대화를 시작합니다.",
        ErrorIdentity = "로그인 정보를 확인할 수 없어 상담을 시작하지 못했습니다. 다시 로그인한 뒤 이용해 주세요.",
        ErrorSiteRefused = "이 사이트에서는 상담을 이용할 수 없습니다.",
        ErrorOriginNotAllowed = "이 웹사이트에는 상담 챗봇 사용이 허용되어 있지 않아 채팅을 시작할 수 없습니다.",
        ErrorUnavailable = "지금은 상담 챗봇 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        CounsellorContact = "급하신 용무는 고객센터 {0}({1})로 전화해 주세요.",
        NewMessages = "새 메시지 ↓",
        OpenSource = "출처 {0} 열기: {1}",
        SourceLoading = "출처를 불러오고 있습니다…",
        SourceMissing = "이 출처는 지금 지식 문서에 없습니다.",
        SourceFailed = "출처를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.",
        CloseSource = "출처 닫기",
        ReadSource = "전문 보기",
        OffersHandoff = "상담원 연결",
        StarterQuestions =
        [
            "보험금 청구할 때 필요한 서류는 뭐예요?",
            "보험료를 못 내면 어떻게 되나요?",
            "해지환급금은 어떻게 계산되나요?",
        ],
    };

    /// <summary>English.</summary>
    public static ChatStrings English { get; } = new()
    {
        Language = "en",
        Title = "Dongyang Life chat",
        Greeting = "Hello! I am the Dongyang Life chatbot. Ask me about claims, premiums, surrender values and more.",
        GreetingNamed = "Hello, {0}! I am the Dongyang Life chatbot. Ask me about claims, premiums, surrender values and more.",
        InputLabel = "Message",
        InputPlaceholder = "Type your question",
        Send = "Send",
        Close = "Close chat",
        OpenChat = "Open chat",
        NewConversation = "New chat",
        Handoff = "Talk to a counsellor",
        HandoffAnswer = "Your request is recorded. Call our counsellors at {0} ({1}).",
        HandoffFailed = "The request could not be sent. Please call our customer centre directly.",
        Counsellor = "Counsellor",
        Connecting = "Connecting…",
        Reconnecting = "Reconnecting…",
        Offline = "Offline — messages will be sent when the connection is back",
        Typing = "Writing an answer",
        Waiting = "Will be sent when connected",
        Sources = "{0} sources",
        Page = "p. {0}",
        Helpful = "Helpful",
        NotHelpful = "Not helpful",
        FeedbackCommentLabel = "Comment (optional)",
        FeedbackSubmit = "Send comment",
        FeedbackThanks = "Thank you for your feedback.",
        SuggestionsLabel = "Suggested questions",
        You = "You",
        Bot = "Chatbot",
        Unread = "{0} unread messages",
        MessagesLabel = "Conversation",
        ErrorGeneric = "Sorry, something went wrong. Please try again in a moment.",
        ErrorRateLimited = "Too many requests. Please try again in a moment.",
        ErrorTooLong = "The message is too long. Please split it up.",
        ErrorConversationGone = "The earlier conversation could not be found, so a new one starts.",
        ErrorIdentity = "Your sign-in could not be verified, so the chat could not start. Please sign in again.",
        ErrorSiteRefused = "Chat is not available on this site.",
        ErrorOriginNotAllowed = "This website is not allowed to use the chat, so it cannot start here.",
        ErrorUnavailable = "The chat server cannot be reached right now. Please try again in a moment.",
        CounsellorContact = "For urgent matters, call our customer centre on {0} ({1}).",
        NewMessages = "New message ↓",
        OpenSource = "Open source {0}: {1}",
        SourceLoading = "Loading the source…",
        SourceMissing = "This source is no longer in the knowledge base.",
        SourceFailed = "The source could not be loaded. Please try again in a moment.",
        CloseSource = "Close source",
        ReadSource = "Read in full",
        OffersHandoff = "Talk to a counsellor",
        StarterQuestions =
        [
            "What documents do I need to file a claim?",
            "What happens if I miss a premium payment?",
            "How is the surrender value calculated?",
        ],
    };

    /// <summary>The strings for a language code: <c>en</c> gives English, anything else Korean.</summary>
    /// <param name="language">A language code such as <c>ko</c> or <c>en-US</c>.</param>
    public static ChatStrings For(string? language) =>
        language is not null && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : Korean;

#pragma warning disable CS1591 // Each property is the text its name says.
    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string Greeting { get; init; }
    public required string GreetingNamed { get; init; }
    public required string InputLabel { get; init; }
    public required string InputPlaceholder { get; init; }
    public required string Send { get; init; }
    public required string Close { get; init; }
    public required string OpenChat { get; init; }
    public required string NewConversation { get; init; }
    public required string Handoff { get; init; }
    public required string HandoffAnswer { get; init; }
    public required string HandoffFailed { get; init; }
    public required string Counsellor { get; init; }
    public required string Connecting { get; init; }
    public required string Reconnecting { get; init; }
    public required string Offline { get; init; }
    public required string Typing { get; init; }
    public required string Waiting { get; init; }
    public required string Sources { get; init; }
    public required string Page { get; init; }
    public required string Helpful { get; init; }
    public required string NotHelpful { get; init; }
    public required string FeedbackCommentLabel { get; init; }
    public required string FeedbackSubmit { get; init; }
    public required string FeedbackThanks { get; init; }
    public required string SuggestionsLabel { get; init; }
    public required string You { get; init; }
    public required string Bot { get; init; }
    public required string Unread { get; init; }
    public required string MessagesLabel { get; init; }
    public required string ErrorGeneric { get; init; }
    public required string ErrorRateLimited { get; init; }
    public required string ErrorTooLong { get; init; }
    public required string ErrorConversationGone { get; init; }
    public required string ErrorIdentity { get; init; }
    public required string ErrorSiteRefused { get; init; }
    public required string ErrorOriginNotAllowed { get; init; }
    public required string ErrorUnavailable { get; init; }
    public required string CounsellorContact { get; init; }
    public required string NewMessages { get; init; }
    public required string OpenSource { get; init; }
    public required string SourceLoading { get; init; }
    public required string SourceMissing { get; init; }
    public required string SourceFailed { get; init; }
    public required string CloseSource { get; init; }
    public required string ReadSource { get; init; }
    public required string OffersHandoff { get; init; }
    public required IReadOnlyList<string> StarterQuestions { get; init; }
#pragma warning restore CS1591

    /// <summary>The customer-facing text for an error code from the server.</summary>
    /// <param name="code">The <c>ErrorEvent</c> code.</param>
    public string ForError(string? code) => code switch
    {
        ChatErrorCodes.RateLimited or "too_many_requests" => ErrorRateLimited,
        ChatErrorCodes.MessageTooLong => ErrorTooLong,
        ChatErrorCodes.ConversationNotFound => ErrorConversationGone,
        ChatErrorCodes.IdentityInvalid or ChatErrorCodes.IdentityExpired => ErrorIdentity,
        ChatErrorCodes.OriginNotAllowed => ErrorOriginNotAllowed,
        ChatErrorCodes.SiteKeyMissing or ChatErrorCodes.SiteKeyInvalid or ChatErrorCodes.SiteKeyDisabled => ErrorSiteRefused,
        ChatErrorCodes.Unavailable => ErrorUnavailable,
        _ => ErrorGeneric,
    };
}
