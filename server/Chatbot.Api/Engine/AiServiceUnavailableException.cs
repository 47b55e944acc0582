namespace Chatbot.Api.Engine;

/// <summary>The AI service could not be reached, failed, or broke off a streamed answer.</summary>
public sealed class AiServiceUnavailableException : Exception
{
    public AiServiceUnavailableException()
    {
    }

    public AiServiceUnavailableException(string message)
        : base(message)
    {
    }

    public AiServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
