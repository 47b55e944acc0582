using System.Net;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>Malformed or invalid chat requests, with the status each must get.</summary>
public static class BadChatRequests
{
    public static TheoryData<string, HttpStatusCode> All => new()
    {
        { """{"message": ""}""", HttpStatusCode.BadRequest },
        { """{"message": "   "}""", HttpStatusCode.BadRequest },
        { "{}", HttpStatusCode.BadRequest },
        { $$"""{"message": "{{new string('가', ChatLimits.MaxMessageLength + 1)}}"}""", HttpStatusCode.BadRequest },
        { $$"""{"message": "보험금", "clientMessageId": "{{new string('x', ChatLimits.MaxClientMessageIdLength + 1)}}"}""", HttpStatusCode.BadRequest },
        { """{"message": "보험금 청구""", HttpStatusCode.BadRequest },
        { "not json at all", HttpStatusCode.BadRequest },
        { """{"message": 42}""", HttpStatusCode.BadRequest },
        { """{"message": "보험금", "conversationId": "not-a-guid"}""", HttpStatusCode.BadRequest },
        { """{"message": "보험금", "conversationId": "5f0c3c8e-3a1b-4e55-9a55-000000000000"}""", HttpStatusCode.NotFound },
    };
}
