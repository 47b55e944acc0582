using Chatbot.Counselling;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

/// <summary>What a customer reads when a request cannot be taken.</summary>
internal static class ChatErrorMessages
{
    /// <summary>The answering engine (the AI service) failed or could not be reached; the question is stored.</summary>
    public const string AnswerUnavailable = ChatErrorCodes.AnswerUnavailable;

    /// <summary>The customer's text for an error code; the counsellor line, where named, is the configured one.</summary>
    public static string ForCode(string code, CounsellorLine line) => code switch
    {
        ChatErrorCodes.EmptyMessage => "메시지를 입력해 주세요.",
        ChatErrorCodes.MessageTooLong => "메시지가 너무 깁니다. 조금 짧게 나누어 보내 주세요.",
        ChatErrorCodes.ClientMessageIdTooLong or ChatErrorCodes.InvalidClientMessageId => "요청 형식이 올바르지 않습니다.",
        ChatErrorCodes.InvalidText => "메시지에 읽을 수 없는 문자가 있습니다. 다시 입력해 주세요.",
        ChatErrorCodes.ConversationNotFound => "대화를 찾을 수 없습니다. 새 대화를 시작해 주세요.",
        AnswerUnavailable => $"답변 서버에 일시적인 문제가 있어 지금은 답변을 드리기 어렵습니다. 질문은 저장되었으니 잠시 후 다시 시도해 주세요. 급하신 경우 {line.Describe(CustomerLanguage.Korean)}으로 연락해 주세요.",
        ChatErrorCodes.InvalidContext => "페이지 정보가 너무 길어 질문을 보내지 못했습니다. (The page context is too large.)",
        ChatErrorCodes.ConversationFull => "대화가 너무 길어졌습니다. 새 대화를 시작해 주세요.",
        ChatErrorCodes.ClientMessageIdConflict => "이미 처리된 요청과 겹칩니다. 새로 고친 뒤 다시 보내 주세요.",
        _ => "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.",
    };
}
