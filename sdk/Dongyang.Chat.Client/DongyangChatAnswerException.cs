using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// <see cref="DongyangChatExtensions.AskForAnswerAsync"/> got no answer: the stream ended with an
/// <see cref="ErrorEvent"/>, which this exception carries. <see cref="IDongyangChat.AskAsync"/> yields the same event
/// instead of throwing.
/// </summary>
public sealed class DongyangChatAnswerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The error the server or the client reported.</param>
    public DongyangChatAnswerException(ErrorEvent error)
        : base($"No answer ({error?.Code}): {error?.Message}")
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The error event, with its <see cref="ErrorEvent.Code"/> (see <see cref="ChatErrorCodes"/>) and customer message.</summary>
    public ErrorEvent Error { get; }

    /// <summary>The error's code, one of <see cref="ChatErrorCodes"/>.</summary>
    public string Code => Error.Code;

    /// <summary>For rate limits and storage outages: seconds after which asking again can succeed.</summary>
    public int? RetryAfterSeconds => Error.RetryAfterSeconds;
}
