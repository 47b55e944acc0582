namespace Chatbot.Api.Chat;

/// <summary>A request the chat cannot take, with the HTTP status and a stable code for clients.</summary>
internal sealed class ChatRequestException(int statusCode, string code, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;

    public string Code { get; } = code;

    public IResult ToProblem() => TypedResults.Problem(
        statusCode: StatusCode,
        title: Code.Replace('_', ' '),
        detail: Message,
        extensions: new Dictionary<string, object?> { ["code"] = Code });
}
