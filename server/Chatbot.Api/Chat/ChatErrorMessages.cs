namespace Chatbot.Api.Chat;

/// <summary>What a customer reads when a request cannot be taken.</summary>
internal static class ChatErrorMessages
{
    public static string ForCode(string code) => code switch
    {
        "empty_message" => "메시지를 입력해 주세요.",
        "message_too_long" => "메시지가 너무 깁니다. 조금 짧게 나누어 보내 주세요.",
        "client_message_id_too_long" or "invalid_client_message_id" => "요청 형식이 올바르지 않습니다.",
        "invalid_text" => "메시지에 읽을 수 없는 문자가 있습니다. 다시 입력해 주세요.",
        "conversation_not_found" => "대화를 찾을 수 없습니다. 새 대화를 시작해 주세요.",
        "conversation_full" => "대화가 너무 길어졌습니다. 새 대화를 시작해 주세요.",
        "client_message_id_conflict" => "이미 처리된 요청과 겹칩니다. 새로 고친 뒤 다시 보내 주세요.",
        _ => "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.",
    };
}
